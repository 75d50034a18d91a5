// The pure parts of issue 10's hardening: the frame decoder's zero-length frames and one-at-a-time
// interface, the bounds on envelope decoding (RpcSaslProto.auths, field count), Hadoop's
// ConnectionManager rules (isFull, closeIdle) and the server options read from configuration.
import { expect } from 'chai';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { ProtocolError } from '../../../lib/errors/index.ts';
import { MAX_ENVELOPE_FIELDS, MAX_SASL_AUTHS, SaslState } from '../../../lib/rpc/constants.ts';
import { ConnectionManager, DEFAULT_CONNECTION_LIMITS, type ManagedConnection } from '../../../lib/rpc/connection-manager.ts';
import { encodeFrame, FrameDecoder } from '../../../lib/rpc/frame.ts';
import { decodeRequestHeader, decodeSasl, encodeSasl } from '../../../lib/rpc/messages.ts';
import { createRootLogger } from '../../../lib/log/logger.ts';
import { rpcServerOptionsFromConfig } from '../../../security/sasl/rpc/config.ts';

describe('rpc/frame: zero-length frames and one frame at a time', () => {
  it('a zero-length frame is an empty payload, alone in its chunk or followed by another', () => {
    expect(new FrameDecoder().push(Uint8Array.of(0, 0, 0, 0))).to.deep.equal([new Uint8Array(0)]);
    const two = new FrameDecoder().push(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 7));
    expect(two.map((f) => [...f])).to.deep.equal([[], [7]]);
    const split = new FrameDecoder();
    expect(split.push(Uint8Array.of(0, 0))).to.deep.equal([]);
    expect(split.push(Uint8Array.of(0, 0))).to.deep.equal([new Uint8Array(0)]);
    expect(split.buffered).to.equal(0);
  });

  it('feed + next hand out one frame at a time and leave the rest buffered', () => {
    const d = new FrameDecoder();
    d.feed(Buffer.concat([encodeFrame(Uint8Array.of(1)), encodeFrame(Uint8Array.of(2, 3)), encodeFrame(Uint8Array.of(4)).subarray(0, 3)]));
    expect([...d.next()!]).to.deep.equal([1, 1]);
    expect(d.buffered).to.equal(7 + 3);
    expect([...d.next()!]).to.deep.equal([2, 2, 3]);
    expect(d.next()).to.equal(undefined);
    expect(d.headLength).to.equal(undefined);
    d.feed(Uint8Array.of(2, 1, 4));
    expect(d.headLength).to.equal(2);
    expect([...d.next()!]).to.deep.equal([1, 4]);
  });

  it('frames assembled in place (assembleAbove) come out identical at every split point, with zero-length and small frames around them', () => {
    const big = encodeFrame(Uint8Array.from({ length: 300 }, (_, i) => i & 0xff));
    const stream = Buffer.concat([encodeFrame(Uint8Array.of(1)), big, Uint8Array.of(0, 0, 0, 0), big, encodeFrame(Uint8Array.of(2))]);
    const plain = new FrameDecoder().push(stream).map((f) => Buffer.from(f).toString('hex'));
    for (let cut = 0; cut <= stream.length; cut++) {
      for (const step of [1, 7, 64]) {
        const d = new FrameDecoder({ assembleAbove: 100 });
        const out: string[] = [];
        const parts = [stream.subarray(0, cut), ...Array.from({ length: Math.ceil((stream.length - cut) / step) }, (_, i) => stream.subarray(cut + i * step, cut + (i + 1) * step))];
        for (const p of parts) for (const f of d.push(p)) out.push(Buffer.from(f).toString('hex'));
        expect(out, `cut ${cut} step ${step}`).to.deep.equal(plain);
        expect(d.buffered).to.equal(0);
      }
    }
    const partial = new FrameDecoder({ assembleAbove: 100 });
    partial.feed(big.subarray(0, 50));
    expect(partial.buffered).to.equal(50);
    expect(partial.headLength).to.equal(big.length - 4);
    expect(() => partial.end()).to.throw(ProtocolError).with.property('code', 'PROTOCOL_TRUNCATED');
  });

  it('a head frame over the limit is refused as soon as its length arrives; setMaxDataLength names its key', () => {
    const d = new FrameDecoder({ maxDataLength: 10, limitKey: 'some.key' });
    expect(() => d.feed(Uint8Array.of(0, 0, 0, 11))).to.throw(ProtocolError).with.property('code', 'PROTOCOL_TOO_LARGE');
    const e = new FrameDecoder({ maxDataLength: 100 });
    e.feed(Uint8Array.of(0, 0, 0, 50));
    expect(() => e.setMaxDataLength(20, 'other.key')).to.throw(/above other\.key \(20\)/);
    expect(() => new FrameDecoder().feed(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).to.throw(/negative/);
  });
});

