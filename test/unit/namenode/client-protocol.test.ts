import { expect } from 'chai';
import {
  DEFAULT_SERVER_DEFAULTS, decodeGetDelegationTokenRequest, decodeGetDelegationTokenResponse, decodeGetServerDefaultsResponse,
  decodeRenewDelegationTokenResponse, decodeTokenRequest, encodeGetDelegationTokenRequest, encodeGetDelegationTokenResponse,
  encodeGetServerDefaultsResponse, encodeRenewDelegationTokenResponse, encodeTokenRequest,
} from '../../../cluster/protocol/client-protocol.ts';
import { Token } from '../../../security/token/token.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const token = new Token(Uint8Array.of(1, 2), Uint8Array.of(3), 'K', 'S');

describe('protocol/ClientProtocol delegation-token messages (Security.proto field numbers)', () => {
  it('GetDelegationTokenRequestProto: renewer = field 1 string', () => {
    expect(hex(encodeGetDelegationTokenRequest('yarn'))).to.equal('0a047961726e');
    expect(decodeGetDelegationTokenRequest(Buffer.from('0a047961726e', 'hex')).renewer).to.equal('yarn');
  });

  it('TokenProto inside the responses/requests: identifier 1, password 2, kind 3, service 4', () => {
    const tokenProto = '0a020102' + '120103' + '1a014b' + '220153';
    const response = encodeGetDelegationTokenResponse(token);
    expect(hex(response)).to.equal(`0a${(tokenProto.length / 2).toString(16).padStart(2, '0')}${tokenProto}`);
    expect(decodeGetDelegationTokenResponse(response)!.equals(token)).to.equal(true);
    expect(hex(encodeGetDelegationTokenResponse(undefined))).to.equal('');
    expect(decodeGetDelegationTokenResponse(new Uint8Array(0))).to.equal(undefined);
    expect(hex(encodeTokenRequest('renew', token))).to.equal(hex(response));
    expect(decodeTokenRequest('cancel', encodeTokenRequest('cancel', token)).equals(token)).to.equal(true);
  });

  it('RenewDelegationTokenResponseProto: newExpiryTime = field 1 uint64', () => {
    const bytes = encodeRenewDelegationTokenResponse(1700000000000);
    expect(hex(bytes)).to.equal('0880d095ffbc31');
    expect(decodeRenewDelegationTokenResponse(bytes)).to.equal(1700000000000);
  });

  it('GetServerDefaultsResponseProto round-trips with proto2 defaults', () => {
    const bytes = encodeGetServerDefaultsResponse(DEFAULT_SERVER_DEFAULTS);
    expect(decodeGetServerDefaultsResponse(bytes)).to.deep.equal(DEFAULT_SERVER_DEFAULTS);
    // only the required fields: blockSize 1, bytesPerChecksum 2, writePacketSize 3, replication 4, fileBufferSize 5
    const minimal = Buffer.from('0a11' + '0880808040' + '108004' + '18808004' + '2003' + '288020', 'hex');
    expect(decodeGetServerDefaultsResponse(minimal)).to.deep.equal({
      blockSize: 134_217_728, bytesPerChecksum: 512, writePacketSize: 65_536, replication: 3, fileBufferSize: 4096,
      encryptDataTransfer: false, trashInterval: 0, checksumType: 'CHECKSUM_CRC32',
    });
  });
});
