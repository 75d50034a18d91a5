/**
 * ZooKeeper wire codecs (lib/zk: jute primitives, records, multi, frames): exact layouts from
 * zookeeper.jute / ClientCnxn, round trips, and bad input (truncation, oversized and negative
 * lengths, unknown multi result types) as typed errors. The same layouts are checked against the
 * real ZooKeeper server by every test in test/integration/zk/.
 */
import { expect } from 'chai';
import { DataInput, DataOutput } from '../../../lib/codec/index.ts';
import { ZkFrameDecoder, frame } from '../../../lib/zk/frame.ts';
import { readStat, readVector, readBuffer, writeStat, type Stat } from '../../../lib/zk/jute.ts';
import { multiRequest, readMultiResponse } from '../../../lib/zk/multi.ts';
import { createRequest, decodeConnectResponse, encodeConnectRequest, encodeRequest, readGetChildren2Response, readGetDataResponse, readReplyHeader, readSaslResponse, readWatcherEvent, setDataRequest } from '../../../lib/zk/records.ts';
import { OpCode } from '../../../lib/zk/constants.ts';
import { expectCode } from '../../support/expect-code.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

const STAT: Stat = { czxid: 0x1_0000_0002n, mzxid: 3n, ctime: 1700000000000, mtime: 1700000000001, version: 4, cversion: 5, aversion: 6, ephemeralOwner: 0x100001234567890n, dataLength: 7, numChildren: 8, pzxid: 9n };

