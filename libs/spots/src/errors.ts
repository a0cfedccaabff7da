/** Thrown by spot flows; `rule` names the rule that refused the call. */
export class SpotFlowError extends Error {
  constructor(
    readonly rule: 'spot_not_found' | 'spot_already_archived',
    readonly spotId: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpotFlowError';
  }
}
