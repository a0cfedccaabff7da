import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

/**
 * A loopback stand-in for Neon's HTTP query endpoint, so `neon()` and
 * `drizzle-orm/neon-http` run against a local Postgres in tests. It serves
 * what @neondatabase/serverless 1.2 sends (not a documented protocol; the
 * suite that uses it pins the driver version):
 *
 *   POST /sql   headers Neon-Connection-String, Neon-Raw-Text-Output: true,
 *               Neon-Array-Mode: true, Neon-Batch-* for batches
 *   body        {query, params} | {queries: [{query, params}, ...]}
 *   200         {fields: [{name, dataTypeID}], rows: [[text | null]], command, rowCount}
 *               ({results: [...]} for a batch, run in one transaction)
 *   400         {message, code, detail, constraint, ...} for a Postgres error
 *
 * Values travel as Postgres text both ways, as on Neon: the driver parses them.
 */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };
const ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

interface QueryData {
  query: string;
  params: unknown[];
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as QueryData | { queries: QueryData[] };
};

async function run(client: pg.PoolClient, data: QueryData) {
  const result = await client.query({ text: data.query, values: data.params, rowMode: 'array', types: RAW_TEXT });
  return {
    fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    rows: result.rows,
    command: result.command,
    rowCount: result.rowCount,
  };
}

export async function startHttpSql(): Promise<{ url: string; close(): Promise<void> }> {
  const pools = new Map<string, pg.Pool>();
  const poolFor = (connectionString: string) => {
    let pool = pools.get(connectionString);
    if (!pool) {
      const url = new URL(connectionString);
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
        throw new Error(`only loopback databases are served, got ${url.hostname}`);
      pool = new pg.Pool({ connectionString, max: 16 });
      // A test database dropped WITH (FORCE) ends idle connections: not an error here.
      pool.on('error', () => undefined);
      pools.set(connectionString, pool);
    }
    return pool;
  };

  const server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    let client: pg.PoolClient | undefined;
    try {
      const connectionString = request.headers['neon-connection-string'];
      if (request.method !== 'POST' || typeof connectionString !== 'string') {
        reply(404, { message: 'POST /sql with a Neon-Connection-String header' });
        return;
      }
      const body = await readBody(request);
      client = await poolFor(connectionString).connect();
      if ('queries' in body) {
        const isolation = request.headers['neon-batch-isolation-level'];
        const readOnly = request.headers['neon-batch-read-only'] === 'true';
        await client.query(
          `BEGIN${
            isolation
              ? ` ISOLATION LEVEL ${String(isolation)
                  .replace(/([a-z])([A-Z])/g, '$1 $2')
                  .toUpperCase()}`
              : ''
          }${readOnly ? ' READ ONLY' : ''}`,
        );
        try {
          const results = [];
          for (const query of body.queries) results.push(await run(client, query));
          await client.query('COMMIT');
          reply(200, { results });
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      } else {
        reply(200, await run(client, body));
      }
    } catch (error) {
      const e = error as Record<string, unknown> & { message?: string };
      if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
        reply(400, { message: e.message, ...Object.fromEntries(ERROR_FIELDS.map((k) => [k, e[k]])) });
      } else {
        reply(500, { message: String(e.message ?? error) });
      }
    } finally {
      client?.release();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sql`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pools.values()].map((p) => p.end()));
    },
  };
}
