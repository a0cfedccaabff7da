/**
 * The vocabulary of a refused write, as the API speaks it. The database is
 * the judge (`toDataRuleError()` in `@skatehubba/db` reads its verdict); this
 * is what the SDK switches on.
 */
export const RULE_KINDS = [
  /** The value itself is malformed. */
  'invalid',
  /** It clashes with an existing row (a taken handle, a duplicate check-in). */
  'conflict',
  /** It points at a row that does not exist (a check-in at an unknown spot). */
  'missing_reference',
  /** The row is referenced by others and cannot go (a spot with check-ins). */
  'in_use',
  /** The caller's role or rider may not do this: a privilege or a row-level policy. */
  'forbidden',
] as const;

/** How the API should treat a broken rule. */
export type RuleKind = (typeof RULE_KINDS)[number];

const HTTP_STATUS = {
  invalid: 400,
  conflict: 409,
  // 404, not 422: the kind does not know whether the missing row was named in
  // the path (`/spots/{id}/...`) or in the body (`checkInInput.spot_id`), and
  // "not found" is right for both, while 422 ("understood, but wrong") is
  // wrong for a path. It is also the one answer for a row the rider may not
  // see: row-level security makes "does not exist" and "not yours to see"
  // indistinguishable, and 404 tells the client nothing about which it was.
  missing_reference: 404,
  in_use: 409,
  forbidden: 403,
} as const satisfies Record<RuleKind, number>;

/** The HTTP status the API answers a refusal of this kind with. */
export function httpStatusOf(kind: RuleKind): (typeof HTTP_STATUS)[RuleKind] {
  return HTTP_STATUS[kind];
}

/**
 * The JSON body of a refusal: what `DataRuleError` becomes on the wire. `rule`
 * is the stable id to switch on (`duplicate_checkin`, `handle_taken`, ...),
 * `message` a sentence for the rider, `facts` the typed details (a duplicate
 * check-in carries `retryAt`, an ISO timestamp). The constraint name and
 * SQLSTATE stay on the server.
 */
export interface DataRuleErrorWire {
  rule: string;
  kind: RuleKind;
  message: string;
  facts: Record<string, unknown>;
}
