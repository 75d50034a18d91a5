import { expect } from 'chai';
import { FrameDecoder, encodeFrame, splitFrame } from '../../../lib/rpc/frame.ts';
import { encodeVarint32, readVarint32, readDelimited, delimit } from '../../../lib/rpc/delimited.ts';
import { ProtocolError } from '../../../lib/errors/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('rpc/frame: varint32 and delimited messages', () => {
  it('encodes and reads varint32 at the 1..5 byte boundaries', () => {
    for (const n of [0, 1, 127, 128, 300, 16383, 16384, 2 ** 21, 2 ** 28, 2 ** 32 - 1]) {
      const enc = encodeVarint32(n);
      expect(readVarint32(enc, 0)).to.deep.equal({ value: n, next: enc.length });
    }
    expect(hex(encodeVarint32(300))).to.equal('ac02');
  });

  it('rejects a varint longer than 5 bytes and a truncated one', () => {
    expect(() => readVarint32(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), 0)).to.throw(ProtocolError).with.property('code', 'PROTOCOL_MALFORMED');
    expect(() => readVarint32(Uint8Array.of(0x80, 0x80), 0)).to.throw(ProtocolError).with.property('code', 'PROTOCOL_TRUNCATED');
  });

  it('rejects a delimited length beyond the payload', () => {
    expect(() => readDelimited(Uint8Array.of(0x05, 1, 2), 0)).to.throw(ProtocolError).with.property('code', 'PROTOCOL_TRUNCATED');
  });

  it('splitFrame returns the messages and refuses trailing bytes', () => {
    const payload = delimit(Uint8Array.of(1, 2), Uint8Array.of(3));
    expect(splitFrame(payload).map(hex)).to.deep.equal(['0102', '03']);
    expect(() => splitFrame(payload, 1)).to.throw(ProtocolError).with.property('code', 'PROTOCOL_MALFORMED');
  });
});

describe('rpc/frame: FrameDecoder', () => {
  const frames = [encodeFrame(Uint8Array.of(0xaa), Uint8Array.of(0xbb, 0xcc)), encodeFrame(new Uint8Array(300).fill(7)), encodeFrame(Uint8Array.of(1))];
  const stream = Buffer.concat(frames);

  it('encodes int32 length + delimited messages', () => {
    expect(hex(frames[0]!)).to.equal('0000000501aa02bbcc');
  });

  it('yields the same frames whatever the chunking (every split point, byte by byte)', () => {
    const expected = frames.map((f) => hex(f.subarray(4)));
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameDecoder();
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))].map(hex);
      expect(got, `cut at ${cut}`).to.deep.equal(expected);
      expect(d.buffered).to.equal(0);
    }
    const d = new FrameDecoder();
    const got: string[] = [];
    for (const b of stream) got.push(...d.push(Uint8Array.of(b)).map(hex));
    expect(got).to.deep.equal(expected);
  });

  it('checks the declared length against ipc.maximum.data.length before buffering the body', () => {
    const d = new FrameDecoder({ maxDataLength: 1024 });
    // Only the 4-byte length of a 1 GiB frame arrives: rejected at once, nothing allocated for it.
    expect(() => d.push(Uint8Array.of(0x40, 0, 0, 0))).to.throw(ProtocolError).that.satisfies((e: ProtocolError) => e.code === 'PROTOCOL_TOO_LARGE' && e.details.configKey === 'ipc.maximum.data.length');
    expect(() => new FrameDecoder().push(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).to.throw(ProtocolError).with.property('code', 'PROTOCOL_TOO_LARGE');
  });

  it('accepts a frame of exactly the maximum length', () => {
    const d = new FrameDecoder({ maxDataLength: 10 });
    expect(d.push(Buffer.concat([Uint8Array.of(0, 0, 0, 10), new Uint8Array(10)]))).to.have.length(1);
  });

  it('end() reports a truncated frame', () => {
    const d = new FrameDecoder();
    d.push(stream.subarray(0, 6));
    expect(() => d.end()).to.throw(ProtocolError).with.property('code', 'PROTOCOL_TRUNCATED');
    const ok = new FrameDecoder();
    ok.push(stream);
    expect(() => ok.end()).to.not.throw();
  });
});
