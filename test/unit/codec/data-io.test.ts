import { expect } from 'chai';
import {
  DataInput, DataOutput, TEXT_DEFAULT_MAX_LEN, decodeBase64, delimit, encodeBase64, encodeBase64Url,
  encodeVarint32, tryDecodeVarint32,
} from '../../../lib/codec/index.ts';
import { ProtocolError } from '../../../lib/errors/index.ts';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ProtocolError);
    return (e as ProtocolError).code;
  }
  throw new Error('expected an error');
}

describe('codec/DataOutput + DataInput (java.io big-endian primitives)', () => {
  it('writes Java primitives big-endian, two\'s complement', () => {
    const out = new DataOutput(1)
      .writeByte(-1).writeBoolean(true).writeShort(-2).writeInt(0x01020304).writeInt(-1)
      .writeLong(1700000000000).writeLong(-1n);
    expect(hex(out.toBytes())).to.equal('ff01fffe01020304ffffffff0000018bcfe56800ffffffffffffffff');
    const input = new DataInput(out.toBytes());
    expect(input.readByte()).to.equal(-1);
    expect(input.readBoolean()).to.equal(true);
    expect(input.readShort()).to.equal(-2);
    expect(input.readInt()).to.equal(0x01020304);
    expect(input.readInt()).to.equal(-1);
    expect(input.readLong()).to.equal(1700000000000);
    expect(input.readLongBig()).to.equal(-1n);
    input.expectEnd('test');
  });

  it('Text is a vint byte length + standard UTF-8', () => {
    const out = new DataOutput().writeText('héllo😀');
    // 'héllo😀' = 1+2+3+4 = 10 bytes in UTF-8 (a surrogate pair becomes one 4-byte sequence)
    expect(hex(out.toBytes())).to.equal('0a68c3a96c6c6ff09f9880');
    expect(new DataInput(out.toBytes()).readText()).to.equal('héllo😀');
  });

  it('Text over the max length is PROTOCOL_TOO_LARGE before any allocation', () => {
    // declared length 2^20 + 1 with no bytes behind it
    const bytes = new DataOutput().writeVInt(TEXT_DEFAULT_MAX_LEN + 1).toBytes();
    expect(codeOf(() => new DataInput(bytes).readText(TEXT_DEFAULT_MAX_LEN))).to.equal('PROTOCOL_TOO_LARGE');
    expect(codeOf(() => new DataOutput().writeText('abc', 2))).to.equal('PROTOCOL_TOO_LARGE');
    // a length within the cap but past the end of input is truncated
    const short = new DataOutput().writeVInt(5).write(Uint8Array.of(1, 2)).toBytes();
    expect(codeOf(() => new DataInput(short).readText(TEXT_DEFAULT_MAX_LEN))).to.equal('PROTOCOL_TRUNCATED');
  });

  it('WritableUtils.writeString is an int32 length, -1 for null', () => {
    const out = new DataOutput().writeString('ab').writeString(null);
    expect(hex(out.toBytes())).to.equal('000000026162ffffffff');
    const input = new DataInput(out.toBytes());
    expect(input.readString()).to.equal('ab');
    expect(input.readString()).to.equal(null);
    expect(codeOf(() => new DataInput(Buffer.from('7fffffff', 'hex')).readString(1024))).to.equal('PROTOCOL_TOO_LARGE');
  });

  it('every fixed-width reader fails PROTOCOL_TRUNCATED on short input', () => {
    expect(codeOf(() => new DataInput(new Uint8Array(0)).readByte())).to.equal('PROTOCOL_TRUNCATED');
    expect(codeOf(() => new DataInput(new Uint8Array(1)).readShort())).to.equal('PROTOCOL_TRUNCATED');
    expect(codeOf(() => new DataInput(new Uint8Array(3)).readInt())).to.equal('PROTOCOL_TRUNCATED');
    expect(codeOf(() => new DataInput(new Uint8Array(7)).readLong())).to.equal('PROTOCOL_TRUNCATED');
    expect(codeOf(() => new DataInput(new Uint8Array(2)).readFully(3))).to.equal('PROTOCOL_TRUNCATED');
  });

  it('readVIntInRange enforces its range', () => {
    const bytes = new DataOutput().writeVInt(-2).writeVInt(2000).toBytes();
    const input = new DataInput(bytes);
    expect(codeOf(() => input.readVIntInRange(-1, 1000))).to.equal('PROTOCOL_MALFORMED');
    expect(codeOf(() => input.readVIntInRange(-1, 1000))).to.equal('PROTOCOL_TOO_LARGE');
  });
});

describe('codec/varint32 (protobuf delimiting)', () => {
  it('encodes LEB128', () => {
    expect(hex(encodeVarint32(0))).to.equal('00');
    expect(hex(encodeVarint32(127))).to.equal('7f');
    expect(hex(encodeVarint32(128))).to.equal('8001');
    expect(hex(encodeVarint32(145))).to.equal('9101');
    expect(hex(encodeVarint32(0xffffffff))).to.equal('ffffffff0f');
    expect(tryDecodeVarint32(Buffer.from('ffffffff0f', 'hex'))).to.deep.equal({ value: 0xffffffff, length: 5 });
    expect(hex(delimit(Uint8Array.of(9, 9)))).to.equal('020909');
  });

  it('reports an incomplete varint as undefined (wait for more) and an overlong one as malformed', () => {
    expect(tryDecodeVarint32(Buffer.from('80', 'hex'))).to.equal(undefined);
    expect(codeOf(() => tryDecodeVarint32(Buffer.from('8080808080', 'hex')))).to.equal('PROTOCOL_MALFORMED');
    expect(codeOf(() => new DataInput(Buffer.from('80', 'hex')).readVarint32())).to.equal('PROTOCOL_TRUNCATED');
  });
});

describe('codec/base64 (commons-codec flavours)', () => {
  const bytes = Uint8Array.of(0xfb, 0xff, 0xfe, 0x00, 0x01);
  it('URL-safe encode is unpadded with - and _', () => {
    expect(encodeBase64Url(bytes)).to.equal('-__-AAE');
    expect(encodeBase64(bytes)).to.equal('+//+AAE=');
  });
  it('decodes both alphabets, padded or not, and rejects junk', () => {
    for (const s of ['-__-AAE', '+//+AAE=', '+//+AAE', '-__-AAE=', '-__-\nAAE']) {
      expect(hex(decodeBase64(s))).to.equal('fbfffe0001');
    }
    expect(codeOf(() => decodeBase64('ab$c'))).to.equal('PROTOCOL_MALFORMED');
    expect(codeOf(() => decodeBase64('abcde'))).to.equal('PROTOCOL_MALFORMED');
  });
});
