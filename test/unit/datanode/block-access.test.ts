// Block token verification on the DataNode (BlockPoolTokens, worker-mode BlockTokenSecretManager)
// against tokens, keys and data encryption keys produced by Hadoop 3.4.1's own
// BlockTokenSecretManager (test/vectors/block-token-identifiers.json): what Hadoop's DataNode
// accepts is accepted, what it refuses is refused with Hadoop's message; plus forged, expired,
// foreign and unknown-key tokens, key expiry on update, storage-type multisets.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BlockPoolTokens } from '../../../cluster/datanode/block-access.ts';
import { decodeProto } from '../../../cluster/protocol/hdfs-proto.ts';
import { exportedBlockKeysFromProto, type DatanodeCommand } from '../../../cluster/protocol/datanode-protocol.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { InvalidTokenError } from '../../../lib/errors/index.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { createPassword } from '../../../security/token/keys/hmac.ts';
import { throwsCode } from '../../support/errors.ts';

const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('../../vectors/block-token-identifiers.json', import.meta.url)), 'utf8'));
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const BPID: string = vectors.block_pool_id;

interface VectorToken {
  name: string;
  identifier_hex: string;
  password_hex: string;
  identifier: { expiryDate: number; blockId: number; storageTypes: string[] | null; storageIds: string[] | null };
  datanode_checkAccess_WRITE_rejected?: string;
}

