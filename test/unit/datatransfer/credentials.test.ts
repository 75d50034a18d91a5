/**
 * The SASL user names and passwords of the two handshakes, byte for byte against what Hadoop 3.4.1
 * derived (test/vectors/block-token-identifiers.json: SaslDataTransferClient.buildUserName /
 * buildClientPassword for 8 block tokens in both identifier formats, getUserNameFromEncryptionKey /
 * encryptionKeyToPassword for a DataEncryptionKey), and the DataNode's parsing of those names.
 */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  buildClientPassword,
  buildUserName,
  encryptionKeyToPassword,
  identifierFromUserName,
  parseEncryptionKeyUserName,
  userNameFromEncryptionKey,
} from '../../../security/datatransfer/credentials.ts';
import { throwsCode } from '../../support/errors.ts';

const v = JSON.parse(readFileSync(new URL('../../vectors/block-token-identifiers.json', import.meta.url), 'utf8'));
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('data transfer SASL credentials', () => {
  for (const format of ['legacy', 'protobuf']) {
    for (const t of v.formats[format].tokens) {
      it(`general handshake: ${format} ${t.name} token -> Hadoop's user name and password`, () => {
        expect(buildUserName(hex(t.identifier_hex))).to.equal(t.sasl_general_handshake.userName);
        expect(buildClientPassword(hex(t.password_hex))).to.equal(t.sasl_general_handshake.password);
        expect(Buffer.from(identifierFromUserName(t.sasl_general_handshake.userName)).toString('hex')).to.equal(t.identifier_hex);
        // what the DataNode recomputes: HmacSHA1(block key, identifier bytes)
        const key = hex(v.formats[format].secret_manager.currentKey.key_hex);
        expect(createHmac('sha1', key).update(hex(t.identifier_hex)).digest('hex')).to.equal(t.password_hex);
      });
    }
  }

  const dek = v.data_encryption_key;
  const key = { keyId: dek.keyId, blockPoolId: dek.blockPoolId, nonce: hex(dek.nonce_hex), encryptionKey: hex(dek.encryptionKey_hex) };

  it("encrypted handshake: the DataEncryptionKey -> Hadoop's user name and password", () => {
    expect(userNameFromEncryptionKey(key)).to.equal(dek.sasl_encrypted_handshake.userName);
    expect(encryptionKeyToPassword(key.encryptionKey)).to.equal(dek.sasl_encrypted_handshake.password);
  });

  it('the DataNode splits the name into key id, pool and nonce, and re-derives the key from its block key', () => {
    const name = parseEncryptionKeyUserName(dek.sasl_encrypted_handshake.userName);
    expect(name.keyId).to.equal(dek.keyId);
    expect(name.blockPoolId).to.equal(dek.blockPoolId);
    expect(Buffer.from(name.nonce).toString('hex')).to.equal(dek.nonce_hex);
    const blockKey = hex(v.formats.legacy.secret_manager.currentKey.key_hex);
    expect(v.formats.legacy.secret_manager.currentKey.keyId).to.equal(dek.keyId);
    expect(createHmac('sha1', blockKey).update(name.nonce).digest('hex')).to.equal(dek.encryptionKey_hex);
  });

  it("parses names as Java's split does, and refuses the others", () => {
    expect(parseEncryptionKeyUserName('7 BP-1 AAEC ').keyId).to.equal(7); // trailing empty part dropped
    expect(parseEncryptionKeyUserName('-2147483648 BP-1 AAEC').keyId).to.equal(-2147483648);
    for (const bad of ['7 BP-1', '7 BP-1 AAEC extra', '7  BP-1 AAEC', 'x BP-1 AAEC', '2147483648 BP-1 AAEC', '1.5 BP-1 AAEC', '']) {
      throwsCode(() => parseEncryptionKeyUserName(bad), 'PROTOCOL_MALFORMED');
    }
    throwsCode(() => identifierFromUserName(''), 'PROTOCOL_MALFORMED');
    throwsCode(() => identifierFromUserName('not base64 !'), 'PROTOCOL_MALFORMED');
  });
});
