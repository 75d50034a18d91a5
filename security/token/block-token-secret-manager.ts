/**
 * Block access tokens, with the behaviour of Hadoop's `BlockTokenSecretManager` (hadoop-hdfs
 * security/token/block/BlockTokenSecretManager.java), on the shared
 * rotating-key model (keys/key-ring.ts) and HMAC helpers (keys/hmac.ts):
 *
 *  - master mode (the NameNode): creates a current key (expiry `now + 2·interval + lifetime`) and a
 *    next key (`now + 3·interval + lifetime`); every `keyUpdateInterval` the current key retires to
 *    `now + interval + lifetime`, the next key becomes current and a new next key is made. Key ids
 *    come from a serial number kept in this NameNode's range (`Integer.MAX_VALUE / numNNs` wide,
 *    starting at a random point), so the NameNodes of an HA pair never issue the same id. Keys live
 *    only in memory, as in Hadoop: a restarted NameNode makes new ones and its DataNodes, which keep
 *    the old ones until they expire, get them when they register again.
 *  - worker mode (a DataNode): imports the NameNode's `ExportedBlockKeys` (`addKeys`) and verifies.
 *
 * Both modes verify (`checkAccess`: user, block pool, block id, expiry, access mode, storage types
 * and ids, then the HMAC recomputed with the key the identifier names, compared in constant time)
 * and both derive data-transfer encryption keys (`DataEncryptionKey`: HMAC of an 8-byte nonce with
 * the current block key; the DataNode re-derives it from key id and nonce). Refusals are
 * `SecretManager$InvalidToken` with Hadoop's messages.
 */
