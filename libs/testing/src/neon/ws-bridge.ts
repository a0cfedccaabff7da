import { createConnection } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * The WebSocket-to-TCP bridge Neon runs in front of Postgres, for loopback
 * tests: `@neondatabase/serverless` (Pool, Client) opens
 * `ws://<bridge>/v2?address=<host>:<port>` and speaks the Postgres wire
 * protocol inside binary frames; the bridge pipes those bytes to the TCP
 * server and back. Plain ws (no TLS): pair with `useSecureWebSocket = false`.
 *
 * Refuses any target that is not loopback: it is a test helper, never a proxy.
 */
export async function startWsBridge(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  server.on('connection', (socket, request) => {
    const address = new URL(request.url ?? '/', 'http://bridge').searchParams.get('address') ?? '';
    const [host, port] = address.split(':');
    if (!host || !port || !['127.0.0.1', 'localhost', '::1'].includes(host)) {
      socket.close(1008, `only loopback targets are bridged, got ${JSON.stringify(address)}`);
      return;
    }
    const tcp = createConnection({ host, port: Number(port) });
    tcp.setNoDelay(true);
    socket.on('message', (data: Buffer) => tcp.write(data));
    tcp.on('data', (data) => socket.send(data));
    socket.on('close', () => tcp.end());
    tcp.on('close', () => socket.close());
    socket.on('error', () => tcp.destroy());
    tcp.on('error', () => socket.close(1011, 'postgres connection failed'));
  });
  const { port } = server.address() as AddressInfo;
  return {
    // neonConfig.wsProxy form: the driver appends `?address=host:port`.
    url: `127.0.0.1:${port}/v2`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
