// BlockTokenSecretManager in master (NameNode) and worker (DataNode) mode: Hadoop 3.4.1's own
// tokens, keys and DataEncryptionKey reproduced byte for byte from the same clock, serial number and
// key bytes (test/vectors/block-token-identifiers.json), then the checks a DataNode makes with the
// keys the NameNode exports: forged, expired, wrong-block, wrong-user, wrong-mode and wrong-storage
// tokens, key rotation with a ManualClock, and a worker that lost or never had the signing key.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ManualClock } from '../../../lib/time/clock.ts';
import { BlockTokenSecretManager, INVALID_ENCRYPTION_KEY_CLASS } from '../../../security/token/block-token-secret-manager.ts';
import type { AccessMode, BlockStorageType, BlockTokenFormat } from '../../../security/token/block-token-identifier.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';
import { Token } from '../../../security/token/token.ts';
import { INVALID_TOKEN_CLASS } from '../../../security/token/token-errors.ts';
import { exportedBlockKeysFromProto } from '../../../cluster/protocol/datanode-protocol.ts';
import { decodeProto } from '../../../cluster/protocol/hdfs-proto.ts';
import type { ExportedBlockKeysProtoObject } from '../../../cluster/protocol/hdfs-types.ts';
import { expectCode } from '../../support/expect-code.ts';

