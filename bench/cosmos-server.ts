/**
 * The Cosmos DB wire-protocol server (@vercel/cosmosdb-server, in memory) as a process of its own,
 * so the bench's bot instances and load generator do not share its event loop:
 * `node dist/bench/cosmos-server.js <port>` prints "listening <port>" once it accepts connections.
 */
import type { AddressInfo } from 'node:net';
import cosmosServer from '@vercel/cosmosdb-server';

if (require.main === module) {
  // keepAlive: without it the server answers every request with "Connection: close", so each request
  // paid a TLS handshake (a third of the bot's CPU in the vote storm); real Cosmos DB keeps connections.
  const server = cosmosServer({ keepAlive: true });
  server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
    process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
