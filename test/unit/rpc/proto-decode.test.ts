// decodeMessage (lib/proto/load.ts): truncated or malformed protobuf is refused as protobuf-java
// refuses it, where protobufjs alone (BufferReader on a Node Buffer) clamps a string to the input.
import { expect } from 'chai';
import { decodeMessage } from '../../../lib/proto/load.ts';
import { decodeGetDelegationTokenRequest, encodeGetDelegationTokenRequest } from '../../../cluster/protocol/client-protocol.ts';
import { hdfsRoot } from '../../../cluster/protocol/hdfs-proto.ts';

describe('proto: decodeMessage refuses truncated input', () => {
  const root = hdfsRoot();
  const request = root.lookupType('hadoop.common.GetDelegationTokenRequestProto');

  it('protobufjs alone clamps a string that declares 80 bytes and carries 1; decodeMessage throws', () => {
    const truncated = Buffer.from([0x0a, 0x50, 0x41]);
    expect((request.decode(truncated) as unknown as { renewer: string }).renewer).to.equal('A'); // the hazard
    expect(() => decodeMessage(request, truncated)).to.throw(RangeError, /field 1 declares 80 bytes, 1 left/);
    const e = (() => {
      try {
        decodeGetDelegationTokenRequest(truncated);
      } catch (err) {
        return err as { code?: string };
      }
      return undefined;
    })();
    expect(e?.code).to.equal('PROTOCOL_MALFORMED');
  });

  it('well-formed messages decode as before, nested ones included', () => {
    expect(decodeGetDelegationTokenRequest(Buffer.from(encodeGetDelegationTokenRequest('yarn')))).to.deep.equal({ renewer: 'yarn' });
    const resp = root.lookupType('hadoop.common.GetDelegationTokenResponseProto');
    const bytes = resp.encode(resp.fromObject({ token: { identifier: Buffer.from('id'), password: Buffer.from('pw'), kind: 'K', service: 's' } })).finish();
    const ok = decodeMessage(resp, Buffer.from(bytes)) as unknown as { token: { kind: string } };
    expect(ok.token.kind).to.equal('K');
    // The nested TokenProto's kind declares more bytes than the nested message holds.
    const nested = Buffer.from(bytes);
    const kindAt = nested.indexOf(Buffer.from([0x1a, 0x01, 0x4b])); // field 3 (kind), length 1, "K"
    nested[kindAt + 1] = 0x05;
    expect(() => decodeMessage(resp, nested)).to.throw(RangeError, /declares 5 bytes/);
  });

  it('truncated varints and fixed-width fields, field number 0 and bad wire types are refused', () => {
    expect(() => decodeMessage(request, Buffer.from([0x08, 0x80]))).to.throw(RangeError, /varint truncated/);
    expect(() => decodeMessage(request, Buffer.from([0x0d, 1, 2]))).to.throw(RangeError, /needs 4 bytes/);
    expect(() => decodeMessage(request, Buffer.from([0x11, 1, 2, 3]))).to.throw(RangeError, /needs 8 bytes/);
    expect(() => decodeMessage(request, Buffer.from([0x00, 0x00]))).to.throw(RangeError, /field number 0/);
    expect(() => decodeMessage(request, Buffer.from([0x0f]))).to.throw(RangeError, /wire type 7/);
    expect(() => decodeMessage(request, Buffer.from([0x0c]))).to.throw(RangeError, /end-group/);
    // An unknown group is skipped as protobuf-java does, when it is closed.
    expect(decodeMessage(request, Buffer.from([0x13, 0x08, 0x01, 0x14, 0x0a, 0x01, 0x42])).toJSON()).to.deep.equal({ renewer: 'B' });
  });
});
