import { startHttpSql } from './http-sql';
import { startWsBridge } from './ws-bridge';

/**
 * Starts both Neon loopback helpers and prints one JSON line with their
 * addresses: {"wsProxy": "127.0.0.1:P/v2", "fetchEndpoint": "http://127.0.0.1:Q/sql"}.
 * Stops when stdin closes or on SIGINT/SIGTERM, so a parent (the test
 * setup) that dies takes it down too.
 */
const bridge = await startWsBridge();
const http = await startHttpSql();
console.log(JSON.stringify({ wsProxy: bridge.url, fetchEndpoint: http.url }));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([bridge.close(), http.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
