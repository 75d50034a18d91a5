/**
 * Which handshake each side runs (Hadoop's order: SaslDataTransferClient.checkTrustAndSend,
 * SaslDataTransferServer.receive) and the dfs.* data-transfer settings read from a Configuration
 * with Hadoop's defaults.
 */
import { expect } from 'chai';
import { Configuration } from '../../../lib/config/index.ts';
import { chooseClientHandshake, chooseServerHandshake, isPrivilegedPort, type ClientHandshakeFacts, type ServerHandshakeFacts } from '../../../security/datatransfer/handshake-choice.ts';
import { dataTransferSecurityFromConfig } from '../../../security/datatransfer/config.ts';
import { throwsCode } from '../../support/errors.ts';

function configure(values: Record<string, string>): Configuration {
  const conf = new Configuration();
  for (const [k, v] of Object.entries(values)) conf.set(k, v);
  return conf;
}

const client: ClientHandshakeFacts = { trusted: false, hasEncryptionKey: false, securityEnabled: true, datanodeXferPort: 9866, fallbackToSimpleAuth: false, protectionConfigured: true };
const server: ServerHandshakeFacts = { encryptDataTransfer: false, trusted: false, securityEnabled: true, xferPort: 9866, protectionConfigured: true };

describe('data transfer handshake choice and settings', () => {
  it("the client's choice in Hadoop's order", () => {
    expect(chooseClientHandshake(client)).to.equal('general');
    expect(chooseClientHandshake({ ...client, trusted: true, hasEncryptionKey: true })).to.equal('none');
    expect(chooseClientHandshake({ ...client, hasEncryptionKey: true, securityEnabled: false })).to.equal('encrypted');
    expect(chooseClientHandshake({ ...client, securityEnabled: false })).to.equal('none');
    expect(chooseClientHandshake({ ...client, datanodeXferPort: 1004 })).to.equal('none');
    expect(chooseClientHandshake({ ...client, fallbackToSimpleAuth: true })).to.equal('none');
    expect(chooseClientHandshake({ ...client, protectionConfigured: false })).to.equal('none');
    expect([isPrivilegedPort(1023), isPrivilegedPort(1024)]).to.deep.equal([true, false]);
  });

  it("the DataNode's choice in Hadoop's order; an unprivileged port without protection is a configuration error", () => {
    expect(chooseServerHandshake(server)).to.equal('general');
    expect(chooseServerHandshake({ ...server, encryptDataTransfer: true, securityEnabled: false })).to.equal('encrypted');
    expect(chooseServerHandshake({ ...server, encryptDataTransfer: true, trusted: true })).to.equal('none');
    expect(chooseServerHandshake({ ...server, trusted: true })).to.equal('none');
    expect(chooseServerHandshake({ ...server, securityEnabled: false })).to.equal('none');
    expect(chooseServerHandshake({ ...server, xferPort: 1004, protectionConfigured: false })).to.equal('none');
    expect(chooseServerHandshake({ ...server, protectionConfigured: false, ignoreSecurePortsForTesting: true })).to.equal('none');
    const err = throwsCode(() => chooseServerHandshake({ ...server, protectionConfigured: false }), 'CONFIG_INVALID');
    expect(err.message).to.contain('unprivileged port (9866)').and.contain('dfs.data.transfer.protection');
  });

  it("reads Hadoop's keys with Hadoop's defaults", () => {
    expect(dataTransferSecurityFromConfig(new Configuration())).to.deep.equal({
      encryptDataTransfer: false,
      encryptionAlgorithm: undefined,
      protection: undefined,
      cipherSuites: undefined,
      cipherKeyBits: 128,
    });
    const conf = configure({
      'dfs.encrypt.data.transfer': 'true',
      'dfs.encrypt.data.transfer.algorithm': 'rc4',
      'dfs.data.transfer.protection': 'privacy, integrity',
      'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding',
      'dfs.encrypt.data.transfer.cipher.key.bitlength': '256',
    });
    expect(dataTransferSecurityFromConfig(conf)).to.deep.equal({
      encryptDataTransfer: true,
      encryptionAlgorithm: 'rc4',
      protection: ['auth-conf', 'auth-int'],
      cipherSuites: 'AES/CTR/NoPadding',
      cipherKeyBits: 256,
    });
  });

  it('names the key of a bad value', () => {
    for (const [k, v] of [
      ['dfs.encrypt.data.transfer.algorithm', 'aes'],
      ['dfs.data.transfer.protection', 'secret'],
      ['dfs.encrypt.data.transfer.cipher.suites', 'AES/GCM/NoPadding'],
      ['dfs.encrypt.data.transfer.cipher.key.bitlength', '64'],
    ]) {
      expect(throwsCode(() => dataTransferSecurityFromConfig(configure({ [k!]: v! })), 'CONFIG_INVALID').details['configKey']).to.equal(k);
    }
  });
});
