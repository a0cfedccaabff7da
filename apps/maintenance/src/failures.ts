import { pgErrorFields } from '@skatehubba/schema-kit';

/** Where the job ran, for messages: host:port/database, or the PGlite folder. Never a password. */
export type Target = { kind: 'server'; url: string } | { kind: 'pglite'; dataDir: string };

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;

export function describeTarget(target: Target): string {
  if (target.kind === 'pglite') return target.dataDir;
  const u = new URL(target.url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/**
 * One line with the next step for a failed run, for the errors an operator
 * can act on (the same connection cases as the seed's, plus the ones only
 * this job meets: a login that is not staff, a database not migrated yet, a
 * lock it waited too long for). Anything else is a bug: undefined, and the
 * caller prints the stack.
 */
export function describeFailure(error: unknown, target: Target): string | undefined {
  const where = describeTarget(target);
  const fields = pgErrorFields(error);
  const e = errnoCause(error);
  const code = fields?.code ?? e?.code;
  const message = fields?.message ?? String(e?.message ?? (error as Error)?.message ?? error);
  const server = target.kind === 'server' ? new URL(target.url) : undefined;
  const login = server ? decodeURIComponent(server.username) || 'the default login' : 'postgres';
  const lost = `the connection to ${where} was lost (${message}). Nothing was committed by the step that failed; run the same command again.`;

  if (fields?.constraint === 'maintain_audit_logs_staff_guard' || fields?.constraint === 'prune_sessions_staff_guard' || code === '42501') {
    return `${login} may not run maintenance on ${where} (${fields?.constraint ?? message}). Use a login that is a member of skatehubba_owner: the one the migrations run as (postgres locally, neondb_owner on Neon), never the API's skatehubba_app.`;
  }
  switch (code) {
    case '42883':
    case '42P01':
      return `${where} has no maintenance functions (${message}): it is not migrated to the current schema. Apply the migrations first (migrateDb(), or npx nx run seed:load for a local database), then run this again.`;
    case '55P03':
      return `a lock on ${where} was held for longer than the job waits (${message}): another maintenance run or a long transaction. Nothing was changed by the step that failed; run the same command again.`;
    case 'ECONNREFUSED':
      return server && LOOPBACK.test(server.hostname)
        ? `cannot connect to ${where}: connection refused. Is the Postgres server up? Start it (here: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start).`
        : `cannot connect to ${where}: connection refused. Check the host and port in DATABASE_URL, and that the server accepts connections.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${where}: host ${server?.hostname} not found. Check the host in DATABASE_URL.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot connect to ${where}: no answer (${code}). Check the host, port and network.`;
    case '3D000':
      return `database ${server?.pathname.slice(1)} does not exist on ${server?.host}. Point DATABASE_URL at the database to maintain.`;
    case '28P01':
    case '28000':
      return `the server at ${where} refused the login of "${login}": ${message}. Check the user and password in DATABASE_URL.`;
    case '57P01':
    case '57P02':
    case '57P03':
    case 'ECONNRESET':
    case 'EPIPE':
      return lost;
  }
  if (/Connection terminated unexpectedly|Connection terminated due to connection timeout/i.test(message)) return lost;
  return undefined;
}

/** The first error in the cause chain (or an AggregateError's list) that carries a code. */
function errnoCause(error: unknown): (Error & { code?: string }) | undefined {
  let current = error as (Error & { code?: string; cause?: unknown; errors?: unknown[] }) | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string') return current;
    current = (current.cause ?? current.errors?.[0]) as typeof current;
  }
  return error as Error;
}
