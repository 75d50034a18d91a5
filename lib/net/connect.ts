/**
 * TCP connect with a deadline (Hadoop: ipc.client.connect.timeout / NetUtils.connect): resolves
 * with the connected socket or rejects with UnreachableError naming host, port and the timeout.
 * A host name is resolved IPv4-first (resolve.ts, the JDK's default ordering), so the address
 * dialled is the one the token service and `_HOST` are computed from.
 */
import { connect, type Socket } from 'node:net';
import { UnreachableError } from '../errors/index.ts';
import { resolveAddress } from './resolve.ts';

/**
 * What a refused or unroutable connect means and what to check (Hadoop points at its
 * ConnectionRefused wiki page; here the hint is in the message). The caller's context names the
 * configuration key that gave the address.
 */
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (ECONNREFUSED): nothing listens on that port; check that the server is running and that the address you gave for it is right',
  EHOSTUNREACH: 'no route to host (EHOSTUNREACH); check the address and the network between here and there',
  ENETUNREACH: 'network unreachable (ENETUNREACH); check the address and this host\'s routes',
  ECONNRESET: 'the server reset the connection (ECONNRESET) before it was set up; check its logs',
};

/** Connects to host:port within `timeoutMs`. */
export async function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  let address: string;
  try {
    address = await resolveAddress(host);
  } catch (cause) {
    throw new UnreachableError('UNREACHABLE', `Cannot resolve IPC server host ${host}: ${(cause as Error).message}`, { remoteAddress: `${host}:${port}` }, { cause });
  }
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new UnreachableError('UNREACHABLE', `Could not connect to ${host}:${port} within ${timeoutMs} ms (ipc.client.connect.timeout)`, { remoteAddress: `${host}:${port}` }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      const os = (err as NodeJS.ErrnoException).code;
      const reason = (os && CONNECT_FAILURES[os]) ?? err.message;
      reject(new UnreachableError('UNREACHABLE', `Could not connect to IPC server ${host}:${port}: ${reason}`, { remoteAddress: `${host}:${port}`, ...(os ? { osError: os } : {}) }, { cause: err }));
    });
  });
}
