/**
 * Block access token verification on the DataNode, behind one small interface the data port and
 * the NameNode link use (docs/datanode.md; Hadoop's BlockPoolTokenSecretManager over a
 * BlockTokenSecretManager in worker mode per block pool).
 *
 * `WorkerBlockKeys` is a deliberately minimal worker-mode implementation: the keys of each block
 * pool as the NameNode exports them (addKeys: drop expired keys, take the current key, add every
 * received key), HMAC-SHA1 passwords over the exact identifier bytes with the key the identifier
 * names, checkAccess in Hadoop's order with Hadoop's messages (user, pool, block id, expiry, mode,
 * then the storage types and ids of 3.x, then the password, compared in constant time), and the
 * data encryption keys of the encrypted handshake. The shared BlockTokenSecretManager of
 * security/token (master and worker modes on the one rotating-key model) replaces it at merge;
 * only `BlockAccessVerifier` is used outside this file.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/time/clock.ts';
import { systemClock } from '../../lib/time/clock.ts';
import { InvalidEncryptionKeyError } from '../../security/datatransfer/errors.ts';
import type { BlockTokenCredentials, DataEncryptionKeyLike } from '../../security/datatransfer/credentials.ts';
import { BlockTokenIdentifier, type AccessMode, type BlockStorageType } from '../../security/token/block-token-identifier.ts';
import type { BlockKey, ExportedBlockKeys } from '../../security/token/keys/exported-block-keys.ts';
import { createPassword, passwordsEqual } from '../../security/token/keys/hmac.ts';
import { invalidToken } from '../../security/token/token-errors.ts';

/** The block an op names (ExtendedBlock without its length). */
export interface BlockRef {
  readonly poolId: string;
  readonly blockId: number;
  readonly generationStamp?: number;
}

export interface BlockAccessVerifier {
  /** True once the NameNode of `blockPoolId` exported keys with isBlockTokenEnabled. */
  isEnabled(blockPoolId: string): boolean;
  /** Installs the keys of a registration response or a KeyUpdateCommand (BlockTokenSecretManager.addKeys). */
  setKeys(blockPoolId: string, keys: ExportedBlockKeys): void;
  /**
   * BlockPoolTokenSecretManager.checkAccess: throws InvalidTokenError (Hadoop's InvalidToken) when
   * the token does not grant `mode` on `block`. `user` is checked only when given (the data port
   * passes none, as DataXceiver does); `storageTypes` / `storageIds` only when non-empty.
   */
  checkAccess(
    token: BlockTokenCredentials, user: string | undefined, block: BlockRef, mode: AccessMode,
    storageTypes?: readonly BlockStorageType[], storageIds?: readonly string[],
  ): void;
  /** retrievePassword: the password of a block token identifier (general SASL handshake), or InvalidTokenError. */
  password(identifier: Uint8Array): Uint8Array;
  /** retrieveDataEncryptionKey: HMAC of the nonce with block key `keyId` (encrypted handshake), or InvalidEncryptionKeyError. */
  dataEncryptionKey(keyId: number, blockPoolId: string, nonce: Uint8Array): Uint8Array;
  /**
   * generateDataEncryptionKey: a key from the current block key, for this DataNode writing to the
   * next one of a pipeline with dfs.encrypt.data.transfer (`encryptionAlgorithm`: its
   * dfs.encrypt.data.transfer.algorithm).
   */
  generateDataEncryptionKey(blockPoolId: string, encryptionAlgorithm: string | undefined): DataEncryptionKeyLike;
}

interface PoolKeys {
  enabled: boolean;
  tokenLifetime: number;
  current: BlockKey;
  all: Map<number, BlockKey>;
}

/** `ExtendedBlock.toString()`: `BP-...:blk_<id>_<genstamp>`. */
export function blockName(b: BlockRef): string {
  return `${b.poolId}:blk_${b.blockId}_${b.generationStamp ?? 0}`;
}

/** Minimal worker-mode BlockTokenSecretManager per block pool (see the file comment). */
export class WorkerBlockKeys implements BlockAccessVerifier {
  readonly #pools = new Map<string, PoolKeys>();
  readonly #clock: Clock;

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  isEnabled(blockPoolId: string): boolean {
    return this.#pools.get(blockPoolId)?.enabled ?? false;
  }

  setKeys(blockPoolId: string, keys: ExportedBlockKeys): void {
    const now = this.#clock.now();
    const pool = this.#pools.get(blockPoolId) ?? { enabled: keys.isBlockTokenEnabled, tokenLifetime: keys.tokenLifetime, current: keys.currentKey, all: new Map() };
    for (const [id, k] of pool.all) if (k.expiryDate < now) pool.all.delete(id);
    pool.enabled = keys.isBlockTokenEnabled;
    pool.tokenLifetime = keys.tokenLifetime;
    pool.current = keys.currentKey;
    for (const k of keys.allKeys) pool.all.set(k.keyId, k);
    this.#pools.set(blockPoolId, pool);
  }

