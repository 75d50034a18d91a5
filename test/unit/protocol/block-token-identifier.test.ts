import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { InvalidTokenError, ProtocolError } from '../../../lib/errors/index.ts';
import { BlockTokenIdentifier, HDFS_BLOCK_TOKEN_KIND } from '../../../security/token/block-token-identifier.ts';
import type { AccessMode, BlockStorageType, BlockTokenFormat } from '../../../security/token/block-token-identifier.ts';
import { createPassword } from '../../../security/token/keys/hmac.ts';
import { decodeExportedBlockKeys, dummyExportedBlockKeys, encodeExportedBlockKeys } from '../../../security/token/keys/exported-block-keys.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { Token } from '../../../security/token/token.ts';
import { encodeProto, decodeProto } from '../../../cluster/protocol/hdfs-proto.ts';
import { CLIENT_PROTOCOL_CODEC } from '../../../cluster/protocol/client-protocol.ts';
import { exportedBlockKeysFromProto, exportedBlockKeysToProto, keyUpdateCommand } from '../../../cluster/protocol/datanode-protocol.ts';
import { expectCode, hex, unhex } from './support.ts';

// Bytes produced by Hadoop 3.4.1's BlockTokenSecretManager (test/vectors/block-token-identifiers.json).
const V = JSON.parse(readFileSync(new URL('../../vectors/block-token-identifiers.json', import.meta.url), 'utf8'));

interface VectorToken {
  name: string;
  identifier_hex: string;
  password_hex: string;
  toString: string;
  identifier: { expiryDate: number; keyId: number; userId: string | null; blockPoolId: string; blockId: number; modes: AccessMode[]; storageTypes: BlockStorageType[]; storageIds: string[] };
  sasl_general_handshake: { userName: string; password: string };
}

