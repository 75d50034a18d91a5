/**
 * Free loopback ports and readiness waits for the mini fixtures. A port is "free" when we could
 * bind it on 127.0.0.1 over TCP (and UDP when asked) a moment ago; the daemon that gets it may
 * still lose a race, so callers retry with a new port when the daemon fails to bind.
 */
import { readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { HsecError } from '../../lib/errors/index.ts';

export const LOOPBACK = '127.0.0.1';

function bindTcp(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      const addr = server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

function bindUdp(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (e) => {
      socket.close();
      reject(e);
    });
    socket.bind({ address: LOOPBACK, port, exclusive: true }, () => socket.close(() => resolve()));
  });
}

/** A loopback port that was free a moment ago on TCP, and on UDP too when `udp` is set. */
export async function freePort(opts: { udp?: boolean } = {}): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await bindTcp(0);
    if (!opts.udp) return port;
    try {
      await bindUdp(port);
      return port;
    } catch {
      // taken on UDP: try another
    }
  }
  throw new HsecError('UNREACHABLE', 'could not find a free loopback port after 20 attempts', { host: LOOPBACK });
}

/** True when something accepts TCP connections on host:port right now. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls `probe` every `intervalMs` until it returns true, `giveUp` returns a reason to stop, or
 * `timeoutMs` passes. Resolves to undefined on success, or the reason it stopped.
 */
export async function waitUntil(
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; giveUp?: () => string | undefined },
): Promise<string | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const reason = opts.giveUp?.();
    if (reason) return reason;
    if (await probe()) return undefined;
    if (Date.now() >= deadline) return `not ready after ${opts.timeoutMs} ms`;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}

/**
 * How many sockets listen on TCP `port` (any address), from /proc/net/tcp and tcp6 (state 0A =
 * LISTEN); undefined where /proc is unavailable. MIT's krb5kdc binds with SO_REUSEPORT, so a
 * second KDC on a taken port starts "successfully" and shares it: this count is how we notice.
 */
export function tcpListenerCount(port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  let readAny = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    readAny = true;
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') count++;
    }
  }
  return readAny ? count : undefined;
}
