import { z } from 'zod';
import { MARK_READ_MAX_IDS } from '../limits';
import { id } from './fields';

/** Marking notifications read, by id: at most one page of the inbox at a time. No `read_at`: it is the database's clock. */
export const markNotificationsReadInput = z.strictObject({
  ids: z.array(id()).min(1).max(MARK_READ_MAX_IDS),
});
export type MarkNotificationsReadInput = z.input<typeof markNotificationsReadInput>;
export type MarkNotificationsReadValues = z.output<typeof markNotificationsReadInput>;