describe('ZooKeeper codecs', () => {
  it('encodes ConnectRequest as protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, then the readOnly flag', () => {
    const bytes = encodeConnectRequest({ lastZxidSeen: 0x10n, timeOut: 10000, sessionId: 0x1234n, passwd: new Uint8Array(16).fill(0xab) });
    expect(hex(bytes)).to.equal('00000000' + '0000000000000010' + '00002710' + '0000000000001234' + '00000010' + 'ab'.repeat(16) + '00');
  });

  it('decodes ConnectResponse with and without the trailing readOnly byte (pre-3.4 servers)', () => {
    const body = '00000000' + '00001770' + '0100000000abcdef' + '00000010' + '01'.repeat(16);
    const r = decodeConnectResponse(unhex(body + '01'));
    expect(r).to.include({ protocolVersion: 0, timeOut: 6000, readOnly: true });
    expect(r.sessionId).to.equal(0x0100000000abcdefn);
    expect(hex(r.passwd)).to.equal('01'.repeat(16));
    expect(decodeConnectResponse(unhex(body)).readOnly).to.equal(false);
    expectCode(() => decodeConnectResponse(unhex('00000000000017')), 'PROTOCOL_TRUNCATED');
  });

  it('writes RequestHeader {xid, type} before the record, and reads ReplyHeader {xid, zxid, err}', () => {
    const req = encodeRequest(7, OpCode.setData, setDataRequest('/a', unhex('ff'), 3));
    expect(hex(req)).to.equal('00000007' + '00000005' + '00000002' + hex(Buffer.from('/a')) + '00000001ff' + '00000003');
    const h = readReplyHeader(new DataInput(unhex('00000007' + '0000000100000002' + 'ffffff9b')));
    expect(h).to.deep.equal({ xid: 7, zxid: 0x100000002n, err: -101 });
  });

  it('round-trips Stat with exact 64-bit zxids and session ids', () => {
    const out = new DataOutput();
    writeStat(out, STAT);
    expect(out.length).to.equal(68);
    expect(readStat(new DataInput(out.toBytes()))).to.deep.equal(STAT);
  });

  it('reads GetDataResponse, a null data buffer as empty, GetChildren2Response, WatcherEvent and a null SASL token', () => {
    const stat = new DataOutput();
    writeStat(stat, STAT);
    const data = readGetDataResponse(new DataInput(unhex('ffffffff' + hex(stat.toBytes()))));
    expect(data.data.length).to.equal(0);
    expect(data.stat).to.deep.equal(STAT);
    const children = readGetChildren2Response(new DataInput(unhex('00000002' + '0000000161' + '000000026263' + hex(stat.toBytes()))));
    expect(children.children).to.deep.equal(['a', 'bc']);
    expect(readWatcherEvent(new DataInput(unhex('00000003' + '00000003' + '000000022f61')))).to.deep.equal({ type: 3, state: 3, path: '/a' });
    expect(readSaslResponse(new DataInput(unhex('ffffffff')))).to.equal(null);
  });

  it('refuses negative lengths and vector counts larger than the bytes left', () => {
    expectCode(() => readBuffer(new DataInput(unhex('fffffffe')), 'x'), 'PROTOCOL_MALFORMED');
    expectCode(() => readVector(new DataInput(unhex('7fffffff00')), 'children', 4, (i) => i.readInt()), 'PROTOCOL_MALFORMED');
    expectCode(() => readGetDataResponse(new DataInput(unhex('00000010aabb'))), 'PROTOCOL_TRUNCATED');
  });

  it('encodes a multi as MultiHeader + record per operation and a done header, and decodes results', () => {
    const out = new DataOutput();
    multiRequest([
      { type: 'check', path: '/c', version: 1 },
      { type: 'create', path: '/n', data: unhex('01'), acl: [{ perms: 31, scheme: 'world', id: 'anyone' }], flags: 0 },
    ])(out);
    const create = new DataOutput();
    createRequest('/n', unhex('01'), [{ perms: 31, scheme: 'world', id: 'anyone' }], 0)(create);
    expect(hex(out.toBytes())).to.equal(
      '0000000d' + '00' + 'ffffffff' + '000000022f63' + '00000001' + '00000001' + '00' + 'ffffffff' + hex(create.toBytes()) + 'ffffffff' + '01' + 'ffffffff',
    );
    const resp = unhex('0000000d' + '00' + '00000000' + '00000001' + '00' + '00000000' + '000000022f6e' + 'ffffffff' + '01' + 'ffffffff');
    expect(readMultiResponse(new DataInput(resp))).to.deep.equal([{ type: 'check' }, { type: 'create', path: '/n' }]);
    const failed = unhex('ffffffff' + '00' + 'ffffff99' + 'ffffff99' + 'ffffffff' + '00' + 'fffffffe' + 'fffffffe' + 'ffffffff' + '01' + 'ffffffff');
    expect(readMultiResponse(new DataInput(failed))).to.deep.equal([{ type: 'error', err: -103 }, { type: 'error', err: -2 }]);
    expectCode(() => readMultiResponse(new DataInput(unhex('0000006300' + 'ffffffff'))), 'PROTOCOL_MALFORMED');
  });

  it('frames payloads with an int32 length and reassembles split and coalesced chunks', () => {
    const a = frame(unhex('0102'));
    const b = frame(unhex(''));
    const c = frame(unhex('030405'));
    const all = new Uint8Array([...a, ...b, ...c]);
    for (let split = 0; split <= all.length; split++) {
      const d = new ZkFrameDecoder();
      const frames = [...d.push(all.subarray(0, split)), ...d.push(all.subarray(split))].map(hex);
      expect(frames, `split at ${split}`).to.deep.equal(['0102', '', '030405']);
      expect(d.buffered).to.equal(0);
    }
  });

  it('refuses a frame length above jute.maxbuffer or below zero before buffering it', () => {
    expectCode(() => new ZkFrameDecoder(1024).push(unhex('00100000')), 'PROTOCOL_TOO_LARGE');
    expectCode(() => new ZkFrameDecoder().push(unhex('ffffffff')), 'PROTOCOL_TOO_LARGE');
    expectCode(() => new ZkFrameDecoder().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n')), 'PROTOCOL_TOO_LARGE');
  });
});
