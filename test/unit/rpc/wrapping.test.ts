import { expect } from 'chai';
import { encodeFrame, FrameDecoder } from '../../../lib/rpc/frame.ts';
import { parseRequest, parseResponse, parseSaslBody, saslRequestFrame, callFrame, successResponseFrame } from '../../../lib/rpc/ipc-frames.ts';
import { SaslState } from '../../../lib/rpc/constants.ts';
import { Unwrapper, wrapClientStream, wrapServerResponse } from '../../../lib/rpc/wrapping.ts';
import { concatBytes } from '../../../lib/rpc/delimited.ts';
import { DigestMd5Client, DigestMd5Server, tokenClientCredentials } from '../../../security/sasl/index.ts';
import type { SaslSecurityLayer } from '../../../security/sasl/mechanism.ts';

/** A real DIGEST-MD5 auth-conf layer pair (client, server). */
async function layers(): Promise<{ client: SaslSecurityLayer; server: SaslSecurityLayer }> {
  const creds = tokenClientCredentials(Buffer.from('id'), Buffer.from('pw'));
  const client = new DigestMd5Client({ ...creds, qop: ['auth-conf'] });
  const server = new DigestMd5Server({ protocol: '', serverName: 'default', qop: ['auth-conf'], passwordLookup: () => creds.password });
  const rspauth = await server.step((await client.step(await server.step(new Uint8Array(0))))!);
  await client.step(rspauth);
  return { client: client.securityLayer(), server: server.securityLayer() };
}

const cid = new Uint8Array(16).fill(1);
const call = (id: number, size: number): Uint8Array => callFrame(id, cid, 0, { methodName: 'm', declaringClassProtocolName: 'P', clientProtocolVersion: 1n }, new Uint8Array(size).fill(id));

describe('rpc/wrapping with a real DIGEST-MD5 auth-conf layer', () => {
  it('client stream: WRAP frames of at most rawSendSize plaintext; frames straddling WRAPs are re-framed by the server', async () => {
    const { client, server } = await layers();
    const plain = concatBytes([call(1, 10), call(2, client.rawSendSize * 2 + 17), call(3, 5)]);
    const wraps = wrapClientStream(client, plain);
    expect(wraps).to.have.length(Math.ceil(plain.length / client.rawSendSize));
    const outer = new FrameDecoder();
    const unwrapper = new Unwrapper(server, 'server');
    const inner: Uint8Array[] = [];
    for (const w of wraps) {
      for (const f of outer.push(w)) {
        const { header, rest } = parseRequest(f);
        expect(header.callId).to.equal(-33);
        expect(parseSaslBody(rest).state).to.equal(SaslState.WRAP);
        inner.push(...unwrapper.push(f));
      }
    }
    expect(inner.map((f) => parseRequest(f).header.callId)).to.deep.equal([1, 2, 3]);
  });

  it('server responses: one WRAP per response, several when it exceeds rawSendSize; the client reads one stream', async () => {
    const { client, server } = await layers();
    const small = successResponseFrame(7, cid, 0, encodeFrame(new Uint8Array(8)).subarray(4));
    const big = successResponseFrame(8, cid, 0, new Uint8Array(server.rawSendSize * 3));
    const smallWire = wrapServerResponse(server, small);
    expect(new FrameDecoder().push(smallWire)).to.have.length(1);
    const bigWire = wrapServerResponse(server, big);
    expect(new FrameDecoder({ maxDataLength: 1 << 30 }).push(bigWire).length).to.be.greaterThan(3);
    const unwrapper = new Unwrapper(client, 'client', { maxDataLength: 1 << 30 });
    const got: number[] = [];
    for (const f of new FrameDecoder({ maxDataLength: 1 << 30 }).push(concatBytes([smallWire, bigWire]))) {
      expect(parseResponse(f).header).to.deep.equal({ callId: -33, status: 0 });
      got.push(...unwrapper.push(f).map((x) => parseResponse(x).header.callId));
    }
    expect(got).to.deep.equal([7, 8]);
  });

  it('a non-wrapped frame once the layer is active is refused on both sides', async () => {
    const { client, server } = await layers();
    const plainReq = call(1, 3).subarray(4);
    expect(() => new Unwrapper(server, 'server').push(plainReq)).to.throw('Client sent non-wrapped request').with.property('code', 'SASL_INTEGRITY');
    const plainResp = successResponseFrame(1, cid, 0, Uint8Array.of(1)).subarray(4);
    expect(() => new Unwrapper(client, 'client').push(plainResp)).to.throw('Server sent non-wrapped response');
    const notWrap = saslRequestFrame({ state: SaslState.RESPONSE, token: Uint8Array.of(1) }).subarray(4);
    expect(() => new Unwrapper(server, 'server').push(notWrap)).to.throw().with.property('code', 'SASL_STATE');
  });

  it('a tampered WRAP token fails integrity', async () => {
    const { client, server } = await layers();
    const [w] = wrapClientStream(client, call(1, 20));
    const tampered = Uint8Array.from(w!);
    tampered[tampered.length - 20]! ^= 0x01;
    const [f] = new FrameDecoder().push(tampered);
    expect(() => new Unwrapper(server, 'server').push(f!)).to.throw();
  });
});
