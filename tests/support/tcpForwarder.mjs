// Run inside a test host's network namespace: listens on that host's 127.0.0.1:PORT and
// carries each connection to TARGET_HOST:PORT across the host's control link, so a window
// in the namespace loads its harness at http://127.0.0.1:PORT as every other window does.
// Usage: node tcpForwarder.mjs PORT TARGET_HOST
import { createServer, connect } from 'node:net';

const [port, targetHost] = [Number(process.argv[2]), process.argv[3]];
const server = createServer((client) => {
  const upstream = connect(port, targetHost);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