  checkAccess(
    token: BlockTokenCredentials, user: string | undefined, block: BlockRef, mode: AccessMode,
    storageTypes: readonly BlockStorageType[] = [], storageIds: readonly string[] = [],
  ): void {
    let id: BlockTokenIdentifier;
    try {
      id = BlockTokenIdentifier.decode(token.identifier);
    } catch (cause) {
      throw invalidToken('TOKEN_BAD_FORMAT', `Unable to de-serialize block token identifier for user=${user ?? null}, block=${blockName(block)}, access mode=${mode}`, { blockId: block.blockId }, cause);
    }
    const refuse = (why: string): never => {
      throw invalidToken('TOKEN_INVALID', `Block token with ${id.toString()} ${why}`, { blockId: block.blockId, keyId: id.keyId, mode });
    };
    if (user !== undefined && user !== id.userId) refuse(`doesn't belong to user ${user}`);
    if (id.blockPoolId !== block.poolId) refuse(`doesn't apply to block ${blockName(block)}`);
    if (id.blockId !== block.blockId) refuse(`doesn't apply to block ${blockName(block)}`);
    if (this.#expired(id.expiryDate)) {
      throw invalidToken('TOKEN_EXPIRED', `Block token with ${id.toString()} is expired.`, { blockId: block.blockId, keyId: id.keyId });
    }
    if (!id.modes.includes(mode)) refuse(`doesn't have ${mode} permission`);
    if (storageTypes.length > 0) checkContains(id.storageTypes, storageTypes, 'StorageTypes');
    if (storageIds.length > 0) checkContains(id.storageIds, storageIds, 'StorageIDs');
    if (!passwordsEqual(this.#retrieve(id), token.password)) refuse("doesn't have the correct token password");
  }

  password(identifier: Uint8Array): Uint8Array {
    return this.#retrieve(BlockTokenIdentifier.decode(identifier));
  }

  dataEncryptionKey(keyId: number, blockPoolId: string, nonce: Uint8Array): Uint8Array {
    const pool = this.#pools.get(blockPoolId);
    if (!pool) throw new InvalidEncryptionKeyError(`Block pool ${blockPoolId} is not found`, { keyId, blockPoolId });
    const key = pool.all.get(keyId);
    if (!key?.key) {
      throw new InvalidEncryptionKeyError(`Can't re-compute encryption key for nonce, since the required block key (keyID=${keyId}) doesn't exist. Current key: ${pool.current.keyId}`, { keyId, blockPoolId });
    }
    return createPassword(nonce, key.key);
  }

  generateDataEncryptionKey(blockPoolId: string, encryptionAlgorithm: string | undefined): DataEncryptionKeyLike & { expiryDate: number } {
    const pool = this.#pools.get(blockPoolId);
    if (!pool?.current.key) throw new InvalidEncryptionKeyError(`No current block key for block pool ${blockPoolId}: not registered with its NameNode yet`, { blockPoolId });
    const nonce = new Uint8Array(randomBytes(8));
    return {
      keyId: pool.current.keyId, blockPoolId, nonce, encryptionKey: createPassword(nonce, pool.current.key),
      expiryDate: this.#clock.now() + pool.tokenLifetime, encryptionAlgorithm,
    };
  }

  /** BlockTokenSecretManager.retrievePassword: expiry first, then the key the identifier names. */
  #retrieve(id: BlockTokenIdentifier): Uint8Array {
    if (this.#expired(id.expiryDate)) throw invalidToken('TOKEN_EXPIRED', `Block token with ${id.toString()} is expired.`, { keyId: id.keyId });
    const pool = this.#pools.get(id.blockPoolId);
    if (!pool) throw invalidToken('TOKEN_UNKNOWN', `Block pool ${id.blockPoolId} is not found: this DataNode has no block keys for it (not registered with its NameNode yet)`, { keyId: id.keyId });
    const key = pool.all.get(id.keyId);
    if (!key?.key) {
      throw invalidToken('TOKEN_UNKNOWN', `Can't re-compute password for ${id.toString()}, since the required block key (keyID=${id.keyId}) doesn't exist.`, { keyId: id.keyId });
    }
    return createPassword(id.bytes, key.key);
  }

  #expired(expiryDate: number): boolean {
    return this.#clock.now() > expiryDate;
  }
}

/**
 * BlockTokenSecretManager.checkAccess(candidates, requested, msg): every requested value must be
 * matched by a distinct candidate (a multiset); no candidates = no restriction.
 */
function checkContains<T extends string>(candidates: readonly T[], requested: readonly T[], what: string): void {
  if (candidates.length === 0) return;
  const left = [...candidates];
  for (const r of requested) {
    const at = left.indexOf(r);
    if (at < 0) {
      throw invalidToken('TOKEN_INVALID', `Block token with ${what} [${candidates.join(', ')}] not valid for access with ${what} [${requested.join(', ')}]`, { what });
    }
    left.splice(at, 1);
  }
}