for (const format of ['legacy', 'protobuf'] as const) {
  describe(`datanode/block-access: Hadoop 3.4.1 ${format} block tokens`, () => {
    const f = vectors.formats[format];
    const tokens = f.tokens as VectorToken[];
    const byName = (n: string): VectorToken => tokens.find((t) => t.name === n)!;
    // The KeyUpdateCommand a NameNode sends (its KeyUpdateCommandProto bytes), decoded with the product codec.
    const cmd = { keyUpdateCmd: decodeProto<NonNullable<DatanodeCommand['keyUpdateCmd']>>('hadoop.hdfs.datanode.KeyUpdateCommandProto', fromHex(f.exported_block_keys.DatanodeCommandProto_KeyUpdateCommand_hex)) };
    const clock = new ManualClock(tokens[0]!.identifier.expiryDate - 60_000);
    const keys = new BlockPoolTokens({ clock });
    keys.setKeys(BPID, exportedBlockKeysFromProto(cmd.keyUpdateCmd!.keys));
    const tok = (t: VectorToken) => ({ identifier: fromHex(t.identifier_hex), password: fromHex(t.password_hex) });
    const block = (t: VectorToken) => ({ poolId: BPID, blockId: t.identifier.blockId });

    it('accepts what Hadoop\'s DataNode accepted (READ, WRITE with its storages, COPY) and recomputes the passwords', () => {
      expect(keys.isEnabled(BPID)).to.equal(true);
      keys.checkAccess(tok(byName('read')), undefined, block(byName('read')), 'READ');
      keys.checkAccess(tok(byName('read')), 'alice', block(byName('read')), 'READ', ['DISK'], ['DS-00000000-1111-2222-3333-444444444444']);
      keys.checkAccess(tok(byName('write')), undefined, block(byName('write')), 'WRITE', ['DISK'], []);
      keys.checkAccess(tok(byName('read_write_copy_replace')), undefined, block(byName('read_write_copy_replace')), 'READ');
      keys.checkAccess(tok(byName('copy_replace_balancer')), undefined, block(byName('copy_replace_balancer')), 'COPY');
      for (const t of tokens) expect(Buffer.from(keys.password(fromHex(t.identifier_hex))).toString('hex')).to.equal(t.password_hex);
    });

    it('refuses a mode the token lacks with Hadoop\'s exact message', () => {
      for (const t of tokens.filter((x) => x.datanode_checkAccess_WRITE_rejected)) {
        const e = throwsCode(() => keys.checkAccess(tok(t), undefined, block(t), 'WRITE'), 'TOKEN_INVALID', InvalidTokenError);
        expect(`org.apache.hadoop.security.token.SecretManager$InvalidToken: ${e.message}`).to.equal(t.datanode_checkAccess_WRITE_rejected);
      }
    });

    it('refuses a forged password, another block or pool, another user, a storage type the token does not name', () => {
      const t = byName('read');
      const forged = { ...tok(t), password: Uint8Array.from(tok(t).password, (b, i) => (i === 0 ? b ^ 1 : b)) };
      expect(throwsCode(() => keys.checkAccess(forged, undefined, block(t), 'READ'), 'TOKEN_INVALID').message).to.match(/doesn't have the correct token password$/);
      expect(throwsCode(() => keys.checkAccess(tok(t), undefined, { poolId: BPID, blockId: 42, generationStamp: 7 }, 'READ'), 'TOKEN_INVALID').message).to.match(new RegExp(`doesn't apply to block ${BPID}:blk_42_7$`));
      throwsCode(() => keys.checkAccess(tok(t), undefined, { ...block(t), poolId: 'BP-other' }, 'READ'), 'TOKEN_INVALID');
      expect(throwsCode(() => keys.checkAccess(tok(t), 'bob', block(t), 'READ'), 'TOKEN_INVALID').message).to.match(/doesn't belong to user bob$/);
      expect(throwsCode(() => keys.checkAccess(tok(t), undefined, block(t), 'READ', ['SSD']), 'TOKEN_INVALID').message)
        .to.equal('Block token with StorageTypes [DISK] not valid for access with StorageTypes [SSD]');
      // a multiset: one DISK in the token covers one requested DISK, not two
      throwsCode(() => keys.checkAccess(tok(t), undefined, block(t), 'READ', ['DISK', 'DISK']), 'TOKEN_INVALID');
      throwsCode(() => keys.checkAccess({ identifier: Uint8Array.of(9, 9, 9), password: new Uint8Array(20) }, undefined, block(t), 'READ'), 'TOKEN_BAD_FORMAT');
    });

    it('refuses an expired token (TOKEN_EXPIRED) once the clock passes its expiry, in checkAccess and in the SASL password lookup', () => {
      const t = byName('read');
      const later = new BlockPoolTokens({ clock: new ManualClock(t.identifier.expiryDate + 1) });
      later.setKeys(BPID, exportedBlockKeysFromProto(cmd.keyUpdateCmd!.keys));
      expect(throwsCode(() => later.checkAccess(tok(t), undefined, block(t), 'READ'), 'TOKEN_EXPIRED').message).to.match(/ is expired\.$/);
      throwsCode(() => later.password(fromHex(t.identifier_hex)), 'TOKEN_EXPIRED');
    });
  });
}

describe('datanode/block-access: keys and data encryption keys', () => {
  const dek = vectors.data_encryption_key;

  it('re-derives Hadoop\'s DataEncryptionKey from the key id and nonce (retrieveDataEncryptionKey); an unknown key id is DATA_TRANSFER_ENCRYPTION_KEY', () => {
    const f = vectors.formats.legacy;
    const keys = new BlockPoolTokens({ clock: new ManualClock(dek.expiryDate - 60_000) });
    keys.setKeys(BPID, exportedBlockKeysFromProto(decodeProto('hadoop.hdfs.ExportedBlockKeysProto', fromHex(f.exported_block_keys.ExportedBlockKeysProto_hex))));
    expect(Buffer.from(keys.dataEncryptionKey(dek.keyId, BPID, fromHex(dek.nonce_hex))).toString('hex')).to.equal(dek.encryptionKey_hex);
    throwsCode(() => keys.dataEncryptionKey(7, BPID, fromHex(dek.nonce_hex)), 'DATA_TRANSFER_ENCRYPTION_KEY');
    throwsCode(() => keys.dataEncryptionKey(dek.keyId, 'BP-unknown', fromHex(dek.nonce_hex)), 'DATA_TRANSFER_ENCRYPTION_KEY');
    const made = keys.generateDataEncryptionKey(BPID, '3des');
    expect(made.keyId).to.equal(dek.keyId);
    expect(Buffer.from(keys.dataEncryptionKey(made.keyId, BPID, made.nonce))).to.deep.equal(Buffer.from(made.encryptionKey));
  });

  it('addKeys: expired keys are dropped on an update, received keys added, an unknown key id is TOKEN_UNKNOWN', () => {
    const clock = new ManualClock(1_000_000);
    const keys = new BlockPoolTokens({ clock });
    const k1 = new DelegationKey(1, 2_000_000, Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 1));
    const k2 = new DelegationKey(2, 5_000_000, Uint8Array.of(2, 2, 2, 2, 2, 2, 2, 2));
    keys.setKeys('BP-1', { isBlockTokenEnabled: true, keyUpdateInterval: 1000, tokenLifetime: 1000, currentKey: k1, allKeys: [k1, k2] });
    const mint = (key: DelegationKey) => {
      const id = BlockTokenIdentifier.create({ expiryDate: 9_000_000, keyId: key.keyId, userId: 'alice', blockPoolId: 'BP-1', blockId: 5, modes: ['READ'], storageTypes: [], storageIds: [], handshakeMsg: new Uint8Array(0) });
      return { identifier: id.bytes, password: createPassword(id.bytes, key.key!) };
    };
    keys.checkAccess(mint(k1), undefined, { poolId: 'BP-1', blockId: 5 }, 'READ');
    clock.set(3_000_000); // k1 expired
    const k3 = new DelegationKey(3, 9_000_000, Uint8Array.of(3, 3, 3, 3, 3, 3, 3, 3));
    keys.setKeys('BP-1', { isBlockTokenEnabled: true, keyUpdateInterval: 1000, tokenLifetime: 1000, currentKey: k2, allKeys: [k2, k3] });
    expect(throwsCode(() => keys.checkAccess(mint(k1), undefined, { poolId: 'BP-1', blockId: 5 }, 'READ'), 'TOKEN_UNKNOWN').message).to.contain('(keyID=1) doesn\'t exist');
    keys.checkAccess(mint(k2), undefined, { poolId: 'BP-1', blockId: 5 }, 'READ');
    keys.checkAccess(mint(k3), undefined, { poolId: 'BP-1', blockId: 5 }, 'READ');
    expect(keys.isEnabled('BP-2')).to.equal(false);
    const otherPool = BlockTokenIdentifier.create({ expiryDate: 9_000_000, keyId: 3, userId: null, blockPoolId: 'BP-2', blockId: 5, modes: ['READ'], storageTypes: [], storageIds: [], handshakeMsg: new Uint8Array(0) });
    expect(throwsCode(() => keys.password(otherPool.bytes), 'TOKEN_UNKNOWN').message).to.contain('Block pool BP-2 is not found');
  });
});
