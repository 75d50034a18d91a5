/**
 * A TCP proxy for fast privacy tests (docs/fast-privacy.md) that follows each direction's structure:
 * the preamble and IPC frames until the switch, when SUCCESS accepted fast privacy (client to
 * server: up to the WRAP that carries the key message; server to client: up to SUCCESS), then TLS records (RFC 5246 section 6.2: type,
 * version, 16-bit length, payload). Every unit is recorded, and each TLS application-data record
 * (type 23) goes through a hook that may pass it, alter it, repeat it or replace it.
 */
import type { Socket } from 'node:net';
import { parseRequest, parseResponse, parseSaslBody } from '../../../lib/rpc/ipc-frames.ts';
import { SaslState } from '../../../lib/rpc/constants.ts';
import { LoopbackProxy } from './support.ts';

export type Direction = 'up' | 'down';
export interface Unit {
  readonly kind: 'preamble' | 'frame' | 'record';
  /** SASL state of a frame (its callId is -33), or the TLS content type of a record. */
  readonly type: number;
  readonly bytes: Buffer;
}

/** Returns the records to forward instead of `record` (the n-th application-data record of this direction on this connection). */
export type RecordHook = (record: Buffer, n: number, direction: Direction, connection: number) => Buffer[];

class Parser {
  #buf = Buffer.alloc(0);
  #preamble: boolean;
  #tls = false;

  constructor(
    readonly direction: Direction,
    /** Whether the server's SUCCESS accepted fast privacy (set by the down parser, read by the up one). */
    private readonly agreed: { fast: boolean },
  ) {
    this.#preamble = direction === 'up';
  }

  push(chunk: Buffer): Unit[] {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    const out: Unit[] = [];
    for (;;) {
      if (this.#preamble) {
        if (this.#buf.length < 7) break;
        out.push({ kind: 'preamble', type: 0, bytes: this.#take(7) });
        this.#preamble = false;
        continue;
      }
      if (this.#tls) {
        if (this.#buf.length < 5) break;
        const len = this.#buf.readUInt16BE(3);
        if (this.#buf.length < 5 + len) break;
        out.push({ kind: 'record', type: this.#buf[0]!, bytes: this.#take(5 + len) });
        continue;
      }
      if (this.#buf.length < 4) break;
      const len = this.#buf.readInt32BE(0);
      if (this.#buf.length < 4 + len) break;
      const bytes = this.#take(4 + len);
      const payload = bytes.subarray(4);
      const { header, rest } = this.direction === 'up' ? parseRequest(payload) : parseResponse(payload);
      const sasl = header.callId === -33 ? parseSaslBody(rest) : undefined;
      const state = sasl?.state ?? -1;
      out.push({ kind: 'frame', type: state, bytes });
      if (this.direction === 'down' && state === SaslState.SUCCESS) this.agreed.fast = sasl?.fastPrivacy !== undefined;
      if (this.agreed.fast && ((this.direction === 'up' && state === SaslState.WRAP) || (this.direction === 'down' && state === SaslState.SUCCESS))) this.#tls = true;
    }
    return out;
  }

  #take(n: number): Buffer {
    const b = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return Buffer.from(b);
  }
}

export class ChannelProxy extends LoopbackProxy {
  /** Units seen per connection, in order, per direction. */
  readonly connections: Array<Record<Direction, Unit[]>> = [];

  constructor(private readonly hook: RecordHook = (r) => [r]) {
    super();
  }

  protected relay(client: Socket, upstream: Socket): void {
    const index = this.connections.length;
    const seen: Record<Direction, Unit[]> = { up: [], down: [] };
    this.connections.push(seen);
    const agreed = { fast: false };
    const pipe = (from: Socket, to: Socket, direction: Direction): void => {
      const parser = new Parser(direction, agreed);
      let appRecords = 0;
      from.on('data', (d: Buffer) => {
        let units: Unit[];
        try {
          units = parser.push(d);
        } catch {
          to.write(d); // not what the test expected: pass it on unexamined
          return;
        }
        for (const u of units) {
          seen[direction].push(u);
          const out = u.kind === 'record' && u.type === 23 ? this.hook(u.bytes, appRecords++, direction, index) : [u.bytes];
          for (const b of out) to.write(b);
        }
      });
    };
    pipe(client, upstream, 'up');
    pipe(upstream, client, 'down');
  }
}
