import { pgErrorFields } from '@skatehubba/schema-kit';
import { LOOPBACK } from './options';

/**
 * One line for a failure to reach or keep a Postgres server, with the next
 * step, or undefined when the error is something else (then it is a bug and
 * keeps its stack). `where` is host:port/database, never the password.
 */
export function describeConnectionError(error: unknown, url: string): string | undefined {
  const target = new URL(url);
  const where = `${target.hostname}:${target.port || '5432'}${target.pathname}`;
  const database = decodeURIComponent(target.pathname.slice(1)) || target.username || 'postgres';
  const e = errnoCause(error);
  const code = pgErrorFields(error)?.code ?? e?.code;
  const message = pgErrorFields(error)?.message ?? String(e?.message ?? (error as Error)?.message ?? error);
  const local = LOOPBACK.test(target.hostname);
  const lost = `the connection to ${where} was lost (${message}): the server restarted or shut down, or the database was dropped. Nothing was committed by the step that failed; run the same command again.`;

  switch (code) {
    case 'ECONNREFUSED':
      return local
        ? `cannot connect to ${where}: connection refused. Is the Postgres server up? Start it (here: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), or unset DATABASE_URL to use the embedded database.`
        : `cannot connect to ${where}: connection refused. Check the host and port in DATABASE_URL, and that the server accepts connections.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${where}: host ${target.hostname} not found. Check the host in DATABASE_URL${local ? '' : ' (a remote host also needs --allow-remote)'}.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot connect to ${where}: no answer (${code}). Check the host, port and network.`;
    case '3D000':
      return `database "${database}" does not exist on ${target.hostname}:${target.port || '5432'}. Create it (createdb -h ${target.hostname} -p ${target.port || '5432'} -U ${target.username || 'postgres'} ${database}), or point DATABASE_URL at an existing database.`;
    case '28P01':
    case '28000':
      return `the server at ${where} refused the login of "${target.username}": ${message}. Check the user and password in DATABASE_URL.`;
    case '57P01':
    case '57P02':
    case '57P03':
    case 'ECONNRESET':
    case 'EPIPE':
      return lost;
  }
  if (/Connection terminated unexpectedly|Connection terminated due to connection timeout/i.test(message)) {
    return lost;
  }
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
