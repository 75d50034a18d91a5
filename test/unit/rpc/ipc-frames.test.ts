import { expect } from 'chai';
import vectors from '../../vectors/ipc-sasl-traces.json' with { type: 'json' };
import { CallId, RpcErrorCode, RpcStatus, SaslState } from '../../../lib/rpc/constants.ts';
import {
  callFrame,
  contextFrame,
  errorResponseFrame,
  parseRequest,
  parseResponse,
  parseSaslBody,
  pingFrame,
  saslRequestFrame,
  saslResponseFrame,
  successResponseFrame,
  wrapRequestFrame,
  wrapResponseFrame,
} from '../../../lib/rpc/ipc-frames.ts';
import { decodeConnectionContext, decodeRequestHeaderProto, encodeResponseHeader, encodeRequestHeader, decodeResponseHeader, decodeSasl } from '../../../lib/rpc/messages.ts';
import { splitFrame } from '../../../lib/rpc/frame.ts';
import { ProtocolError } from '../../../lib/errors/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Buffer => Buffer.from(s, 'hex');
const krb = vectors.kerberos_getDelegationToken;
const tok = vectors.token_getListing;

describe('rpc/ipc-frames against stock Hadoop 3.4.1 traces', () => {
  it('client NEGOTIATE is byte-identical (callId -33 zigzag 0x41, empty clientId, retryCount -1)', () => {
    expect(hex(saslRequestFrame({ state: SaslState.NEGOTIATE }))).to.equal(krb.client_to_server[1]!.frame_head_hex);
    expect(hex(saslRequestFrame({ state: SaslState.NEGOTIATE }))).to.equal(tok.client_to_server[1]!.frame_head_hex);
  });

  it('client empty RESPONSE is byte-identical', () => {
    expect(hex(saslRequestFrame({ state: SaslState.RESPONSE, token: new Uint8Array(0) }))).to.equal(krb.client_to_server[3]!.frame_head_hex);
  });

  it('server SUCCESS without token is byte-identical (callId uint32 DF FF FF FF 0F, version 9)', () => {
    expect(hex(saslResponseFrame({ state: SaslState.SUCCESS }))).to.equal(krb.server_to_client[3]!.frame_head_hex);
  });

  it('server SUCCESS with rspauth matches length and head', () => {
    const v = tok.server_to_client[1]!;
    const frame = saslResponseFrame({ state: SaslState.SUCCESS, token: Buffer.from(v.sasl!.token_text!) });
    expect(frame.length - 4).to.equal(v.frame_len);
    expect(hex(frame.subarray(0, v.frame_head_hex!.length / 2))).to.equal(v.frame_head_hex!);
  });

  it('server NEGOTIATE (TOKEN with embedded challenge, then KERBEROS) matches length and head', () => {
    const v = tok.server_to_client[0]!;
    const auths = v.sasl!.auths!;
    const frame = saslResponseFrame({
      state: SaslState.NEGOTIATE,
      auths: [
        { method: auths[0]!.method, mechanism: auths[0]!.mechanism, protocol: auths[0]!.protocol, serverId: auths[0]!.serverId, challenge: Buffer.from(auths[0]!.challenge!) },
        { method: auths[1]!.method, mechanism: auths[1]!.mechanism, protocol: auths[1]!.protocol, serverId: auths[1]!.serverId },
      ],
    });
    expect(frame.length - 4).to.equal(v.frame_len);
    expect(hex(frame.subarray(0, v.frame_head_hex!.length / 2))).to.equal(v.frame_head_hex!);
    // and it decodes back to the same auths
    const { header, rest } = parseResponse(frame.subarray(4));
    expect(header).to.include({ callId: -33, status: 0, serverIpcVersionNum: 9, retryCount: -1 });
    expect(parseSaslBody(rest).auths!.map((a) => a.method)).to.deep.equal(['TOKEN', 'KERBEROS']);
  });

  it('client INITIATE for TOKEN (challenge cleared) matches length and head', () => {
    const v = tok.client_to_server[2]!;
    const a = v.sasl!.auths![0]!;
    const frame = saslRequestFrame({ state: SaslState.INITIATE, token: Buffer.from(v.sasl!.token_text!), auths: [{ method: a.method, mechanism: a.mechanism, protocol: a.protocol, serverId: a.serverId }] });
    expect(frame.length - 4).to.equal(v.frame_len);
    expect(hex(frame.subarray(0, v.frame_head_hex!.length / 2))).to.equal(v.frame_head_hex!);
  });

  it('WRAP frames: client header = SASL header, server header = callId + status only', () => {
    const c = krb.client_to_server[5]!;
    const cf = wrapRequestFrame(new Uint8Array(c.sasl!.token_len!));
    expect(cf.length - 4).to.equal(c.frame_len);
    expect(hex(cf.subarray(0, 22))).to.equal(c.frame_head_hex!.slice(0, 44));
    const s = krb.server_to_client[4]!;
    const sf = wrapResponseFrame(new Uint8Array(s.sasl.token_len!));
    expect(sf.length - 4).to.equal(s.frame_len);
    expect(hex(sf.subarray(0, 20))).to.equal(s.frame_head_hex.slice(0, 40));
  });

  it('decodes every traced frame head: headers, sign traps and SASL states', () => {
    for (const trace of [krb, tok]) {
      for (const f of trace.client_to_server.slice(1)) {
        const head = unhex(f.frame_head_hex!);
        expect(head.readInt32BE(0)).to.equal(f.frame_len);
        const { header } = parseRequest(head.subarray(4));
        expect(header).to.include({ callId: -33, rpcKind: 2, rpcOp: 0, retryCount: -1 });
        expect(header.clientId).to.have.length(0);
      }
      for (const f of trace.server_to_client) {
        const head = unhex(f.frame_head_hex);
        const { header } = parseResponse(head.subarray(4));
        expect(header.callId).to.equal(-33);
        expect(header.status).to.equal(RpcStatus.SUCCESS);
        // re-encoding the decoded header gives the traced bytes
        const len = head[4]!;
        expect(hex(encodeResponseHeader(header))).to.equal(hex(head.subarray(5, 5 + len)));
      }
    }
  });
});

