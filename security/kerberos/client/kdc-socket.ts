/**
 * One round trip to one KDC address (RFC 4120 section 7.2): a UDP datagram, or TCP with a 4-byte
 * big-endian length prefix (section 7.2.2, the high bit reserved). Each attempt settles exactly
 * once: every failure a socket can raise, synchronously (a bad address family, a send on a dead
 * socket) or asynchronously (refused, reset, unreachable, EMSGSIZE, a silent peer), becomes a
 * rejected KdcAttemptError whose `reason` says in words what happened, and the socket and timers
 * are released. Nothing here throws past its promise, so a caller's try/catch always sees it.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIPv6, type Socket as TcpSocket } from 'node:net';

/** Largest reply we accept over TCP (MIT caps at 1 MiB too: sendto_kdc.c). */
export const MAX_TCP_REPLY = 1 << 20;

/** Where one attempt goes: the KDC as krb5.conf names it and the address it resolved to. */
export interface KdcTarget {
  readonly host: string;
  readonly port: number;
  /** A numeric address (what `host` resolved to); default `host` itself. */
  readonly address?: string;
}

export type KdcProto = 'udp' | 'tcp';

/** What an attempt was: a transport, or the DNS lookup before any. */
export type AttemptKind = KdcProto | 'dns';

/** Hooks an attempt calls while it runs (the transport publishes progress through them). */
export interface AttemptHooks {
  /** Called once if no reply has come after `waitingAfterMs`. */
  readonly onWaiting?: (waitedMs: number) => void;
  readonly waitingAfterMs?: number;
}

/** `host:port` with IPv6 literals bracketed. */
export const hostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** A failed attempt: `reason` is a short phrase ("connection refused"), `errno` the system code. */
export class KdcAttemptError extends Error {
  readonly kdc: string;
  /** The address tried, when the host name resolved to one. */
  readonly address: string | undefined;
  readonly proto: AttemptKind;
  readonly reason: string;
  readonly errno: string | undefined;

  constructor(target: KdcTarget, proto: AttemptKind, reason: string, errno?: string, cause?: unknown) {
    const via = target.address !== undefined && target.address !== target.host ? ` at ${target.address}` : '';
    super(`${hostPort(target.host, target.port)}${proto === 'dns' ? '' : `/${proto}`}${via}: ${reason}`, { cause });
    this.kdc = hostPort(target.host, target.port);
    this.address = target.address;
    this.proto = proto;
    this.reason = reason;
    this.errno = errno;
  }
}

/** Words for the errors sockets and DNS raise (errno names from libuv / getaddrinfo). */
export function describeSocketError(e: unknown): { reason: string; errno?: string } {
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const words: Record<string, string> = {
    ENOTFOUND: 'host name does not resolve',
    EAI_AGAIN: 'DNS lookup failed temporarily, no answer from the name server',
    EAI_FAIL: 'DNS lookup failed',
    ENODATA: 'host name has no address',
    ECONNREFUSED: 'connection refused, nothing listens on that port',
    ECONNRESET: 'connection reset by the KDC',
    EPIPE: 'connection closed by the KDC while sending',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    EADDRNOTAVAIL: 'address not available on this host',
    EAFNOSUPPORT: 'address family not supported on this host',
    EMSGSIZE: 'request too large for one UDP datagram',
    ETIMEDOUT: 'connection timed out',
    EACCES: 'sending to that address is not permitted',
    EPERM: 'sending to that address is not permitted',
    EINVAL: 'invalid destination address',
  };
  if (code && words[code]) return { reason: `${words[code]} (${code})`, errno: code };
  const message = err instanceof Error ? err.message : String(e);
  return code ? { reason: `${message}`, errno: code } : { reason: message };
}

function toAttemptError(target: KdcTarget, proto: KdcProto, e: unknown): KdcAttemptError {
  if (e instanceof KdcAttemptError) return e;
  const { reason, errno } = describeSocketError(e);
  return new KdcAttemptError(target, proto, reason, errno, e);
}

/**
 * Runs one attempt: `start` opens the socket and wires its events to `settle`. Timers for the
 * timeout and the waiting hook are cleared on the first settle; later events are ignored.
 */
function attempt(
  target: KdcTarget,
  proto: KdcProto,
  timeoutMs: number,
  hooks: AttemptHooks,
  start: (settle: (err: unknown, reply?: Buffer) => void) => () => void,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let release: (() => void) | undefined;
    const began = Date.now();
    const timers: NodeJS.Timeout[] = [];
    const settle = (err: unknown, reply?: Buffer) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      try {
        release?.();
      } catch {
        /* the socket is already closed */
      }
      if (err !== undefined && err !== null) reject(toAttemptError(target, proto, err));
      else resolve(reply!);
    };
    timers.push(setTimeout(() => settle(new KdcAttemptError(target, proto, `no reply within ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs));
    if (hooks.onWaiting && (hooks.waitingAfterMs ?? 1000) < timeoutMs) {
      const onWaiting = hooks.onWaiting;
      timers.push(setTimeout(() => {
        try {
          onWaiting(Date.now() - began);
        } catch {
          /* an observer's failure must not break the exchange */
        }
      }, hooks.waitingAfterMs ?? 1000));
    }
    try {
      release = start(settle);
      if (settled) release();
    } catch (e) {
      settle(e);
    }
  });
}

/** One UDP round trip (the socket is connected, so ICMP port-unreachable surfaces as ECONNREFUSED). */
export function sendUdp(target: KdcTarget, request: Buffer, timeoutMs: number, hooks: AttemptHooks = {}): Promise<Buffer> {
  const address = target.address ?? target.host;
  return attempt(target, 'udp', timeoutMs, hooks, (settle) => {
    const socket: UdpSocket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    socket.on('error', (e) => settle(e));
    socket.on('message', (msg) => settle(undefined, msg));
    socket.connect(target.port, address, (err?: Error) => {
      if (err) return settle(err);
      try {
        socket.send(request, (e) => {
          if (e) settle(e);
        });
      } catch (e) {
        settle(e);
      }
    });
    return () => socket.close();
  });
}

/** One TCP round trip with a length prefix. */
export function sendTcp(target: KdcTarget, request: Buffer, timeoutMs: number, hooks: AttemptHooks = {}): Promise<Buffer> {
  const address = target.address ?? target.host;
  return attempt(target, 'tcp', timeoutMs, hooks, (settle) => {
    const socket: TcpSocket = connect({ host: address, port: target.port });
    const chunks: Buffer[] = [];
    let got = 0;
    socket.on('connect', () => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(request.length);
      socket.write(Buffer.concat([len, request]));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got < 4) return;
      const all = Buffer.concat(chunks);
      const want = all.readUInt32BE(0);
      if (want & 0x80000000 || want > MAX_TCP_REPLY) {
        settle(new KdcAttemptError(target, 'tcp', `reply length ${want >>> 0} is reserved or exceeds ${MAX_TCP_REPLY} bytes`));
      } else if (all.length >= 4 + want) {
        settle(undefined, all.subarray(4, 4 + want));
      }
    });
    socket.on('error', (e) => settle(e));
    socket.on('close', () => settle(new KdcAttemptError(target, 'tcp', 'connection closed before a complete reply')));
    return () => socket.destroy();
  });
}
