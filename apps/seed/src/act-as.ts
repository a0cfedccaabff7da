import { RIDER_CLAIMS_SETTING, ROLES } from '@skatehubba/schema-kit';

/** Where psql acts as the app: the served PGlite, or a Postgres server the seed loaded. */
export type ActAsTarget =
  | { engine: 'pglite' }
  /** `appUrl`: the server's URL with the app's login; `canLogin`: whether that role has LOGIN yet. */
  | { engine: 'server'; appUrl: string; canLogin: boolean };

/**
 * The server's URL with the API's login in place of the seed's: same host,
 * database and parameters (`sslmode` on Neon), no password (psql asks for
 * it), so the seed never prints a secret it was given.
 */
export function appLoginUrl(url: string): string {
  const u = new URL(url);
  u.username = ROLES.app;
  u.password = '';
  return u.toString();
}

/**
 * The lines that let a developer see in psql exactly what the API sees for
 * one rider: the rider claim and `SET ROLE authenticated`, both
 * transaction-local as `asRider()` sets them, so nothing outlives `COMMIT`.
 * That matters on the served PGlite, where every client shares one session.
 *
 * On a server the login is `skatehubba_app`. The migrations create it
 * NOLOGIN, and the seed does not give it a login: a role belongs to the whole
 * server (a Neon branch), not to the database the seed was pointed at, and a
 * password the seed chose would sit in terminals and CI logs. So when the role
 * cannot log in yet, the first line is the one ALTER ROLE an admin runs.
 */
export function actAsRiderLines(rider: { id: string; handle: string }, target: ActAsTarget): string[] {
  const claims = JSON.stringify({ sub: rider.id });
  const as = `  act as @${rider.handle} as the API does`;
  return [
    target.engine === 'pglite'
      ? `${as} (role authenticated, row-level security); paste into psql:`
      : `${as} (login ${ROLES.app}, role authenticated, row-level security):`,
    ...(target.engine === 'server'
      ? [
          ...(target.canLogin
            ? []
            : [`    ALTER ROLE ${ROLES.app} LOGIN PASSWORD '...';   -- once, as an admin: the seed changes no role on a server`]),
          `    psql "${target.appUrl}"`,
        ]
      : []),
    `    BEGIN;`,
    `    SELECT set_config('${RIDER_CLAIMS_SETTING}', '${claims}', true), set_config('role', '${ROLES.authenticated}', true);`,
    `    SELECT current_rider_email(), (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM saved_spots) AS saved_spots;`,
    `    COMMIT;`,
    `  They see only their own sessions, saved spots and progress, and every live check-in; users.email and sessions.token_hash are refused.`,
    ...(target.engine === 'pglite'
      ? [`  PGlite's session is always a superuser: policies bind it only under that SET ROLE, which ends with the transaction.`]
      : []),
  ];
}