import { randomInt } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { HsecError, InvalidTokenError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { systemClock, type Clock } from '../../lib/time/clock.ts';
import { BlockTokenIdentifier, HDFS_BLOCK_TOKEN_KIND } from './block-token-identifier.ts';
import type { AccessMode, BlockStorageType, BlockTokenFormat } from './block-token-identifier.ts';
import { DelegationKey } from './keys/delegation-key.ts';
import type { ExportedBlockKeys } from './keys/exported-block-keys.ts';
import { createPassword, cryptoRandom, generateSecret, passwordsEqual, type RandomSource } from './keys/hmac.ts';
import { KeyRing } from './keys/key-ring.ts';
import { invalidToken } from './token-errors.ts';
import { Token } from './token.ts';

/** Hadoop's `InvalidEncryptionKeyException` (an IOException the data-transfer handshake reports as ERROR_UNKNOWN_KEY). */
export const INVALID_ENCRYPTION_KEY_CLASS = 'org.apache.hadoop.hdfs.protocol.datatransfer.InvalidEncryptionKeyException';

const INT_MAX = 0x7fffffff;
const keyRolled = channel('hsec:token:key-rolled');
const log = getLogger('token.block');

/** The block a token is for: the fields of an ExtendedBlock the checks use (cluster/protocol ExtendedBlock fits). */
export interface BlockRef {
  poolId: string;
  blockId: number;
  generationStamp: number;
}

/** A key for encrypting DataTransferProtocol traffic (DataEncryptionKeyProto in hdfs.proto). */
export interface DataEncryptionKey {
  keyId: number;
  blockPoolId: string;
  nonce: Uint8Array;
  encryptionKey: Uint8Array;
  /** ms since epoch */
  expiryDate: number;
  /** dfs.encrypt.data.transfer.algorithm; absent = the SASL default */
  encryptionAlgorithm?: string;
}

export interface BlockTokenSecretManagerOptions {
  /** ms between key rolls (dfs.block.access.key.update.interval, given there in minutes) */
  keyUpdateInterval: number;
  /** ms a token is valid (dfs.block.access.token.lifetime, given there in minutes) */
  tokenLifetime: number;
  blockPoolId: string;
  /** dfs.encrypt.data.transfer.algorithm, copied into data encryption keys */
  encryptionAlgorithm?: string;
  /** identifier layout of issued tokens (dfs.block.access.token.protobuf.enable); default legacy */
  format?: BlockTokenFormat;
  clock?: Clock;
  random?: RandomSource;
}

export interface MasterOptions extends BlockTokenSecretManagerOptions {
  /** This NameNode's index among `numNameNodes` (HA); default 0 of 1. */
  nnIndex?: number;
  numNameNodes?: number;
  /** Starting serial number (default: random in [0, Integer.MAX_VALUE)), e.g. to reproduce Hadoop's vectors. */
  initialSerial?: number;
}

export type BlockTokenMode = 'master' | 'worker';

export class BlockTokenSecretManager {
  readonly mode: BlockTokenMode;
  readonly keyUpdateInterval: number;
  readonly tokenLifetime: number;
  readonly format: BlockTokenFormat;
  readonly #keys = new KeyRing();
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #encryptionAlgorithm: string | undefined;
  readonly #intRange: number;
  readonly #rangeStart: number;
  #blockPoolId: string;
  #serial = 0;
  #lastRoll = 0;

  private constructor(mode: BlockTokenMode, o: BlockTokenSecretManagerOptions, nnIndex = 0, numNNs = 1) {
    if (!(o.keyUpdateInterval > 0) || !(o.tokenLifetime > 0)) {
      throw new RangeError(`block key update interval and token lifetime must be positive ms (got ${o.keyUpdateInterval}, ${o.tokenLifetime})`);
    }
    if (!Number.isInteger(nnIndex) || !Number.isInteger(numNNs) || numNNs < 1 || nnIndex < 0 || nnIndex >= numNNs) {
      throw new RangeError(`NameNode index ${nnIndex} of ${numNNs} is not a valid HA position`);
    }
    this.mode = mode;
    this.keyUpdateInterval = o.keyUpdateInterval;
    this.tokenLifetime = o.tokenLifetime;
    this.format = o.format ?? 'legacy';
    this.#blockPoolId = o.blockPoolId;
    this.#encryptionAlgorithm = o.encryptionAlgorithm;
    this.#clock = o.clock ?? systemClock;
    this.#random = o.random ?? cryptoRandom;
    this.#intRange = Math.floor(INT_MAX / numNNs);
    this.#rangeStart = this.#intRange * nnIndex;
  }

  /** The NameNode's manager: generates its first current and next keys at once. */
  static master(o: MasterOptions): BlockTokenSecretManager {
    const sm = new BlockTokenSecretManager('master', o, o.nnIndex, o.numNameNodes);
    sm.#setSerial(o.initialSerial ?? randomInt(0, INT_MAX));
    const now = sm.#clock.now();
    sm.#keys.setCurrent(sm.#newKey(now + 2 * sm.keyUpdateInterval + sm.tokenLifetime), sm.#newKey(now + 3 * sm.keyUpdateInterval + sm.tokenLifetime));
    sm.#lastRoll = now;
    log.info({ range: [sm.#rangeStart, sm.#rangeStart + sm.#intRange], currentKeyId: sm.currentKeyId }, 'block token keys generated');
    return sm;
  }

  /** A DataNode's manager: holds no key until `addKeys`. */
  static worker(o: BlockTokenSecretManagerOptions): BlockTokenSecretManager {
    return new BlockTokenSecretManager('worker', o);
  }

  get blockPoolId(): string {
    return this.#blockPoolId;
  }

  /** `setBlockPoolId` (the NameNode learns its pool id after loading its namespace). */
  setBlockPoolId(id: string): void {
    this.#blockPoolId = id;
  }

  /** Id of the key that signs new tokens (0 before a worker has keys). */
  get currentKeyId(): number {
    return this.#keys.current?.keyId ?? 0;
  }

  /** Every key held (for inspection and tests; never log key bytes). */
  allKeys(): DelegationKey[] {
    return this.#keys.all();
  }

  /** `setSerialNo`: keeps the serial inside this NameNode's range. */
  #setSerial(n: number): void {
    this.#serial = (n % this.#intRange) + this.#rangeStart;
  }

  #newKey(expiryDate: number): DelegationKey {
    this.#setSerial(this.#serial + 1);
    return new DelegationKey(this.#serial, expiryDate, generateSecret(this.#random));
  }

  /** `exportKeys` (master): what registration responses and KeyUpdateCommands carry. */
  exportKeys(): ExportedBlockKeys {
    const current = this.#keys.current;
    if (this.mode !== 'master' || !current) {
      throw new HsecError('SERVICE_NOT_RUNNING', 'Only the NameNode (master) block token manager exports keys', { mode: this.mode });
    }
    return { isBlockTokenEnabled: true, keyUpdateInterval: this.keyUpdateInterval, tokenLifetime: this.tokenLifetime, currentKey: current, allKeys: this.#keys.all() };
  }

  /** `addKeys` (worker): installs the NameNode's current key and adds all its keys; ignored in master mode, as in Hadoop. */
  addKeys(exported: ExportedBlockKeys): void {
    if (this.mode !== 'worker') return;
    this.#keys.install(exported.currentKey, exported.allKeys.filter((k) => k.key !== null), this.#clock.now());
    log.info({ blockPoolId: this.#blockPoolId, currentKeyId: exported.currentKey.keyId, keys: this.#keys.size }, 'block keys set');
  }

  /** `updateKeys(updateTime)`: rolls when more than `keyUpdateInterval` passed since the last roll (master). Returns whether it rolled. */
  updateKeysIfDue(): boolean {
    if (this.mode !== 'master' || this.#clock.now() - this.#lastRoll <= this.keyUpdateInterval) return false;
    this.rollKeys();
    return true;
  }

  /** `updateKeys()`: drop expired keys, retire current, promote next, generate a new next (master). */
  rollKeys(): void {
    if (this.mode !== 'master') return;
    const now = this.#clock.now();
    const next = this.#keys.next!;
    const plan = this.#keys.planRoll(now, this.keyUpdateInterval + this.tokenLifetime);
    const promoted = new DelegationKey(next.keyId, now + 2 * this.keyUpdateInterval + this.tokenLifetime, next.key);
    this.#keys.applyRoll(plan, promoted, this.#newKey(now + 3 * this.keyUpdateInterval + this.tokenLifetime));
    this.#lastRoll = now;
    log.info({ currentKeyId: promoted.keyId, removed: plan.removed.length }, 'updated block keys');
    if (keyRolled.hasSubscribers) keyRolled.publish({ kind: HDFS_BLOCK_TOKEN_KIND, keyId: promoted.keyId, expiryDate: promoted.expiryDate });
  }

  /**
   * `generateToken(userId, block, modes, storageTypes, storageIds)`: expiry `now + tokenLifetime`,
   * the current key's id, the password = HMAC-SHA1 over the identifier bytes; kind HDFS_BLOCK_TOKEN,
   * empty service. `userId` is the caller's short name (null for DataNode-to-DataNode tokens).
   */
  generateToken(userId: string | null, block: BlockRef, modes: readonly AccessMode[], storageTypes: readonly BlockStorageType[] = [], storageIds: readonly string[] = []): Token {
    const key = this.#currentKey();
    const id = BlockTokenIdentifier.create({
      expiryDate: this.#clock.now() + this.tokenLifetime,
      keyId: key.keyId,
      userId,
      blockPoolId: block.poolId,
      blockId: block.blockId,
      modes,
      storageTypes,
      storageIds,
      handshakeMsg: new Uint8Array(0),
    }, this.format);
    return new Token(id.bytes, createPassword(id.bytes, key.key!), HDFS_BLOCK_TOKEN_KIND, '');
  }

  #currentKey(): DelegationKey {
    const key = this.#keys.current;
    if (!key?.key) throw new InvalidTokenError('TOKEN_UNKNOWN', 'currentKey hasn\'t been initialized: the DataNode has no block keys from its NameNode yet', { blockPoolId: this.#blockPoolId });
    return key;
  }

  /**
   * `checkAccess(id, userId, block, mode, storageTypes, storageIds)` without the password: the
   * fields of an identifier whose password was checked elsewhere. `userId` null = not checked (DataNodes).
   */
  checkIdentifier(id: BlockTokenIdentifier, userId: string | null, block: BlockRef, mode: AccessMode, storageTypes: readonly BlockStorageType[] = [], storageIds: readonly string[] = []): void {
    const with_ = `Block token with ${id.toString()}`;
    const details = { keyId: id.keyId, blockId: block.blockId, mode };
    if (userId !== null && userId !== id.userId) throw invalidToken('TOKEN_INVALID', `${with_} doesn't belong to user ${userId}`, details);
    if (id.blockPoolId !== block.poolId || id.blockId !== block.blockId) {
      throw invalidToken('TOKEN_INVALID', `${with_} doesn't apply to block ${blockName(block)}`, details);
    }
    if (this.#expired(id.expiryDate)) throw invalidToken('TOKEN_EXPIRED', `${with_} is expired.`, { ...details, expiryDate: id.expiryDate });
    if (!id.modes.includes(mode)) throw invalidToken('TOKEN_INVALID', `${with_} doesn't have ${mode} permission`, details);
    if (storageTypes.length > 0) checkContained(id.storageTypes, storageTypes, 'StorageTypes');
    if (storageIds.length > 0) checkContained(id.storageIds, storageIds, 'StorageIDs');
  }

  /**
   * `checkAccess(token, userId, block, mode, storageTypes, storageIds)`: decodes the identifier,
   * checks its fields, then recomputes the password with the key it names (constant-time compare).
   */
  checkAccess(token: Token, userId: string | null, block: BlockRef, mode: AccessMode, storageTypes: readonly BlockStorageType[] = [], storageIds: readonly string[] = []): BlockTokenIdentifier {
    let id: BlockTokenIdentifier;
    try {
      id = BlockTokenIdentifier.decode(token.identifier);
    } catch (e) {
      throw invalidToken('TOKEN_BAD_FORMAT', `Unable to de-serialize block token identifier for user=${userId}, block=${blockName(block)}, access mode=${mode}`, { blockId: block.blockId, mode }, e);
    }
    this.checkIdentifier(id, userId, block, mode, storageTypes, storageIds);
    if (!passwordsEqual(this.retrievePassword(id), token.password)) {
      throw invalidToken('TOKEN_INVALID', `Block token with ${id.toString()} doesn't have the correct token password`, { keyId: id.keyId, blockId: block.blockId });
    }
    return id;
  }

  /** `retrievePassword`: HMAC of the identifier with the key it names; expired or unknown-key tokens are InvalidToken. */
  retrievePassword(id: BlockTokenIdentifier): Uint8Array {
    if (this.#expired(id.expiryDate)) throw invalidToken('TOKEN_EXPIRED', `Block token with ${id.toString()} is expired.`, { keyId: id.keyId, expiryDate: id.expiryDate });
    const key = this.#keys.get(id.keyId);
    if (!key?.key) {
      throw invalidToken('TOKEN_UNKNOWN', `Can't re-compute password for ${id.toString()}, since the required block key (keyID=${id.keyId}) doesn't exist.`, { keyId: id.keyId });
    }
    return createPassword(id.bytes, key.key);
  }

  /** `generateDataEncryptionKey`: a fresh nonce, HMAC'ed with the current block key. */
  generateDataEncryptionKey(): DataEncryptionKey {
    const key = this.#currentKey();
    const nonce = this.#random(8);
    return {
      keyId: key.keyId,
      blockPoolId: this.#blockPoolId,
      nonce,
      encryptionKey: createPassword(nonce, key.key!),
      expiryDate: this.#clock.now() + this.tokenLifetime,
      ...(this.#encryptionAlgorithm ? { encryptionAlgorithm: this.#encryptionAlgorithm } : {}),
    };
  }

  /** `retrieveDataEncryptionKey(keyId, nonce)`: the DataNode's side; an unknown key is InvalidEncryptionKeyException. */
  retrieveDataEncryptionKey(keyId: number, nonce: Uint8Array): Uint8Array {
    const key = this.#keys.get(keyId);
    if (!key?.key) {
      throw new InvalidTokenError('TOKEN_UNKNOWN', `Can't re-compute encryption key for nonce, since the required block key (keyID=${keyId}) doesn't exist. Current key: ${this.currentKeyId}`, {
        keyId, exceptionClassName: INVALID_ENCRYPTION_KEY_CLASS,
      });
    }
    return createPassword(nonce, key.key);
  }

  #expired(expiryDate: number): boolean {
    return this.#clock.now() > expiryDate;
  }
}

/** Hadoop's ExtendedBlock.toString: `<pool>:blk_<id>_<generation stamp>`. */
export function blockName(b: BlockRef): string {
  return `${b.poolId}:blk_${b.blockId}_${b.generationStamp}`;
}

/** The static `checkAccess(candidates, requested, msg)`: each requested value must be matched by a distinct candidate (a multiset). */
function checkContained(candidates: readonly string[], requested: readonly string[], what: string): void {
  if (candidates.length === 0) return;
  const left = [...candidates];
  for (const r of requested) {
    const i = left.indexOf(r);
    if (i < 0) {
      throw invalidToken('TOKEN_INVALID', `Block token with ${what} [${candidates.join(', ')}] not valid for access with ${what} [${requested.join(', ')}]`, { what });
    }
    left.splice(i, 1);
  }
}
