import { describe, expectTypeOf, it } from 'vitest';
import type { PageWire, SessionWire, StartedSessionWire, Wire } from './index';

// The wire types of each table are held to their drizzle rows in
// @skatehubba/db (wire.test.ts), where the tables are; here: Wire<T> itself.
describe('Wire<T>', () => {
  it('turns every Date into an ISO string, at any depth, and keeps optional and nullable fields', () => {
    type Row = { at: Date; maybe: Date | null; later?: Date; n: number; tags: string[]; times: Date[]; nested: { at: Date } };
    expectTypeOf<Wire<Row>>().toEqualTypeOf<{
      at: string;
      maybe: string | null;
      later?: string;
      n: number;
      tags: string[];
      times: string[];
      nested: { at: string };
    }>();
    expectTypeOf<Wire<Date>>().toEqualTypeOf<string>();
    expectTypeOf<Wire<Record<string, unknown>>>().toEqualTypeOf<Record<string, unknown>>();
  });
});

describe('composite wire types', () => {
  it('a started session carries the token once, beside a session without its hash', () => {
    expectTypeOf<StartedSessionWire>().toEqualTypeOf<{ session: SessionWire; token: string }>();
    expectTypeOf<SessionWire>().not.toHaveProperty('token_hash');
  });

  it('a page is its items and the next cursor, null on the last page', () => {
    expectTypeOf<PageWire<SessionWire>>().toEqualTypeOf<{ items: SessionWire[]; next_cursor: string | null }>();
  });
});
