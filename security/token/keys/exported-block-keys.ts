/**
 * `ExportedBlockKeys`, the block keys a NameNode hands its DataNodes (hadoop-hdfs
 * security/token/block/ExportedBlockKeys.java). A `BlockKey` has the
 * `DelegationKey` Writable (vint keyId, vlong expiryDate, vint length + key bytes), so block keys
 * are DelegationKey instances here. Writable: boolean isBlockTokenEnabled, int64 keyUpdateInterval
 * (ms), int64 tokenLifetime (ms), currentKey, int32 key count, the keys. The protobuf form
 * (ExportedBlockKeysProto) is converted in cluster/protocol/datanode-protocol.ts.
 */
import { DataInput, DataOutput } from '../../../lib/codec/index.ts';
import { malformed } from '../../../lib/codec/errors.ts';
import { DelegationKey } from './delegation-key.ts';

/** A block key: same fields and Writable as a delegation master key. */
export type BlockKey = DelegationKey;

/** Cap on the key count read (a NameNode exports its previous, current and next keys). */
const MAX_KEYS = 1024;

export interface ExportedBlockKeys {
  isBlockTokenEnabled: boolean;
  /** dfs.block.access.key.update.interval in ms */
  keyUpdateInterval: number;
  /** dfs.block.access.token.lifetime in ms */
  tokenLifetime: number;
  currentKey: BlockKey;
  allKeys: BlockKey[];
}

/**
 * `ExportedBlockKeys.DUMMY_KEYS`: what a NameNode without block tokens sends, and what a DataNode
 * puts in its own registration (tokens off, intervals 0, key id 0 / expiry 0 without key bytes).
 */
export function dummyExportedBlockKeys(): ExportedBlockKeys {
  return { isBlockTokenEnabled: false, keyUpdateInterval: 0, tokenLifetime: 0, currentKey: new DelegationKey(0, 0, null), allKeys: [] };
}

export function encodeExportedBlockKeys(keys: ExportedBlockKeys): Uint8Array {
  const out = new DataOutput(64)
    .writeBoolean(keys.isBlockTokenEnabled)
    .writeLong(keys.keyUpdateInterval)
    .writeLong(keys.tokenLifetime);
  keys.currentKey.writeTo(out);
  out.writeInt(keys.allKeys.length);
  for (const k of keys.allKeys) k.writeTo(out);
  return out.toBytes();
}

export function decodeExportedBlockKeys(bytes: Uint8Array): ExportedBlockKeys {
  const input = new DataInput(bytes);
  const isBlockTokenEnabled = input.readBoolean();
  const keyUpdateInterval = input.readLong();
  const tokenLifetime = input.readLong();
  const currentKey = DelegationKey.readFrom(input);
  const count = input.readInt();
  if (count < 0 || count > MAX_KEYS) throw malformed('ExportedBlockKeys', `key count ${count} is outside [0, ${MAX_KEYS}]`);
  const allKeys = Array.from({ length: count }, () => DelegationKey.readFrom(input));
  input.expectEnd('ExportedBlockKeys');
  return { isBlockTokenEnabled, keyUpdateInterval, tokenLifetime, currentKey, allKeys };
}
