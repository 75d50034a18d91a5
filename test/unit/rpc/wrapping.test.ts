import { expect } from 'chai';
import { encodeFrame, FrameDecoder } from '../../../lib/rpc/frame.ts';
import { parseRequest, parseResponse, parseSaslBody, saslRequestFrame, callFrame, successResponseFrame, wrapRequestFrame, wrapResponseFrame } from '../../../lib/rpc/ipc-frames.ts';
import { encodeRequestHeader, encodeResponseHeader, encodeSasl } from '../../../lib/rpc/messages.ts';
import { SaslState } from '../../../lib/rpc/constants.ts';
import { splitPieces, Unwrapper, wrapClientStream, wrapStreamParts } from '../../../lib/rpc/wrapping.ts';
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

  it('server responses: responses ready together share a WRAP, a large one spans several; the client reads one stream', async () => {
    const { client, server } = await layers();
    const small = successResponseFrame(7, cid, 0, encodeFrame(new Uint8Array(8)).subarray(4));
    const small2 = successResponseFrame(9, cid, 0, encodeFrame(new Uint8Array(3)).subarray(4));
    const big = successResponseFrame(8, cid, 0, new Uint8Array(server.rawSendSize * 3));
    const smallWire = concatBytes(wrapStreamParts(server, [small, small2], 'server'));
    expect(new FrameDecoder().push(smallWire)).to.have.length(1); // two responses, one WRAP
    const bigWire = concatBytes(wrapStreamParts(server, [big], 'server'));
    expect(new FrameDecoder({ maxDataLength: 1 << 30 }).push(bigWire).length).to.be.greaterThan(3);
    const unwrapper = new Unwrapper(client, 'client', { maxDataLength: 1 << 30 });
    const got: number[] = [];
    for (const f of new FrameDecoder({ maxDataLength: 1 << 30 }).push(concatBytes([smallWire, bigWire]))) {
      expect(parseResponse(f).header).to.deep.equal({ callId: -33, status: 0 });
      got.push(...unwrapper.push(f).map((x) => parseResponse(x).header.callId));
    }
    expect(got).to.deep.equal([7, 9, 8]);
  });

  it('splitPieces: views inside one part, copies only across parts, never above the size', () => {
    const a = new Uint8Array(10).fill(1);
    const b = new Uint8Array(25).fill(2);
    const pieces = splitPieces([a, b, new Uint8Array(0), Uint8Array.of(3)], 8);
    expect(pieces.map((p) => p.length)).to.deep.equal([8, 8, 8, 8, 4]);
    expect(pieces[0]!.buffer).to.equal(a.buffer); // a view, not a copy
    expect(Buffer.concat(pieces).equals(Buffer.concat([a, b, Uint8Array.of(3)]))).to.equal(true);
    expect(splitPieces([], 8)).to.deep.equal([]);
  });

  it('WRAP frames built by hand are byte for byte what the protobuf encoder gives, for every token length class', () => {
    for (const n of [0, 1, 127, 128, 16_383, 16_384, 70_000]) {
      const token = new Uint8Array(n).fill(n & 0xff);
      expect(Buffer.from(wrapRequestFrame(token)).equals(Buffer.from(saslRequestFrame({ state: SaslState.WRAP, token }))), `request ${n}`).to.equal(true);
      const expected = encodeFrame(encodeResponseHeader({ callId: -33, status: 0 }), encodeSasl({ state: SaslState.WRAP, token }));
      expect(Buffer.from(wrapResponseFrame(token)).equals(Buffer.from(expected)), `response ${n}`).to.equal(true);
    }
  });

  it('an unusual but valid WRAP envelope (extra header field) still unwraps through the full parser', async () => {
    const { client, server } = await layers();
    const token = client.wrap(call(4, 10));
    const header = encodeRequestHeader({ rpcKind: 2, rpcOp: 0, callId: -33, clientId: new Uint8Array(0), retryCount: -1, stateId: 5n });
    const [frame] = new FrameDecoder().push(encodeFrame(header, encodeSasl({ state: SaslState.WRAP, token })));
    expect(new Unwrapper(server, 'server').push(frame!).map((f) => parseRequest(f).header.callId)).to.deep.equal([4]);
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
