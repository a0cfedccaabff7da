import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Clients served at once. They share one Postgres session (below). */
export const MAX_CLIENTS = 16;

/**
 * Binds host:port now and holds it, so a port in use is found before the
 * seed runs rather than after. `release()` frees it just before the real
 * server binds; with port 0 the OS picks a free port and `port` says which.
 */
export async function holdPort(host: string, port: number): Promise<{ port: number; release(): Promise<void> }> {
  // A client that connects before the seed is served is turned away at once,
  // rather than left waiting on a socket nothing will answer.
  const probe: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => resolve());
  });
  const bound = (probe.address() as { port: number }).port;
  return { port: bound, release: () => new Promise<void>((resolve) => probe.close(() => resolve())) };
}

/**
 * Serves a PGlite over the Postgres wire protocol. PGlite is one Postgres
 * session, and pglite-socket multiplexes every client onto it: while two
 * clients are connected they share settings, temp tables and prepared
 * statements (one client's open transaction makes the others wait). What this
 * adds: when the last client disconnects, the session is reset (an open
 * transaction rolled back, then `DISCARD ALL`), so each client that connects
 * to an idle server starts from a clean session, as on a real server.
 */
export async function serveOverWire(db: PGlite, host: string, port: number) {
  const server = new PGLiteSocketServer({ db, host, port, maxConnections: MAX_CLIENTS });
  await server.start();
  // pglite-socket (0.2.17) announces connections but not disconnections; its
  // net.Server is the one place to see a client leave.
  const net = (server as unknown as { server?: Server }).server;
  if (!net || typeof net.on !== 'function')
    throw new Error('pglite-socket changed: its net.Server is no longer reachable; the per-client session reset needs updating');
  // A client is gone at its FIN ('end'): pglite-socket keeps the socket half
  // open, and 'close' can come much later.
  const open = new Set<Socket>();
  let resets = Promise.resolve();
  net.on('connection', (socket: Socket) => {
    open.add(socket);
    const gone = () => {
      if (!open.delete(socket) || open.size > 0) return;
      resets = resets
        .then(async () => {
          if (open.size > 0 || db.closed) return;
          if (db.isInTransaction()) await db.exec('ROLLBACK');
          await db.exec('DISCARD ALL');
        })
        .catch((error: unknown) => {
          process.stderr.write(`seed: resetting the session after a client left failed: ${(error as Error).message}\n`);
        });
    };
    socket.once('end', gone);
    socket.once('close', gone);
  });
  const address = net.address() as { port: number };
  return {
    port: address.port,
    async stop() {
      await server.stop();
      await resets;
    },
  };
}