const V = JSON.parse(readFileSync(new URL('../../vectors/block-token-identifiers.json', import.meta.url), 'utf8'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const MIN = 60_000;
const INTERVAL = 600 * MIN;
const LIFETIME = 600 * MIN;
const POOL = 'BP-1234567890-127.0.0.1-1700000000000';

/** A random source handing out the given byte strings in order (key bytes, then a nonce). */
function scripted(...chunks: string[]): (n: number) => Uint8Array {
  return (n) => {
    const next = chunks.shift();
    if (!next) throw new Error('no more scripted random bytes');
    const b = unhex(next);
    expect(b.length).to.equal(n);
    return b;
  };
}

/** Parses the vector's `call` text: user, block id, generation stamp, modes, storage types and ids. */
function parseCall(call: string): { user: string | null; blockId: number; gs: number; modes: AccessMode[]; types: BlockStorageType[]; ids: string[] } {
  const m = /generateToken\((null|"(\w+)"), new ExtendedBlock\("[^"]+", (\d+)L, \d+L, (\d+)L\), EnumSet\.of\(([A-Z, ]+)\), (null|\{[^}]*\}), (null|\{[^}]*\})\)/.exec(call)!;
  const list = (s: string) => (s === 'null' ? [] : s.slice(1, -1).split(', ').filter(Boolean));
  return { user: m[2] ?? null, blockId: Number(m[3]), gs: Number(m[4]), modes: m[5]!.split(', ') as AccessMode[], types: list(m[6]!) as BlockStorageType[], ids: list(m[7]!) };
}

for (const format of ['legacy', 'protobuf'] as BlockTokenFormat[]) {
  const f = V.formats[format];
  const current = f.secret_manager.currentKey;
  const keys = f.exported_block_keys.allKeys as { keyId: number; key_hex: string }[];
  const next = keys.find((k) => k.keyId !== current.keyId)!;
  const start = current.expiryDate - 2 * INTERVAL - LIFETIME;

  describe(`token/BlockTokenSecretManager master reproduces Hadoop 3.4.1 (${format})`, () => {
    const clock = new ManualClock(start);
    const master = BlockTokenSecretManager.master({
      keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, format, clock,
      initialSerial: current.keyId - 1, random: scripted(current.key_hex, next.key_hex),
    });

    it('current and next keys: ids from the serial, expiry now + 2/3 intervals + lifetime', () => {
      const exported = master.exportKeys();
      const want = exportedBlockKeysFromProto(decodeProto<ExportedBlockKeysProtoObject>('hadoop.hdfs.ExportedBlockKeysProto', unhex(f.exported_block_keys.ExportedBlockKeysProto_hex)));
      expect(exported.currentKey).to.deep.equal(want.currentKey);
      const byId = (a: { keyId: number }, b: { keyId: number }) => a.keyId - b.keyId;
      expect([...exported.allKeys].sort(byId)).to.deep.equal([...want.allKeys].sort(byId));
      expect([exported.isBlockTokenEnabled, exported.keyUpdateInterval, exported.tokenLifetime]).to.deep.equal([true, INTERVAL, LIFETIME]);
    });

    for (const t of f.tokens) {
      it(`${t.name}: identifier and password equal the NameNode's, and a worker with the exported keys accepts it`, () => {
        const c = parseCall(t.call);
        clock.set(t.identifier.expiryDate - LIFETIME);
        const block = { poolId: POOL, blockId: c.blockId, generationStamp: c.gs };
        const token = master.generateToken(c.user, block, c.modes, c.types, c.ids);
        expect(hex(token.identifier)).to.equal(t.identifier_hex);
        expect(hex(token.password)).to.equal(t.password_hex);
        expect([token.kind, token.service]).to.deep.equal(['HDFS_BLOCK_TOKEN', '']);

        const worker = BlockTokenSecretManager.worker({ keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, clock });
        worker.addKeys(exportedBlockKeysFromProto(decodeProto('hadoop.hdfs.ExportedBlockKeysProto', unhex(f.exported_block_keys.ExportedBlockKeysProto_hex))));
        const vendor = new Token(unhex(t.identifier_hex), unhex(t.password_hex), 'HDFS_BLOCK_TOKEN', '');
        for (const mode of c.modes) worker.checkAccess(vendor, null, block, mode, c.types.slice(0, 1), c.ids.slice(0, 1));
        if (t.datanode_checkAccess_WRITE_rejected) {
          const e = expectCode(() => worker.checkAccess(vendor, null, block, 'WRITE'), 'TOKEN_INVALID');
          expect(`${e.details['exceptionClassName']}: ${e.message}`).to.equal(t.datanode_checkAccess_WRITE_rejected);
        }
      });
    }

    if (format === 'legacy') {
      it('DataEncryptionKey: HMAC of the nonce with the current key, expiry now + lifetime; the worker re-derives it', () => {
        const d = V.data_encryption_key;
        const own = new ManualClock(start);
        const sm = BlockTokenSecretManager.master({
          keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, clock: own,
          initialSerial: current.keyId - 1, random: scripted(current.key_hex, next.key_hex, d.nonce_hex),
        });
        own.set(d.expiryDate - LIFETIME);
        const dek = sm.generateDataEncryptionKey();
        expect(dek.expiryDate).to.equal(d.expiryDate);
        expect(dek.keyId).to.equal(d.keyId);
        expect(dek.blockPoolId).to.equal(POOL);
        expect(hex(dek.nonce)).to.equal(d.nonce_hex);
        expect(hex(dek.encryptionKey)).to.equal(d.encryptionKey_hex);
        expect(dek.encryptionAlgorithm).to.equal(undefined);
        const worker = BlockTokenSecretManager.worker({ keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, clock: own });
        worker.addKeys(sm.exportKeys());
        expect(hex(worker.retrieveDataEncryptionKey(d.keyId, unhex(d.nonce_hex)))).to.equal(d.encryptionKey_hex);
        const e = expectCode(() => worker.retrieveDataEncryptionKey(12345, unhex(d.nonce_hex)), 'TOKEN_UNKNOWN');
        expect(e.details['exceptionClassName']).to.equal(INVALID_ENCRYPTION_KEY_CLASS);
        expect(e.message).to.equal(`Can't re-compute encryption key for nonce, since the required block key (keyID=12345) doesn't exist. Current key: ${d.keyId}`);
      });
    }
  });
}

describe('token/BlockTokenSecretManager checks and rotation', () => {
  const block = { poolId: POOL, blockId: 1073741825, generationStamp: 1001 };
  let clock: ManualClock;
  let nn: BlockTokenSecretManager;
  let dn: BlockTokenSecretManager;

  beforeEach(() => {
    clock = new ManualClock(1_700_000_000_000);
    nn = BlockTokenSecretManager.master({ keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, clock });
    dn = BlockTokenSecretManager.worker({ keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, clock });
    dn.addKeys(nn.exportKeys());
  });

  it('refuses the wrong user, pool, block, mode and storage with Hadoop\'s InvalidToken messages', () => {
    const t = nn.generateToken('alice', block, ['READ'], ['DISK'], ['DS-1']);
    const id = BlockTokenIdentifier.decode(t.identifier).toString();
    dn.checkAccess(t, 'alice', block, 'READ', ['DISK'], ['DS-1']);
    dn.checkAccess(t, null, block, 'READ');
    const cases: [() => unknown, string][] = [
      [() => dn.checkAccess(t, 'bob', block, 'READ'), `Block token with ${id} doesn't belong to user bob`],
      [() => dn.checkAccess(t, null, { ...block, blockId: 1073741826 }, 'READ'), `Block token with ${id} doesn't apply to block ${POOL}:blk_1073741826_1001`],
      [() => dn.checkAccess(t, null, { ...block, poolId: 'BP-other' }, 'READ'), `Block token with ${id} doesn't apply to block BP-other:blk_1073741825_1001`],
      [() => dn.checkAccess(t, null, block, 'WRITE'), `Block token with ${id} doesn't have WRITE permission`],
      [() => dn.checkAccess(t, null, block, 'READ', ['SSD']), 'Block token with StorageTypes [DISK] not valid for access with StorageTypes [SSD]'],
      [() => dn.checkAccess(t, null, block, 'READ', ['DISK'], ['DS-1', 'DS-1']), 'Block token with StorageIDs [DS-1] not valid for access with StorageIDs [DS-1, DS-1]'],
    ];
    for (const [fn, message] of cases) {
      const e = expectCode(fn, 'TOKEN_INVALID');
      expect(e.message).to.equal(message);
      expect(e.details['exceptionClassName']).to.equal(INVALID_TOKEN_CLASS);
    }
  });

  it('refuses a forged password, a tampered identifier and garbage', () => {
    const t = nn.generateToken('alice', block, ['READ', 'WRITE']);
    const forged = new Token(t.identifier, Uint8Array.from(t.password, (b, i) => (i === 0 ? b ^ 1 : b)), t.kind, t.service);
    expect(expectCode(() => dn.checkAccess(forged, null, block, 'READ'), 'TOKEN_INVALID').message).to.match(/doesn't have the correct token password$/);
    // the same identifier with COPY added: a different HMAC input, so the original password fails
    const id = BlockTokenIdentifier.decode(t.identifier);
    const widened = BlockTokenIdentifier.create({ ...id, modes: ['READ', 'WRITE', 'COPY'] });
    expectCode(() => dn.checkAccess(new Token(widened.bytes, t.password, t.kind, ''), null, block, 'COPY'), 'TOKEN_INVALID');
    const e = expectCode(() => dn.checkAccess(new Token(Uint8Array.of(0x8a, 1), t.password, t.kind, ''), 'alice', block, 'READ'), 'TOKEN_BAD_FORMAT');
    expect(e.message).to.equal(`Unable to de-serialize block token identifier for user=alice, block=${POOL}:blk_1073741825_1001, access mode=READ`);
  });

  it('a token expires after the lifetime; one signed with a key the worker never got is refused', () => {
    const t = nn.generateToken('alice', block, ['READ']);
    clock.advance(LIFETIME);
    dn.checkAccess(t, null, block, 'READ');
    clock.advance(1);
    expect(expectCode(() => dn.checkAccess(t, null, block, 'READ'), 'TOKEN_EXPIRED').message).to.match(/ is expired\.$/);

    const other = BlockTokenSecretManager.master({ keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, clock });
    const foreign = other.generateToken('alice', block, ['READ']);
    const keyId = BlockTokenIdentifier.decode(foreign.identifier).keyId;
    expect(expectCode(() => dn.checkAccess(foreign, null, block, 'READ'), 'TOKEN_UNKNOWN').message).to.contain(`since the required block key (keyID=${keyId}) doesn't exist.`);
    expect(() => BlockTokenSecretManager.worker({ keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, clock }).generateToken(null, block, ['READ'])).to.throw(/currentKey hasn't been initialized/);
  });

  it('rolls every interval: next becomes current, the retired key stays for interval + lifetime, expired keys go', () => {
    const [k1, k2] = [nn.currentKeyId, nn.exportKeys().allKeys.find((k) => k.keyId !== nn.currentKeyId)!.keyId];
    expect(k2).to.equal(k1 + 1);
    clock.advance(INTERVAL);
    expect(nn.updateKeysIfDue()).to.equal(false); // not more than the interval yet
    const old = nn.generateToken('alice', block, ['READ']); // signed with k1, the key about to retire
    clock.advance(1);
    expect(nn.updateKeysIfDue()).to.equal(true);
    expect(nn.currentKeyId).to.equal(k2);
    const rolled = nn.exportKeys();
    expect(rolled.allKeys.map((k) => k.keyId).sort()).to.deep.equal([k1, k2, k2 + 1].sort());
    const now = clock.now();
    expect(rolled.allKeys.find((k) => k.keyId === k1)!.expiryDate).to.equal(now + INTERVAL + LIFETIME);
    expect(rolled.currentKey.expiryDate).to.equal(now + 2 * INTERVAL + LIFETIME);
    expect(rolled.allKeys.find((k) => k.keyId === k2 + 1)!.expiryDate).to.equal(now + 3 * INTERVAL + LIFETIME);

    // A DataNode that missed the roll still verifies new tokens: it already held the next key.
    const fresh = nn.generateToken('alice', block, ['READ']);
    dn.checkAccess(fresh, null, block, 'READ');
    dn.addKeys(rolled);
    dn.checkAccess(old, null, block, 'READ');
    expect(dn.currentKeyId).to.equal(k2);

    // Two more rolls later the first key has expired and is dropped on both sides.
    clock.advance(INTERVAL + 1);
    nn.updateKeysIfDue();
    clock.advance(INTERVAL + 1);
    nn.updateKeysIfDue();
    expect(nn.allKeys().map((k) => k.keyId)).to.not.include(k1);
    dn.addKeys(nn.exportKeys());
    expect(dn.allKeys().map((k) => k.keyId)).to.not.include(k1);
    expect(dn.allKeys().map((k) => k.keyId)).to.include(k2 + 2);
  });

  it('key ids stay in the NameNode\'s range across the wrap (HA positions)', () => {
    const range = Math.floor(0x7fffffff / 2);
    const second = BlockTokenSecretManager.master({ keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, clock, nnIndex: 1, numNameNodes: 2, initialSerial: range - 2 });
    const ids = second.allKeys().map((k) => k.keyId).sort((a, b) => a - b);
    expect(ids).to.deep.equal([range * 1 + range - 1, range * 1].sort((a, b) => a - b)); // serial wraps to the range start
    for (let i = 0; i < 3; i++) {
      clock.advance(INTERVAL + 1);
      second.updateKeysIfDue();
    }
    for (const k of second.allKeys()) expect(k.keyId).to.be.within(range, 2 * range - 1);
    expect(() => BlockTokenSecretManager.master({ keyUpdateInterval: INTERVAL, tokenLifetime: LIFETIME, blockPoolId: POOL, nnIndex: 2, numNameNodes: 2 })).to.throw(RangeError);
  });
});
