/**
 * TCP connect with a deadline (Hadoop: ipc.client.connect.timeout / NetUtils.connect): resolves
 * with the connected socket or rejects with UnreachableError naming host, port and the timeout.
 */
import { connect, type Socket } from 'node:net';
import { UnreachableError } from '../errors/index.ts';

/** Connects to host:port within `timeoutMs`. */
export function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
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
      reject(new UnreachableError('UNREACHABLE', `Could not connect to IPC server ${host}:${port}: ${err.message}`, { remoteAddress: `${host}:${port}` }, { cause: err }));
    });
  });
}
