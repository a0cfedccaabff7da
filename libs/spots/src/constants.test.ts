import { describe, expect, it } from 'vitest';
import { CHECKIN_DEDUPE_WINDOW, CHECKIN_DEDUPE_WINDOW_MS } from './constants';

describe('the duplicate check-in window', () => {
  it('is the same 10 minutes in the index (SQL interval) and in milliseconds (@skatehubba/contracts)', () => {
    expect(CHECKIN_DEDUPE_WINDOW).toBe(`${CHECKIN_DEDUPE_WINDOW_MS / 60_000} minutes`);
  });
});
