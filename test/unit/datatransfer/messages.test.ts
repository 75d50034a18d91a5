/**
 * The data-transfer SASL message codecs (DataTransferEncryptorMessageProto) against the handshakes
 * stock Hadoop 3.4.1 produced (test/vectors/datatransfer-sasl-traces.json): the magic number, the
 * client's first message byte for byte, the framing of the later messages (rebuilt from the
 * recorded payloads), round trips of every field, the buffering decoder fed split chunks, and bad
 * or oversized input.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  CipherSuiteProto,
  DataTransferEncryptorStatus,
  decodeMessageBody,
  encodeMagic,
  encodeMessage,
  encodeMessageBody,
  HandshakeDecoder,
  SASL_TRANSFER_MAGIC_NUMBER,
  type HandshakeFrame,
} from '../../../security/datatransfer/messages.ts';
import { throwsCode } from '../../support/errors.ts';

const traces = JSON.parse(readFileSync(new URL('../../vectors/datatransfer-sasl-traces.json', import.meta.url), 'utf8'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('data transfer SASL messages', () => {
  it('the magic number is 0xDEADBEEF big-endian (Java int -559038737), as both traces start', () => {
    expect(SASL_TRANSFER_MAGIC_NUMBER | 0).to.equal(-559038737);
    for (const t of Object.values(traces.traces) as Array<{ client_first_4_bytes_hex: string }>) expect(hex(encodeMagic())).to.equal(t.client_first_4_bytes_hex);
  });

  for (const name of ['encrypted', 'general']) {
    describe(`the ${name} trace`, () => {
      const t = traces.traces[name];

      it("the client's first message is {SUCCESS, payload empty} byte for byte", () => {
        expect(hex(encodeMessage({ status: DataTransferEncryptorStatus.SUCCESS, payload: new Uint8Array(0) }))).to.equal(t.client_messages[0].hex_head);
      });

      it("the client's digest response with the AES/CTR offer frames as Hadoop's", () => {
        const m = t.client_messages[1];
        const bytes = encodeMessage({ status: DataTransferEncryptorStatus.SUCCESS, payload: Buffer.from(m.payload_text, 'utf8'), cipherOptions: [{ suite: CipherSuiteProto.AES_CTR_NOPADDING }] });
        expect(Buffer.from(m.payload_text).length).to.equal(m.payload_len);
        expect(hex(bytes).startsWith(m.hex_head)).to.equal(true);
        expect(hex(bytes.subarray(bytes.length - 4))).to.equal('22020802'); // cipherOption {suite 2}
      });

      it("the DataNode's challenge and its rspauth with the wrapped option frame as Hadoop's", () => {
        const challenge = t.server_messages[0];
        expect(hex(encodeMessage({ status: DataTransferEncryptorStatus.SUCCESS, payload: Buffer.from(challenge.payload_text) })).startsWith(challenge.hex_head)).to.equal(true);
        const final = t.server_messages[1];
        const o = final.cipherOption[0];
        const lengthOf = (s: string): number => Number(s.split(' ')[0]);
        const bytes = encodeMessage({
          status: DataTransferEncryptorStatus.SUCCESS,
          payload: Buffer.from(final.payload_text),
          cipherOptions: [{ suite: o.suite, inKey: Buffer.alloc(lengthOf(o.inKey)), inIv: Buffer.alloc(lengthOf(o.inIv)), outKey: Buffer.alloc(lengthOf(o.outKey)), outIv: Buffer.alloc(lengthOf(o.outIv)) }],
        });
        expect(hex(bytes).startsWith(final.hex_head)).to.equal(true);
      });
    });
  }

  it('round-trips every field', () => {
    const m = {
      status: DataTransferEncryptorStatus.ERROR,
      payload: Buffer.from('p'),
      message: 'Block token with ... is expired.',
      cipherOptions: [
        { suite: CipherSuiteProto.AES_CTR_NOPADDING, inKey: Buffer.alloc(38, 1), inIv: Buffer.alloc(16, 2), outKey: Buffer.alloc(38, 3), outIv: Buffer.alloc(16, 4) },
        { suite: CipherSuiteProto.SM4_CTR_NOPADDING },
      ],
      handshakeSecret: { secret: Buffer.from('auth-conf'), bpid: 'BP-1' },
      accessTokenError: true,
    };
    const back = decodeMessageBody(encodeMessageBody(m));
    expect(back.status).to.equal(m.status);
    expect(hex(back.payload!)).to.equal(hex(m.payload));
    expect(back.message).to.equal(m.message);
    expect(back.cipherOptions).to.have.length(2);
    expect(hex(back.cipherOptions![0]!.outKey!)).to.equal(hex(m.cipherOptions[0]!.outKey!));
    expect(back.cipherOptions![1]!.inKey).to.equal(undefined);
    expect(Buffer.from(back.handshakeSecret!.secret).toString()).to.equal('auth-conf');
    expect(back.handshakeSecret!.bpid).to.equal('BP-1');
    expect(back.accessTokenError).to.equal(true);
  });

  it('writes accessTokenError only when true and leaves unset optionals out, as protobuf-java does', () => {
    expect(hex(encodeMessageBody({ status: DataTransferEncryptorStatus.ERROR, message: 'x', accessTokenError: false }))).to.equal('08021a0178');
    expect(hex(encodeMessageBody({ status: DataTransferEncryptorStatus.ERROR, message: 'x', accessTokenError: true }))).to.equal('08021a01783001');
    expect(hex(encodeMessageBody({ status: DataTransferEncryptorStatus.ERROR_UNKNOWN_KEY, message: 'k' }))).to.equal('08011a016b');
    const bare = decodeMessageBody(Buffer.from('0800', 'hex'));
    expect(bare.payload).to.equal(undefined);
    expect(bare.accessTokenError).to.equal(undefined);
  });

  it('refuses a message without status, with an unknown status, or with a truncated field', () => {
    throwsCode(() => decodeMessageBody(Buffer.from('1200', 'hex')), 'PROTOCOL_MALFORMED');
    throwsCode(() => decodeMessageBody(Buffer.from('0807', 'hex')), 'PROTOCOL_MALFORMED');
    throwsCode(() => decodeMessageBody(Buffer.from('08001205ab', 'hex')), 'PROTOCOL_MALFORMED');
    throwsCode(() => decodeMessageBody(Buffer.from('0800220208', 'hex')), 'PROTOCOL_MALFORMED'); // cipherOption cut inside
  });

  describe('HandshakeDecoder', () => {
    const first = encodeMessage({ status: DataTransferEncryptorStatus.SUCCESS, payload: new Uint8Array(0) });
    const second = encodeMessage({ status: DataTransferEncryptorStatus.SUCCESS, payload: Buffer.alloc(300, 0x61), cipherOptions: [{ suite: 2 }] });
    const stream = Buffer.concat([encodeMagic(), first, second, Buffer.from('after')]);

    function drain(d: HandshakeDecoder): HandshakeFrame[] {
      const out: HandshakeFrame[] = [];
      for (let f = d.next(); f; f = d.next()) out.push(f);
      return out;
    }

    it('yields the magic, then each message, fed one byte at a time, and keeps what follows', () => {
      const d = new HandshakeDecoder({ expectMagic: true });
      const frames: HandshakeFrame[] = [];
      for (let i = 0; i < stream.length - 5; i++) {
        d.push(stream.subarray(i, i + 1));
        frames.push(...drain(d));
      }
      d.push(stream.subarray(stream.length - 5));
      frames.push(...drain(d));
      expect(frames.map((f) => f.kind)).to.deep.equal(['magic', 'message', 'message']);
      expect(frames[0]).to.deep.equal({ kind: 'magic', value: SASL_TRANSFER_MAGIC_NUMBER });
      const m = frames[2]!.kind === 'message' ? frames[2]!.message : undefined;
      expect(m!.payload!.length).to.equal(300);
      expect(d.remainder().toString()).to.equal('after');
      expect(d.buffered).to.equal(0);
    });

    it('a client-side decoder reads messages without a magic number; everything in one chunk', () => {
      const d = new HandshakeDecoder({ expectMagic: false });
      d.push(Buffer.concat([first, second]));
      expect(drain(d).map((f) => f.kind)).to.deep.equal(['message', 'message']);
    });

    it('reports any magic value (the state machine judges it)', () => {
      const d = new HandshakeDecoder({ expectMagic: true });
      d.push(Buffer.from('001c5100', 'hex')); // a DataTransferProtocol op instead of the handshake
      expect(d.next()).to.deep.equal({ kind: 'magic', value: 0x001c5100 });
    });

    it('refuses a declared length above the limit before buffering it', () => {
      const d = new HandshakeDecoder({ expectMagic: false, maxMessageLength: 1024 });
      d.push(Buffer.from('818008', 'hex')); // varint 131073
      throwsCode(() => d.next(), 'PROTOCOL_TOO_LARGE');
      const e = new HandshakeDecoder({ expectMagic: false });
      e.push(Buffer.from('ffffffff0f', 'hex'));
      throwsCode(() => e.next(), 'PROTOCOL_TOO_LARGE');
      const f = new HandshakeDecoder({ expectMagic: false });
      f.push(Buffer.from('ffffffffff01', 'hex')); // a varint longer than 5 bytes
      throwsCode(() => f.next(), 'PROTOCOL_MALFORMED');
    });
  });
});
