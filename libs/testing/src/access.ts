import type { SQL } from 'drizzle-orm';
import type { NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { anonymousContext, asAnonymous, asRider, riderContext, rowsOf } from '@skatehubba/schema-kit';
import { hasSessions } from './engine';
import type { TestDatabase } from './database';

/** Who a request is: a verified rider, or no rider at all. */
export type Requester = { rider: string } | 'anonymous';

/**
 * Runs `statements` in one transaction on the API's login (`t.app`) as
 * `who`, on any engine, and returns each statement's rows. With sessions
 * (PGlite, postgres, neon-ws) it is `asRider()`/`asAnonymous()`; neon-http
 * has no interactive transaction, so the same context statement
 * (`riderContext()`/`anonymousContext()`) goes first in one batch, which the
 * driver runs as one transaction. A refused statement rejects and rolls the
 * whole transaction back either way.
 */
export async function runAs<S extends Record<string, unknown>>(
  t: TestDatabase<S>,
  who: Requester,
  statements: SQL[],
): Promise<unknown[][]> {
  if (hasSessions()) {
    const body = async (tx: { execute(statement: SQL): PromiseLike<unknown> }) => {
      const results: unknown[][] = [];
      for (const statement of statements) results.push(rowsOf(await tx.execute(statement)));
      return results;
    };
    return who === 'anonymous' ? asAnonymous(t.app, body) : asRider(t.app, who.rider, body);
  }
  const app = t.app as unknown as NeonHttpDatabase<S>;
  const context = who === 'anonymous' ? anonymousContext() : riderContext(who.rider);
  const [, ...results] = await app.batch([app.execute(context), ...statements.map((statement) => app.execute(statement))]);
  return results.map((result) => rowsOf(result));
}
