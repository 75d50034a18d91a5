/**
 * Loopback peers that misbehave the ways a KDC address can (stand-ins where a real MIT KDC cannot
 * be made to: it never stays silent, resets or answers garbage): a silent UDP port, a TCP port
 * that accepts and says nothing, one that resets the connection, one that closes it, one that
 * announces an oversized reply, one that answers garbage; and a port nothing listens on. Each
 * returns its port and a close function.
 */
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface Peer {
  readonly port: number;
  close(): void;
}

export type TcpBehaviour = 'silent' | 'reset' | 'close' | 'oversized' | 'garbage';

/** A TCP listener on 127.0.0.1 that reads a request and then behaves as told. */
export function tcpPeer(behaviour: TcpBehaviour): Promise<Peer> {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    sock.once('data', () => {
      if (behaviour === 'reset') sock.resetAndDestroy();
      else if (behaviour === 'close') sock.end();
      else if (behaviour === 'oversized') sock.write(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
      else if (behaviour === 'garbage') sock.write(Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('hello')]));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => {
          sockets.forEach((s) => s.destroy());
          server.close();
        },
      }),
    ),
  );
}

/** A UDP socket on 127.0.0.1 that ignores requests (silent) or answers garbage. */
export function udpPeer(behaviour: 'silent' | 'garbage', port = 0): Promise<Peer> {
  const s = createSocket('udp4');
  s.on('message', (_msg, rinfo) => {
    if (behaviour === 'garbage') s.send(Buffer.from('not a kerberos message'), rinfo.port, rinfo.address);
  });
  return new Promise((resolve) => s.bind(port, '127.0.0.1', () => resolve({ port: s.address().port, close: () => s.close() })));
}

/** A loopback port that nothing listens on, over TCP or UDP (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}
