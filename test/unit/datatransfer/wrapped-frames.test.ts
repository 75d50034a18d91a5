/**
 * SaslOutputStream / SaslInputStream framing of a SASL-protected data stream:
 * [int32 length][wrap(bytes)] with real DIGEST-MD5 layers, pieces of at most rawSendSize, frames
 * split across chunks, several frames per chunk, and bad input (tampering, truncation, oversize).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Qop, SaslSecurityLayer } from '../../../security/sasl/mechanism.ts';
import { DigestMd5Client } from '../../../security/sasl/mechanisms/digest-md5/client.ts';
import { DigestMd5Server } from '../../../security/sasl/mechanisms/digest-md5/server.ts';
import { encodeWrapped, WrappedFrameDecoder } from '../../../security/datatransfer/wrapped-frames.ts';
import { throwsCode } from '../../support/errors.ts';

async function layers(qop: Qop, maxBuffer?: number): Promise<{ client: SaslSecurityLayer; server: SaslSecurityLayer }> {
  const client = new DigestMd5Client({ username: 'u', password: 'p', protocol: 'hdfs', serverName: '0', qop: [qop], maxBuffer });
  const server = new DigestMd5Server({ protocol: 'hdfs', serverName: '0', qop: [qop], maxBuffer, passwordLookup: () => 'p' });
  const response = await client.step(await server.step(new Uint8Array(0)));
  await client.step(await server.step(response!));
  return { client: client.securityLayer(), server: server.securityLayer() };
}

function frameLengths(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = bytes.readUInt32BE(at);
    out.push(n);
    at += 4 + n;
  }
  return out;
}

describe('SASL-wrapped data transfer frames', () => {
  for (const qop of ['auth-int', 'auth-conf'] as const) {
    it(`${qop}: round-trips data cut at rawSendSize, fed byte by byte and all at once`, async () => {
      const { client, server } = await layers(qop, 4096);
      const data = randomBytes(10000);
      const wire = encodeWrapped(client, data);
      const lengths = frameLengths(wire);
      expect(lengths).to.have.length(Math.ceil(data.length / client.rawSendSize));
      expect(lengths.every((n) => n <= 4096)).to.equal(true);
      const decoder = new WrappedFrameDecoder(server);
      const out: Buffer[] = [];
      for (let i = 0; i < wire.length; i += 7) out.push(...decoder.push(wire.subarray(i, Math.min(wire.length, i + 7))));
      decoder.end();
      expect(Buffer.concat(out).equals(data)).to.equal(true);
      // the other direction, everything in one chunk, two writes in a row
      const back = Buffer.concat([encodeWrapped(server, data.subarray(0, 10)), encodeWrapped(server, data.subarray(10, 20))]);
      expect(Buffer.concat(new WrappedFrameDecoder(client).push(back)).equals(data.subarray(0, 20))).to.equal(true);
    });
  }

  it('a tampered frame fails its integrity check (SASL_INTEGRITY); a replayed one its sequence check', async () => {
    const { client, server } = await layers('auth-int');
    const wire = encodeWrapped(client, Buffer.from('hello block'));
    const bad = Buffer.from(wire);
    bad[5]! ^= 1;
    throwsCode(() => new WrappedFrameDecoder(server).push(bad), 'SASL_INTEGRITY');
    const fresh = await layers('auth-conf');
    const once = encodeWrapped(fresh.client, Buffer.from('x'));
    const d = new WrappedFrameDecoder(fresh.server);
    d.push(once);
    throwsCode(() => d.push(once), 'SASL_REPLAY');
  });

  it('a frame cut short by end of stream is PROTOCOL_TRUNCATED; a length above the limit PROTOCOL_TOO_LARGE', async () => {
    const { client, server } = await layers('auth-int');
    const wire = encodeWrapped(client, Buffer.alloc(100));
    const d = new WrappedFrameDecoder(server);
    expect(d.push(wire.subarray(0, 50))).to.deep.equal([]);
    expect(d.buffered).to.equal(50);
    throwsCode(() => d.end(), 'PROTOCOL_TRUNCATED');
    throwsCode(() => new WrappedFrameDecoder(server, 1024).push(Buffer.from('00100000', 'hex')), 'PROTOCOL_TOO_LARGE');
    throwsCode(() => new WrappedFrameDecoder(server).push(Buffer.from('ffffffff', 'hex')), 'PROTOCOL_TOO_LARGE');
    const split = new WrappedFrameDecoder(server, 1024);
    split.push(Buffer.from('00', 'hex'));
    throwsCode(() => split.push(Buffer.from('ffffff', 'hex')), 'PROTOCOL_TOO_LARGE'); // the length straddles chunks
  });
});
