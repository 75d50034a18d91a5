/**
 * Block access token verification on the DataNode, behind one small interface the data port and
 * the NameNode link use (docs/datanode.md; Hadoop's BlockPoolTokenSecretManager over a
 * BlockTokenSecretManager in worker mode per block pool).
 *
 * `BlockPoolTokens` is Hadoop's BlockPoolTokenSecretManager: one worker-mode BlockTokenSecretManager
 * (security/token, the one rotating-key model every token type shares) per block pool, fed the keys
 * the NameNode exports at registration and in KeyUpdateCommands, and kept across re-registrations
 * so tokens issued before a NameNode restart keep working until their keys expire. Only
 * `BlockAccessVerifier` is used outside this file.
 */
import type { Clock } from '../../lib/time/clock.ts';
import { HsecError } from '../../lib/errors/index.ts';
import { InvalidEncryptionKeyError } from '../../security/datatransfer/errors.ts';
import type { BlockTokenCredentials, DataEncryptionKeyLike } from '../../security/datatransfer/credentials.ts';
import { BlockTokenIdentifier, HDFS_BLOCK_TOKEN_KIND, type AccessMode, type BlockStorageType } from '../../security/token/block-token-identifier.ts';
import { BlockTokenSecretManager, blockName as extendedBlockName } from '../../security/token/block-token-secret-manager.ts';
import type { ExportedBlockKeys } from '../../security/token/keys/exported-block-keys.ts';
import { Token } from '../../security/token/token.ts';
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
  /**
   * checkAccess(id, null, block, mode, null, null) for an identifier whose password the RPC
   * layer's DIGEST-MD5 already proved (ClientDatanodeProtocol): its fields only.
   */
  checkIdentifier(id: BlockTokenIdentifier, block: BlockRef, mode: AccessMode): void;
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
  /**
   * BlockPoolTokenSecretManager.generateToken: a block token this DataNode makes itself from the
   * current block key the NameNode exported (DataNode.DataTransfer's WRITE token for the targets
   * of a replication), for `userId` (the DataNode's own short user name), or InvalidTokenError
   * before the block pool has keys.
   */
  generateToken(userId: string | null, block: Required<BlockRef>, modes: readonly AccessMode[], storageTypes: readonly BlockStorageType[], storageIds: readonly string[]): BlockTokenCredentials;
}

/** `ExtendedBlock.toString()`: `BP-...:blk_<id>_<genstamp>`. */
export function blockName(b: BlockRef): string {
  return extendedBlockName({ ...b, generationStamp: b.generationStamp ?? 0 });
}

/** BlockPoolTokenSecretManager: a worker BlockTokenSecretManager per block pool (see the file comment). */
export class BlockPoolTokens implements BlockAccessVerifier {
  readonly #pools = new Map<string, { manager: BlockTokenSecretManager; enabled: boolean }>();
  readonly #clock: Clock | undefined;

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock;
  }

  isEnabled(blockPoolId: string): boolean {
    return this.#pools.get(blockPoolId)?.enabled ?? false;
  }

  setKeys(blockPoolId: string, keys: ExportedBlockKeys): void {
    let pool = this.#pools.get(blockPoolId);
    if (!pool) {
      const manager = BlockTokenSecretManager.worker({
        keyUpdateInterval: keys.keyUpdateInterval,
        tokenLifetime: keys.tokenLifetime,
        blockPoolId,
        ...(this.#clock ? { clock: this.#clock } : {}),
      });
      pool = { manager, enabled: keys.isBlockTokenEnabled };
      this.#pools.set(blockPoolId, pool);
    }
    pool.enabled = keys.isBlockTokenEnabled;
    pool.manager.addKeys(keys);
  }

  /** BlockPoolTokenSecretManager.get: "Block pool X is not found" (an op refused; for a password lookup, an unknown key). */
  #manager(blockPoolId: string, keyId: number, code: 'TOKEN_INVALID' | 'TOKEN_UNKNOWN'): BlockTokenSecretManager {
    const pool = this.#pools.get(blockPoolId);
    if (!pool) {
      throw invalidToken(code, `Block pool ${blockPoolId} is not found: this DataNode has no block keys for it (not registered with its NameNode yet)`, { keyId });
    }
    return pool.manager;
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
    this.#manager(block.poolId, id.keyId, 'TOKEN_INVALID').checkAccess(
      new Token(token.identifier, token.password, HDFS_BLOCK_TOKEN_KIND, ''),
      user ?? null,
      { poolId: block.poolId, blockId: block.blockId, generationStamp: block.generationStamp ?? 0 },
      mode,
      storageTypes,
      storageIds,
    );
  }

  checkIdentifier(id: BlockTokenIdentifier, block: BlockRef, mode: AccessMode): void {
    this.#manager(block.poolId, id.keyId, 'TOKEN_INVALID').checkIdentifier(id, null, { poolId: block.poolId, blockId: block.blockId, generationStamp: block.generationStamp ?? 0 }, mode);
  }

  password(identifier: Uint8Array): Uint8Array {
    const id = BlockTokenIdentifier.decode(identifier);
    return this.#manager(id.blockPoolId, id.keyId, 'TOKEN_UNKNOWN').retrievePassword(id);
  }

  dataEncryptionKey(keyId: number, blockPoolId: string, nonce: Uint8Array): Uint8Array {
    const pool = this.#pools.get(blockPoolId);
    if (!pool) throw new InvalidEncryptionKeyError(`Block pool ${blockPoolId} is not found`, { keyId, blockPoolId });
    try {
      return pool.manager.retrieveDataEncryptionKey(keyId, nonce);
    } catch (e) {
      throw e instanceof HsecError ? new InvalidEncryptionKeyError(e.message, { keyId, blockPoolId }, { cause: e }) : e;
    }
  }

  generateToken(userId: string | null, block: Required<BlockRef>, modes: readonly AccessMode[], storageTypes: readonly BlockStorageType[], storageIds: readonly string[]): BlockTokenCredentials {
    const token = this.#manager(block.poolId, 0, 'TOKEN_UNKNOWN').generateToken(userId, block, modes, storageTypes, storageIds);
    return { identifier: token.identifier, password: token.password };
  }

  generateDataEncryptionKey(blockPoolId: string, encryptionAlgorithm: string | undefined): DataEncryptionKeyLike & { expiryDate: number } {
    const pool = this.#pools.get(blockPoolId);
    if (!pool) throw new InvalidEncryptionKeyError(`No current block key for block pool ${blockPoolId}: not registered with its NameNode yet`, { blockPoolId });
    let key;
    try {
      key = pool.manager.generateDataEncryptionKey();
    } catch (e) {
      throw e instanceof HsecError ? new InvalidEncryptionKeyError(`No current block key for block pool ${blockPoolId}: ${e.message}`, { blockPoolId }, { cause: e }) : e;
    }
    return { ...key, encryptionAlgorithm };
  }
}