for (const format of ['legacy', 'protobuf'] as BlockTokenFormat[]) {
  const f = V.formats[format];
  describe(`token/BlockTokenIdentifier, ${format} layout (Hadoop 3.4.1 vectors)`, () => {
    const key = unhex(f.secret_manager.currentKey.key_hex);
    for (const t of f.tokens as VectorToken[]) {
      it(`${t.name}: decodes, re-encodes byte for byte, and its password is HMAC-SHA1 over the raw bytes`, () => {
        const id = BlockTokenIdentifier.decode(unhex(t.identifier_hex));
        expect(id.format).to.equal(format);
        const { expiryDate, keyId, userId, blockPoolId, blockId, modes, storageTypes, storageIds } = id;
        const { expiryDate_iso: _iso, handshakeMsg_hex: _h, ...expected } = t.identifier as VectorToken['identifier'] & { expiryDate_iso: string; handshakeMsg_hex: string };
        expect({ expiryDate, keyId, userId, blockPoolId, blockId, modes, storageTypes, storageIds }).to.deep.equal(expected);
        expect(hex(id.handshakeMsg)).to.equal('');
        expect(id.toString()).to.equal(t.toString);
        expect(id.user().userName).to.equal(t.identifier.userId ?? `${t.identifier.blockPoolId}:${t.identifier.blockId}`);
        expect(hex(BlockTokenIdentifier.create({ ...t.identifier, handshakeMsg: new Uint8Array(0) }, format).bytes)).to.equal(t.identifier_hex);
        expect(hex(createPassword(id.bytes, key))).to.equal(t.password_hex);
        // the data-transfer SASL general handshake credentials are base64 of these bytes
        expect(Buffer.from(id.bytes).toString('base64')).to.equal(t.sasl_general_handshake.userName);
        expect(Buffer.from(unhex(t.password_hex)).toString('base64')).to.equal(t.sasl_general_handshake.password);
        // Token.toString shows the decoded identifier through the registered codec
        expect(new Token(id.bytes, unhex(t.password_hex), HDFS_BLOCK_TOKEN_KIND, '').toString()).to.contain(`Ident: (${t.toString})`);
      });
    }

    it('ExportedBlockKeys: the Writable, the ExportedBlockKeysProto and the KeyUpdateCommand match the NameNode\'s bytes', () => {
      const e = f.exported_block_keys;
      const keys = decodeExportedBlockKeys(unhex(e.writable_hex));
      expect(keys.isBlockTokenEnabled).to.equal(true);
      expect(keys.keyUpdateInterval).to.equal(e.keyUpdateInterval);
      expect(keys.tokenLifetime).to.equal(e.tokenLifetime);
      expect(keys.currentKey.keyId).to.equal(e.currentKey.keyId);
      expect(hex(keys.currentKey.key!)).to.equal(e.currentKey.key_hex);
      expect(keys.allKeys.map((k) => [k.keyId, k.expiryDate, hex(k.key!)])).to.deep.equal(e.allKeys.map((k: { keyId: number; expiryDate: number; key_hex: string }) => [k.keyId, k.expiryDate, k.key_hex]));
      expect(hex(encodeExportedBlockKeys(keys))).to.equal(e.writable_hex);
      expect(hex(keys.currentKey.encode())).to.equal(e.currentKey.BlockKey_writable_hex);
      const proto = encodeProto('hadoop.hdfs.ExportedBlockKeysProto', exportedBlockKeysToProto(keys));
      expect(hex(proto)).to.equal(e.ExportedBlockKeysProto_hex);
      expect(hex(encodeProto('hadoop.hdfs.BlockKeyProto', { keyId: keys.currentKey.keyId, expiryDate: keys.currentKey.expiryDate, keyBytes: keys.currentKey.key! }))).to.equal(e.currentKey.BlockKeyProto_hex);
      const back = exportedBlockKeysFromProto(decodeProto('hadoop.hdfs.ExportedBlockKeysProto', proto));
      expect(hex(encodeExportedBlockKeys(back))).to.equal(e.writable_hex);
      // the vector is PBHelper.convert(KeyUpdateCommand), i.e. the KeyUpdateCommandProto carried in
      // DatanodeCommandProto field 6 (cmdType 4 = KeyUpdateCommand)
      const command = keyUpdateCommand(keys);
      const inner = hex(encodeProto('hadoop.hdfs.datanode.KeyUpdateCommandProto', command.keyUpdateCmd!));
      expect(inner).to.equal(e.DatanodeCommandProto_KeyUpdateCommand_hex);
      expect(hex(encodeProto('hadoop.hdfs.datanode.DatanodeCommandProto', command))).to.equal(`0804 32${(inner.length / 2).toString(16).padStart(2, '0')}${inner}`.replace(' ', ''));
    });
  });
}

