/**
 * Helpers for RPC integration tests: a recording TCP proxy (to check what really crosses the wire),
 * a raw socket exchange with a bounded wait, and an echo protocol reporting the call context.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { CallContext, ProtocolHandlers } from '../../../security/sasl/rpc/index.ts';

export const ECHO = 'org.hsec.test.EchoProtocol';

/** Echo handlers: `whoami` returns the context as JSON, `echo` returns the request, `fail` throws. */
export function echoHandlers(extra: Partial<Record<string, (req: Uint8Array, ctx: CallContext) => Promise<Uint8Array> | Uint8Array>> = {}): ProtocolHandlers {
  return {
    whoami: (_req, ctx) =>
      Buffer.from(JSON.stringify({ user: ctx.user, shortUser: ctx.shortUser, realUser: ctx.realUser ?? null, authMethod: ctx.authMethod, qop: ctx.qop ?? null, protocol: ctx.protocol, connectionProtocol: ctx.connectionProtocol ?? null })),
    echo: (req) => req,
    sleepEcho: async (req) => {
      await new Promise((r) => setTimeout(r, Buffer.from(req).readUInt16BE(0)));
      return req;
    },
    ...extra,
  } as ProtocolHandlers;
}

export function json(bytes: Uint8Array): Record<string, unknown> {
  return JSON.parse(Buffer.from(bytes).toString()) as Record<string, unknown>;
}

/**
 * A loopback TCP proxy to `targetPort`: each accepted connection gets its own upstream socket and
 * `relay` decides what crosses; either side closing or failing closes both.
 */
export abstract class LoopbackProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  protected abstract relay(client: Socket, upstream: Socket): void;

  async start(targetPort: number): Promise<number> {
    this.#server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: targetPort });
      this.#sockets.add(client).add(upstream);
      this.relay(client, upstream);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', r));
    return (this.#server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }
}

/** A TCP proxy that records both directions. */
export class RecordingProxy extends LoopbackProxy {
  readonly toServer: Buffer[] = [];
  readonly toClient: Buffer[] = [];

  protected relay(client: Socket, upstream: Socket): void {
    client.on('data', (d: Buffer) => {
      this.toServer.push(d);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      this.toClient.push(d);
      client.write(d);
    });
  }
}

/**
 * Writes `chunks` (with `gapMs` between them) to the server and collects what comes back until the
 * server closes or `waitMs` passes.
 */
export async function rawExchange(port: number, chunks: Uint8Array[], opts: { gapMs?: number; waitMs?: number } = {}): Promise<{ received: Buffer; closedByServer: boolean }> {
  const socket = connect({ host: '127.0.0.1', port });
  const received: Buffer[] = [];
  let closed = false;
  socket.on('data', (d) => received.push(d));
  socket.on('error', () => undefined);
  const closedP = new Promise<void>((r) => socket.on('close', () => ((closed = true), r())));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  for (const c of chunks) {
    if (closed) break;
    socket.write(c);
    if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
  }
  await Promise.race([closedP, new Promise((r) => setTimeout(r, opts.waitMs ?? 2000))]);
  const wasClosed = closed;
  socket.destroy();
  return { received: Buffer.concat(received), closedByServer: wasClosed };
}
