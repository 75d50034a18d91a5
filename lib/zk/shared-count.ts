/**
 * An atomic counter in one znode, byte-compatible with Curator's SharedCount, which Hadoop's
 * ZKDelegationTokenSecretManager keeps its sequence number and master-key id in
 * (ZKDTSMSeqNumRoot, ZKDTSMKeyIdRoot): the data is a 4-byte big-endian int
 * (SharedCount.toBytes / fromBytes), created with the seed when missing (SharedValue.start), and
 * changed only by a versioned setData (SharedValue.trySetValue: false on a version conflict).
 * `add` is Hadoop's incrSharedCount loop: read, compare-and-set value + delta, retry on conflict.
 * Arithmetic wraps at 32 bits, as Java's int does.
 */
import { ProtocolError, ZooKeeperError } from '../errors/index.ts';
import type { ZkClient } from './client.ts';
import type { Acl } from './jute.ts';

/** A counter value and the znode version it was read at. */
export interface VersionedCount {
  readonly value: number;
  readonly version: number;
}

export function encodeSharedCount(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, value | 0);
  return out;
}

/** SharedCount.fromBytes: the first 4 bytes as a big-endian int; fewer is a ProtocolError. */
export function decodeSharedCount(bytes: Uint8Array, path = 'shared count'): number {
  if (bytes.length < 4) {
    throw new ProtocolError('PROTOCOL_TRUNCATED', `ZooKeeper counter ${path} holds ${bytes.length} byte(s); a Curator SharedCount is a 4-byte big-endian int`, { path, length: bytes.length });
  }
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0);
}

export interface SharedCountOptions {
  /** Value written when the node does not exist yet (default 0). */
  readonly seed?: number;
  /** ACL for the node and any parents created (default: the client's default ACL). */
  readonly acl?: readonly Acl[];
  /** Compare-and-set attempts `add` makes before giving up (default 100). */
  readonly maxAttempts?: number;
}

export class ZkSharedCount {
  readonly #client: ZkClient;
  readonly path: string;
  readonly #o: SharedCountOptions;

  constructor(client: ZkClient, path: string, options: SharedCountOptions = {}) {
    this.#client = client;
    this.path = path;
    this.#o = options;
  }

  /** Creates the node with the seed unless it exists (parents too), then reads it. */
  async start(): Promise<VersionedCount> {
    try {
      await this.#client.create(this.path, encodeSharedCount(this.#o.seed ?? 0), { createParents: true, ...(this.#o.acl ? { acl: this.#o.acl } : {}) });
    } catch (e) {
      if ((e as ZooKeeperError).code !== 'ZK_NODE_EXISTS') throw e;
    }
    return this.get();
  }

  async get(): Promise<VersionedCount> {
    const node = await this.#client.getData(this.path);
    return { value: decodeSharedCount(node.data, this.path), version: node.stat.version };
  }

  /** Sets `value` if the node is still at `previous.version`; false when another client got there first. */
  async trySet(previous: VersionedCount, value: number): Promise<boolean> {
    try {
      await this.#client.setData(this.path, encodeSharedCount(value), { version: previous.version });
      return true;
    } catch (e) {
      if ((e as ZooKeeperError).code === 'ZK_BAD_VERSION') return false;
      throw e;
    }
  }

  /** Adds `delta` atomically; returns the value before and after (Hadoop's incrSharedCount returns `previous`). */
  async add(delta: number): Promise<{ previous: number; value: number }> {
    const attempts = this.#o.maxAttempts ?? 100;
    for (let i = 0; i < attempts; i++) {
      const current = await this.get();
      const value = (current.value + delta) | 0;
      if (await this.trySet(current, value)) return { previous: current.value, value };
    }
    throw new ZooKeeperError('ZK_BAD_VERSION', `ZooKeeper counter ${this.path}: ${attempts} compare-and-set attempts all lost to other writers`, { path: this.path, attempts });
  }
}
