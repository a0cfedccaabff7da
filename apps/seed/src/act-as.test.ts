import { describe, expect, it } from 'vitest';
import { actAsRiderLines, appLoginUrl } from './act-as';

const rider = { id: 'e27f9bfe-bade-47e9-b40b-65f80d0a2b81', handle: 'carissa_windler_3c' };

// What the printed lines do is tested end to end in cli.test.ts (psql's statements over the wire);
// here, the parts a test server cannot show: a Neon URL, and a role that has no login yet.
describe('acting as a rider in psql', () => {
  it('logs in as the app role on the same host, database and parameters, and never prints the seed login password', () => {
    expect(appLoginUrl('postgres://neondb_owner:s3cret@ep-x-123.us-east-2.aws.neon.tech/neondb?sslmode=require')).toBe(
      'postgres://skatehubba_app@ep-x-123.us-east-2.aws.neon.tech/neondb?sslmode=require',
    );
  });

  it('on a server whose app role cannot log in yet, starts with the ALTER ROLE an admin runs (the seed changes no role)', () => {
    const lines = actAsRiderLines(rider, { engine: 'server', appUrl: 'postgres://skatehubba_app@db.example/app', canLogin: false });
    expect(lines[1]).toMatch(/^ {4}ALTER ROLE skatehubba_app LOGIN PASSWORD '\.\.\.';/);
    expect(lines[2]).toBe('    psql "postgres://skatehubba_app@db.example/app"');
    const ready = actAsRiderLines(rider, { engine: 'server', appUrl: 'postgres://skatehubba_app@db.example/app', canLogin: true });
    expect(ready.join('\n')).not.toMatch(/ALTER ROLE/);
  });

  it('sets the rider and the role transaction-locally, as asRider() does, so nothing reaches the next client', () => {
    const sql = actAsRiderLines(rider, { engine: 'pglite' }).filter((l) => /^ {4}[A-Z]/.test(l));
    expect(sql[0]).toBe('    BEGIN;');
    expect(sql[1]).toBe(
      `    SELECT set_config('request.jwt.claims', '{"sub":"${rider.id}"}', true), set_config('role', 'authenticated', true);`,
    );
    expect(sql.at(-1)).toBe('    COMMIT;');
  });
});