describe('token/BlockTokenIdentifier edge cases', () => {
  const base = {
    expiryDate: 1796443112944, keyId: -5, userId: null, blockPoolId: 'BP-1', blockId: 1073741825,
    modes: ['WRITE', 'READ', 'WRITE'] as AccessMode[], storageTypes: [] as BlockStorageType[], storageIds: [] as string[],
    handshakeMsg: new TextEncoder().encode('auth-conf'),
  };

  it('modes are kept as an EnumSet (deduplicated, ordinal order); a handshake secret round-trips in both layouts', () => {
    for (const format of ['legacy', 'protobuf'] as BlockTokenFormat[]) {
      const id = BlockTokenIdentifier.decode(BlockTokenIdentifier.create(base, format).bytes);
      expect(id.modes).to.deep.equal(['READ', 'WRITE']);
      expect(id.keyId).to.equal(-5);
      expect(new TextDecoder().decode(id.handshakeMsg)).to.equal('auth-conf');
      expect(id.user().userName).to.equal('BP-1:1073741825');
    }
  });

  it('a legacy identifier that ends after the modes (older NameNodes) decodes with empty storage lists', () => {
    const full = BlockTokenIdentifier.create({ ...base, handshakeMsg: new Uint8Array(0) }, 'legacy').bytes;
    const old = full.subarray(0, full.length - 2); // drop the two zero counts
    const id = BlockTokenIdentifier.decode(old);
    expect(id.storageTypes).to.deep.equal([]);
    expect(id.storageIds).to.deep.equal([]);
    expect(hex(id.bytes)).to.equal(hex(old));
  });

  it('empty, truncated and forged identifiers are TOKEN_BAD_FORMAT', () => {
    const legacy = unhex(V.formats.legacy.tokens[0].identifier_hex);
    const proto = unhex(V.formats.protobuf.tokens[0].identifier_hex);
    expectCode(() => BlockTokenIdentifier.decode(new Uint8Array(0)), 'TOKEN_BAD_FORMAT', InvalidTokenError);
    expectCode(() => BlockTokenIdentifier.decode(legacy.subarray(0, 20)), 'TOKEN_BAD_FORMAT', InvalidTokenError);
    expectCode(() => BlockTokenIdentifier.decode(proto.subarray(0, 30)), 'TOKEN_BAD_FORMAT', InvalidTokenError);
    const badMode = Uint8Array.from(legacy);
    badMode[Buffer.from(badMode).indexOf(Buffer.from('READ'))] = 0x58; // 'XEAD'
    expectCode(() => BlockTokenIdentifier.decode(badMode), 'TOKEN_BAD_FORMAT', InvalidTokenError);
  });
});

describe('token/ExportedBlockKeys', () => {
  it('DUMMY_KEYS: tokens off, no key bytes (length -1 in the Writable, empty bytes in the proto)', () => {
    const dummy = dummyExportedBlockKeys();
    // false, 0 ms, 0 ms, BlockKey(keyId vint 0, expiry vlong 0, length vint -1), int32 0 keys
    expect(hex(encodeExportedBlockKeys(dummy))).to.equal('00' + '0000000000000000' + '0000000000000000' + '0000ff' + '00000000');
    expect(hex(encodeProto('hadoop.hdfs.ExportedBlockKeysProto', exportedBlockKeysToProto(dummy)))).to.equal('080010001800220608001000' + '1a00');
  });

  it('a negative key count or trailing bytes are refused', () => {
    const bytes = encodeExportedBlockKeys({ ...dummyExportedBlockKeys(), allKeys: [new DelegationKey(1, 2, Uint8Array.of(3))] });
    const negative = Uint8Array.from(bytes);
    negative.set([0xff, 0xff, 0xff, 0xff], 1 + 16 + 3);
    expectCode(() => decodeExportedBlockKeys(negative), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => decodeExportedBlockKeys(Uint8Array.of(...bytes, 0)), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => decodeExportedBlockKeys(bytes.subarray(0, 10)), 'PROTOCOL_TRUNCATED', ProtocolError);
  });
});

describe('protocol/DataEncryptionKeyProto (getDataEncryptionKey)', () => {
  it('matches the NameNode\'s GetDataEncryptionKeyResponseProto bytes both ways', () => {
    const k = V.data_encryption_key;
    const key = { keyId: k.keyId, blockPoolId: k.blockPoolId, nonce: unhex(k.nonce_hex), encryptionKey: unhex(k.encryptionKey_hex), expiryDate: k.expiryDate };
    const bytes = CLIENT_PROTOCOL_CODEC.encodeResponse('getDataEncryptionKey', { dataEncryptionKey: key });
    expect(hex(bytes)).to.equal(k.GetDataEncryptionKeyResponseProto_hex);
    expect(CLIENT_PROTOCOL_CODEC.decodeResponse('getDataEncryptionKey', bytes).dataEncryptionKey).to.deep.equal(key);
    expect(CLIENT_PROTOCOL_CODEC.decodeResponse('getDataEncryptionKey', new Uint8Array(0)).dataEncryptionKey).to.equal(undefined);
  });
});