describe('rpc/ipc-frames: context, ping, calls, responses', () => {
  const clientId = unhex('00112233445566778899aabbccddeeff');

  it('context frame: callId -3 (zigzag 0x05), the clientId, retryCount -1, protocol and user', () => {
    const f = contextFrame(clientId, { userInfo: { effectiveUser: 'alice@EXAMPLE.TEST' }, protocol: 'org.apache.hadoop.hdfs.protocol.ClientProtocol' });
    const { header, rest } = parseRequest(f.subarray(4));
    expect(header).to.include({ callId: CallId.CONNECTION_CONTEXT, retryCount: -1 });
    expect(hex(header.clientId)).to.equal(hex(clientId));
    expect(hex(encodeRequestHeader(header))).to.contain('1805');
    expect(decodeConnectionContext(splitFrame(rest, 1)[0]!)).to.deep.equal({ userInfo: { effectiveUser: 'alice@EXAMPLE.TEST' }, protocol: 'org.apache.hadoop.hdfs.protocol.ClientProtocol' });
  });

  it('ping frame is header only with callId -4 (zigzag 0x07)', () => {
    const f = pingFrame(clientId);
    const parts = splitFrame(f.subarray(4));
    expect(parts).to.have.length(1);
    expect(hex(parts[0]!)).to.match(/^0802100018072210/);
  });

  it('call frame: header, RequestHeaderProto, request; sint32 callId for large ids', () => {
    const f = callFrame(0x7fffffff, clientId, 0, { methodName: 'getListing', declaringClassProtocolName: 'P', clientProtocolVersion: 1n }, Uint8Array.of(9, 9));
    const { header, rest } = parseRequest(f.subarray(4));
    expect(header).to.include({ callId: 0x7fffffff, retryCount: 0 });
    const [rh, body] = splitFrame(rest, 2);
    expect(decodeRequestHeaderProto(rh!)).to.deep.equal({ methodName: 'getListing', declaringClassProtocolName: 'P', clientProtocolVersion: 1n });
    expect(hex(body!)).to.equal('0909');
  });

  it('success and error responses round-trip; FATAL keeps reserved negative ids', () => {
    const ok = parseResponse(successResponseFrame(5, clientId, 0, Uint8Array.of(1)).subarray(4));
    expect(ok.header).to.include({ callId: 5, status: 0, serverIpcVersionNum: 9, retryCount: 0 });
    const err = parseResponse(errorResponseFrame({ callId: -1, fatal: true, exceptionClassName: 'X', errorMsg: 'm', errorDetail: RpcErrorCode.FATAL_UNAUTHORIZED }).subarray(4));
    expect(err.header).to.include({ callId: -1, status: RpcStatus.FATAL, exceptionClassName: 'X', errorMsg: 'm', errorDetail: 15 });
    expect(err.rest).to.have.length(0);
  });

  it('garbage protobuf raises ProtocolError PROTOCOL_MALFORMED', () => {
    expect(() => decodeResponseHeader(unhex('08'))).to.throw(ProtocolError).with.property('code', 'PROTOCOL_MALFORMED');
    expect(() => decodeSasl(unhex('1a05aa'))).to.throw(ProtocolError).with.property('code', 'PROTOCOL_MALFORMED');
    expect(() => parseRequest(unhex('ff'))).to.throw(ProtocolError);
  });
});
