import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { ProtocolError } from '../../../lib/errors/index.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { FILE_HEADER_BYTES, checkFileHeader, crc32, fileHeader } from '../../../lib/journal/frame.ts';
import {
  JOURNAL_MAGIC, SNAPSHOT_MAGIC, countersRecord, keyPutRecord, keyRemoveRecord,
  scanRecords, snapshotEndRecord, tokenPutRecord, tokenRemoveRecord,
} from '../../../security/token/store/journal/record-codec.ts';
import type { RecordVisitor } from '../../../security/token/store/journal/record-codec.ts';

function collector(): { visitor: RecordVisitor; seen: unknown[] } {
  const seen: unknown[] = [];
  return {
    seen,
    visitor: {
      tokenPut: (key, seq, keyId, renewDate, password) => seen.push(['put', Buffer.from(key).toString('latin1'), seq, keyId, renewDate, Buffer.from(password).toString('hex')]),
      tokenRemove: (key) => seen.push(['remove', Buffer.from(key).toString('latin1')]),
      keyPut: (k) => seen.push(['key', k.keyId, k.expiryDate, Buffer.from(k.key!).toString('hex')]),
      keyRemove: (id) => seen.push(['key-remove', id]),
      counters: (s, k) => seen.push(['counters', s, k]),
      snapshotEnd: (t, k) => seen.push(['end', t, k]),
    },
  };
}

const KEY = '\x00\x12alice@EXAMPLE.TEST\x04yarn\x00\x8a\x01\x8b\xcf\xe5\x68\x00\x8a\x01\x8b\xf3\xf1\xec\x00\x01\x02';
const PASSWORD = Uint8Array.from({ length: 20 }, (_, i) => i * 7);

describe('token/store/journal record codec (framed records, CRC-32)', () => {
  it('crc32 is zlib\'s CRC-32 (IEEE)', () => {
    for (const n of [0, 1, 7, 64, 1000]) {
      const b = randomBytes(n);
      expect(crc32(b)).to.equal(zlibCrc32(b));
    }
    expect(crc32(Buffer.from('123456789'))).to.equal(0xcbf43926); // the standard check value
  });

  it('every record type round-trips, in order; renew dates use all 64 bits of a Java long', () => {
    const records = Buffer.concat([
      countersRecord(41, 7),
      keyPutRecord(new DelegationKey(7, 1_700_000_000_000, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))),
      tokenPutRecord(KEY, 41, 7, 1_700_086_400_000, PASSWORD),
      tokenPutRecord(KEY, 41, 7, 2 ** 52 + 1, PASSWORD),
      tokenRemoveRecord(KEY),
      keyRemoveRecord(7),
      snapshotEndRecord(2, 1),
    ]);
    const { visitor, seen } = collector();
    expect(scanRecords(records, 0, records.length, visitor)).to.deep.equal({ next: records.length, stop: 'end' });
    const pw = Buffer.from(PASSWORD).toString('hex');
    expect(seen).to.deep.equal([
      ['counters', 41, 7],
      ['key', 7, 1_700_000_000_000, '0102030405060708'],
      ['put', KEY, 41, 7, 1_700_086_400_000, pw],
      ['put', KEY, 41, 7, 2 ** 52 + 1, pw],
      ['remove', KEY],
      ['key-remove', 7],
      ['end', 2, 1],
    ]);
    // layout: int32 length, int32 CRC of the payload, type byte
    const one = tokenRemoveRecord(KEY);
    expect(one.readInt32BE(0)).to.equal(1 + KEY.length);
    expect(one.readUInt32BE(4)).to.equal(zlibCrc32(one.subarray(8)));
    expect(one[8]).to.equal(2);
  });

  it('a frame cut short stops with "more" at its start; a flipped bit or absurd length with "broken"', () => {
    const a = countersRecord(1, 1);
    const b = tokenPutRecord(KEY, 2, 1, 5, PASSWORD);
    const both = Buffer.concat([a, b]);
    for (let cut = 1; cut < b.length; cut++) {
      const { visitor, seen } = collector();
      expect(scanRecords(both, 0, a.length + cut, visitor)).to.deep.equal({ next: a.length, stop: 'more' });
      expect(seen).to.have.length(1);
    }
    const flipped = Buffer.from(both);
    flipped[a.length + 20] ^= 0x10;
    expect(scanRecords(flipped, 0, flipped.length, collector().visitor)).to.deep.equal({ next: a.length, stop: 'broken' });
    const huge = Buffer.from(both);
    huge.writeInt32BE(0x7fffffff, a.length);
    expect(scanRecords(huge, 0, huge.length, collector().visitor)).to.deep.equal({ next: a.length, stop: 'broken' });
    const zero = Buffer.concat([a, Buffer.alloc(64)]); // a preallocated or zero-filled tail
    expect(scanRecords(zero, 0, zero.length, collector().visitor)).to.deep.equal({ next: a.length, stop: 'broken' });
  });

  it('a frame whose checksum holds but whose payload does not parse is PROTOCOL_MALFORMED with its offset', () => {
    const bad = keyRemoveRecord(1);
    bad[8] = 99; // unknown type
    bad.writeUInt32BE(crc32(bad, 8), 4);
    const input = Buffer.concat([countersRecord(0, 0), bad]);
    let err: unknown;
    try {
      scanRecords(input, 0, input.length, collector().visitor);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ProtocolError);
    expect((err as ProtocolError).code).to.equal('PROTOCOL_MALFORMED');
    expect((err as ProtocolError).details['offset']).to.equal(countersRecord(0, 0).length);
  });

  it('file headers: magic + version; a header cut short is "short"', () => {
    const h = fileHeader(JOURNAL_MAGIC);
    expect(h.length).to.equal(FILE_HEADER_BYTES);
    expect(h.toString('latin1', 0, 8)).to.equal('HSEC-DTJ');
    expect(checkFileHeader(h, JOURNAL_MAGIC)).to.equal('ok');
    expect(checkFileHeader(h, SNAPSHOT_MAGIC)).to.equal('bad-magic');
    expect(checkFileHeader(h.subarray(0, 5), JOURNAL_MAGIC)).to.equal('short');
    const v2 = Buffer.from(h);
    v2.writeInt32BE(2, 8);
    expect(checkFileHeader(v2, JOURNAL_MAGIC)).to.equal('bad-version');
  });
});
