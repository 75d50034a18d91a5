// The admin refresh protocols' codecs: every message is empty, as Hadoop's .proto files define them;
// fields a newer peer may add are skipped, truncated bytes are refused.
import { expect } from 'chai';
import { REFRESH_AUTHORIZATION_POLICY_CODEC, REFRESH_USER_MAPPINGS_CODEC } from '../../../cluster/protocol/refresh-protocols.ts';
import { expectCode } from '../../support/expect-code.ts';

describe('protocol/refresh protocols', () => {
  it('encode every request and response as zero bytes, in both directions', () => {
    expect(REFRESH_AUTHORIZATION_POLICY_CODEC.encodeRequest('refreshServiceAcl', {})).to.have.length(0);
    expect(REFRESH_AUTHORIZATION_POLICY_CODEC.encodeResponse('refreshServiceAcl', {})).to.have.length(0);
    for (const m of ['refreshUserToGroupsMappings', 'refreshSuperUserGroupsConfiguration'] as const) {
      expect(REFRESH_USER_MAPPINGS_CODEC.encodeRequest(m, {})).to.have.length(0);
      expect(REFRESH_USER_MAPPINGS_CODEC.decodeResponse(m, new Uint8Array(0))).to.deep.equal({});
    }
  });

  it('skip unknown fields (protobuf-java keeps them) and refuse a truncated one', () => {
    expect(REFRESH_AUTHORIZATION_POLICY_CODEC.decodeRequest('refreshServiceAcl', Uint8Array.of(0x08, 0x01))).to.deep.equal({});
    expectCode(() => REFRESH_AUTHORIZATION_POLICY_CODEC.decodeRequest('refreshServiceAcl', Uint8Array.of(0x0a, 0x05, 0x41)), 'PROTOCOL_MALFORMED');
  });
});