describe('rpc/messages: envelope decoding is bounded', () => {
  const auth = { method: 'KERBEROS', mechanism: 'GSSAPI' };

  it(`RpcSaslProto takes at most ${MAX_SASL_AUTHS} auths; one more is PROTOCOL_MALFORMED before protobufjs builds any`, () => {
    const ok = decodeSasl(encodeSasl({ state: SaslState.NEGOTIATE, auths: Array.from({ length: MAX_SASL_AUTHS }, () => auth) }));
    expect(ok.auths).to.have.length(MAX_SASL_AUTHS);
    const bad = encodeSasl({ state: SaslState.NEGOTIATE, auths: Array.from({ length: MAX_SASL_AUTHS + 1 }, () => auth) });
    expect(() => decodeSasl(bad)).to.throw(ProtocolError, /repeated field auths has more than 16 entries/).with.property('code', 'PROTOCOL_MALFORMED');
  });

  it(`a header of more than ${MAX_ENVELOPE_FIELDS} fields (all unknown) is PROTOCOL_MALFORMED; a million of them cost only the first few thousand`, () => {
    const header = Uint8Array.from([0x18, 0x00, 0x22, 0x00]); // callId 0, clientId empty
    const many = (n: number): Buffer => {
      const b = Buffer.allocUnsafe(3 * n);
      b.fill(Buffer.from([0xf8, 0x01, 0x00])); // tag: field 31, varint; value 0
      return Buffer.concat([header, b]);
    };
    expect(decodeRequestHeader(many(MAX_ENVELOPE_FIELDS - 2)).callId).to.equal(0);
    expect(() => decodeRequestHeader(many(MAX_ENVELOPE_FIELDS))).to.throw(ProtocolError, /more fields than this decoder accepts/);
    const t0 = performance.now();
    expect(() => decodeRequestHeader(many(1_000_000))).to.throw(ProtocolError);
    expect(performance.now() - t0).to.be.lessThan(1000); // the walk stops at the bound (a sanity check, not a benchmark)
  });
});

describe('rpc/connection-manager: Hadoop ConnectionManager rules', () => {
  const silent = createRootLogger(undefined, 'silent');
  class Fake implements ManagedConnection {
    closed = false;
    readonly shortUser: string | undefined;
    constructor(
      readonly lastContact: number,
      readonly idle = true,
      user: string | null = 'alice',
      readonly authenticating = false,
    ) {
      this.shortUser = user ?? undefined;
    }
    close(): void {
      this.closed = true;
    }
  }

  it('isFull only with a positive maxConnections', () => {
    const m = new ConnectionManager<Fake>({ ...DEFAULT_CONNECTION_LIMITS, maxConnections: 2 }, silent);
    m.add(new Fake(0));
    expect(m.full).to.equal(false);
    m.add(new Fake(0));
    expect(m.full).to.equal(true);
    const unlimited = new ConnectionManager<Fake>({ ...DEFAULT_CONNECTION_LIMITS, maxConnections: 0 }, silent);
    for (let i = 0; i < 5000; i++) unlimited.add(new Fake(0));
    expect(unlimited.full).to.equal(false);
  });

  it('closeIdle closes at most kill.max idle connections per scan, never busy or recent ones, and stops below the threshold', () => {
    const m = new ConnectionManager<Fake>({ ...DEFAULT_CONNECTION_LIMITS, idleThreshold: 4, killMax: 2, maxIdleMs: 1000 }, silent);
    const old = Array.from({ length: 5 }, () => new Fake(0));
    const busy = new Fake(0, false);
    const recent = new Fake(9_500);
    for (const c of [...old, busy, recent]) m.add(c);
    expect(m.closeIdle(10_000)).to.equal(2); // 7 open >= 4: kill.max = 2
    expect(m.closeIdle(10_000)).to.equal(2); // 5 open
    expect(m.closeIdle(10_000)).to.equal(0); // 3 open < 4
    expect(busy.closed || recent.closed).to.equal(false);
    expect(m.stats()).to.include({ open: 3, idleClosed: 4 });
  });

  it('the pre-authentication budget takes nothing when it has no room and gives bytes back', () => {
    const m = new ConnectionManager<Fake>({ ...DEFAULT_CONNECTION_LIMITS, preAuthBudget: 100 }, silent);
    expect(m.reservePreAuth(60)).to.equal(true);
    expect(m.reservePreAuth(41)).to.equal(false);
    expect(m.stats().preAuthBytes).to.equal(60);
    expect(m.reservePreAuth(-60)).to.equal(true);
    expect(m.reservePreAuth(100)).to.equal(true);
  });

  it('stats count authenticating connections and connections per short user', () => {
    const m = new ConnectionManager<Fake>(DEFAULT_CONNECTION_LIMITS, silent);
    for (const c of [new Fake(0), new Fake(0, true, 'bob'), new Fake(0, true, 'alice'), new Fake(0, true, null, true)]) m.add(c);
    m.drop();
    expect(m.stats()).to.deep.equal({ open: 4, authenticating: 1, dropped: 1, idleClosed: 0, preAuthBytes: 0, perUser: { alice: 2, bob: 1 } });
  });
});

describe('rpc/config: server connection options from configuration', () => {
  it("Hadoop's defaults, and the server's max idle time is twice ipc.client.connection.maxidletime", () => {
    const defaults = rpcServerOptionsFromConfig(loadConfiguration({ env: {}, overrides: {} }));
    expect(defaults.preAuthMaxDataLength).to.equal(256 * 1024);
    expect(defaults.limits).to.deep.equal({ maxConnections: 0, idleThreshold: 4000, killMax: 10, maxIdleMs: 20_000, idleScanIntervalMs: 10_000, preAuthBudget: 64 * 1024 * 1024 });
    const set = rpcServerOptionsFromConfig(
      loadConfiguration({
        env: {},
        overrides: {
          'ipc.server.max.connections': '50',
          'ipc.client.idlethreshold': '10',
          'ipc.client.kill.max': '3',
          'ipc.client.connection.maxidletime': '2s',
          'ipc.client.connection.idle-scan-interval.ms': '500',
          'hsec.ipc.server.preauth.max.data.length': '65536',
          'hsec.ipc.server.preauth.max.buffered': '1048576',
        },
      }),
    );
    expect(set.preAuthMaxDataLength).to.equal(65536);
    expect(set.limits).to.deep.equal({ maxConnections: 50, idleThreshold: 10, killMax: 3, maxIdleMs: 4000, idleScanIntervalMs: 500, preAuthBudget: 1048576 });
  });
});
