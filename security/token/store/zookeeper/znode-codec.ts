/**
 * The znode layout and data of Hadoop's ZKDelegationTokenSecretManager (hadoop-common
 * security/token/delegation/, Hadoop 3.4.1; checked byte for byte against the
 * tree a stock 3.4.1 manager wrote, test/vectors/zk-delegation-token-store.json). Pure.
 *
 *   /<znodeWorkingPath>/ZKDTSMRoot                  the Curator namespace (empty data)
 *     ZKDTSMSeqNumRoot                              SharedCount: last token sequence number reserved
 *     ZKDTSMKeyIdRoot                               SharedCount: last master key id
 *     ZKDTSMMasterKeyRoot                           Curator's default data (the creating host's IP as text)
 *       DK_<keyId>                                  DelegationKey Writable
 *     ZKDTSMTokensRoot                              Curator's default data
 *       DT_<sequenceNumber>                         identifier Writable, int64 renewDate, int32 password length, password
 *
 * The token znode is not the DelegationTokenInformation Writable (no vlongs, no tracking id):
 * ZKDelegationTokenSecretManager.addOrUpdateToken writes the identifier, then
 * `writeLong(renewDate)`, `writeInt(password.length)`, the password.
 */
import { DataInput, DataOutput } from '../../../../lib/codec/index.ts';
import { ProtocolError } from '../../../../lib/errors/index.ts';
import { DelegationTokenIdentifier } from '../../delegation-token-identifier.ts';
import type { TokenInfo } from '../token-store.ts';

/** ZK_DTSM_NAMESPACE and the child roots (ZKDelegationTokenSecretManager constants). */
export const ZKDTSM_NAMESPACE = 'ZKDTSMRoot';
export const SEQNUM_ROOT = 'ZKDTSMSeqNumRoot';
export const KEYID_ROOT = 'ZKDTSMKeyIdRoot';
export const MASTER_KEY_ROOT = 'ZKDTSMMasterKeyRoot';
export const TOKENS_ROOT = 'ZKDTSMTokensRoot';
export const DELEGATION_KEY_PREFIX = 'DK_';
export const DELEGATION_TOKEN_PREFIX = 'DT_';

/** The store's znode paths under `/<workingPath>`. */
export interface ZkdtsmPaths {
  readonly workingPath: string;
  readonly namespace: string;
  readonly seqNum: string;
  readonly keyId: string;
  readonly masterKeys: string;
  readonly tokens: string;
  key(keyId: number): string;
  token(sequenceNumber: number): string;
}

/** Paths for `zk-dt-secret-manager.znodeWorkingPath` (Curator adds the leading '/'). */
export function zkdtsmPaths(workingPath: string): ZkdtsmPaths {
  const trimmed = workingPath.replace(/^\/+/, '').replace(/\/+$/, '');
  const namespace = `/${trimmed}/${ZKDTSM_NAMESPACE}`;
  const masterKeys = `${namespace}/${MASTER_KEY_ROOT}`;
  const tokens = `${namespace}/${TOKENS_ROOT}`;
  return {
    workingPath: `/${trimmed}`,
    namespace,
    seqNum: `${namespace}/${SEQNUM_ROOT}`,
    keyId: `${namespace}/${KEYID_ROOT}`,
    masterKeys,
    tokens,
    key: (keyId) => `${masterKeys}/${DELEGATION_KEY_PREFIX}${keyId}`,
    token: (sequenceNumber) => `${tokens}/${DELEGATION_TOKEN_PREFIX}${sequenceNumber}`,
  };
}

/** The number in a `DT_<n>` / `DK_<n>` child name (processKeyRemoved's parse), or undefined. */
export function childNumber(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const digits = name.slice(prefix.length);
  if (!/^-?\d{1,10}$/.test(digits)) return undefined;
  const n = Number(digits);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** addOrUpdateToken's znode data. */
export function encodeTokenZnode(identifier: Uint8Array, info: TokenInfo): Uint8Array {
  return new DataOutput(identifier.length + 12 + info.password.length)
    .write(identifier)
    .writeLong(info.renewDate)
    .writeInt(info.password.length)
    .write(info.password)
    .toBytes();
}

/** A decoded token znode. */
export interface TokenZnode {
  readonly identifier: DelegationTokenIdentifier;
  readonly info: TokenInfo;
}

/**
 * processTokenAddOrUpdate / getTokenInfoFromZK: the identifier (readFields), the renew date, the
 * password. Stricter than Hadoop, which accepts a short password read: a truncated or oversized
 * znode is a ProtocolError naming the path.
 */
export function decodeTokenZnode(data: Uint8Array, kind: string, path: string): TokenZnode {
  try {
    const input = new DataInput(data);
    input.readByte(); // version (checked by DelegationTokenIdentifier.decode)
    for (let i = 0; i < 3; i++) input.readTextBytes(1024 * 1024, 'delegation token name');
    input.readVLong();
    input.readVLong();
    input.readVInt();
    input.readVInt();
    const identifier = DelegationTokenIdentifier.decode(data.subarray(0, input.position), kind);
    const renewDate = input.readLong();
    const length = input.readInt();
    if (length < 0 || length > input.remaining) {
      throw new ProtocolError('PROTOCOL_MALFORMED', `password length ${length} with ${input.remaining} byte(s) left`, { length });
    }
    const password = Uint8Array.from(input.readFully(length, 'password'));
    input.expectEnd('token znode');
    return { identifier, info: { renewDate, password } };
  } catch (cause) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `ZooKeeper token znode ${path} is not a ZKDelegationTokenSecretManager token (identifier, renewDate, password): ${(cause as Error).message}`, { path }, { cause });
  }
}
