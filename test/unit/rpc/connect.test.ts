import { expect } from 'chai';
import { createServer } from 'node:net';
import { openSocket } from '../../../lib/net/connect.ts';
import { UnreachableError } from '../../../lib/errors/index.ts';

describe('lib/net/connect', () => {
  it('connects to a listening port', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const socket = await openSocket('127.0.0.1', port, 2000);
    expect(socket.remotePort).to.equal(port);
    socket.destroy();
    await new Promise((r) => server.close(r));
  });

  it('a refused connection is UnreachableError UNREACHABLE naming the address', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    try {
      await openSocket('127.0.0.1', port, 2000);
      expect.fail('connected');
    } catch (e) {
      expect(e).to.be.instanceOf(UnreachableError);
      expect((e as UnreachableError).code).to.equal('UNREACHABLE');
      expect((e as UnreachableError).details.remoteAddress).to.equal(`127.0.0.1:${port}`);
      expect((e as UnreachableError).details.osError).to.equal('ECONNREFUSED');
      expect((e as Error).message).to.equal(`Could not connect to IPC server 127.0.0.1:${port}: connection refused (ECONNREFUSED): nothing listens on that port; check that the server is running and that the address you gave for it is right`);
    }
  });
});
