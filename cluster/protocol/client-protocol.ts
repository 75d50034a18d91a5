/**
 * Method table and pure codecs for the delegation-token part of HDFS's ClientProtocol
 * (org.apache.hadoop.hdfs.protocol.ClientProtocol, protocol version 1, served over Hadoop IPC v9
 * with the protobuf engine; ClientNamenodeProtocolTranslatorPB / ServerSideTranslatorPB). Requests
 * and responses are the hadoop.common Security.proto messages (lib/proto/Security.proto) and the
 * hdfs server-defaults messages (./ClientNamenodeProtocol.proto).
 */
import { fileURLToPath } from 'node:url';
import { decodeMessage, loadProto } from '../../lib/proto/load.ts';
import { ProtocolError } from '../../lib/errors/index.ts';
import { Token } from '../../security/token/token.ts';
import { HDFS_DELEGATION_KIND } from '../../security/token/delegation-token-identifier.ts';
import type { ProtocolSecurityInfo } from '../../security/sasl/rpc/protocol-security.ts';
import type { TokenProtoObject } from '../../security/token/token.ts';

/** declaringClassProtocolName and connection-context protocol of ClientProtocol. */
export const CLIENT_PROTOCOL = 'org.apache.hadoop.hdfs.protocol.ClientProtocol';
/** `ClientProtocol.versionID`, sent as clientProtocolVersion. */
export const CLIENT_PROTOCOL_VERSION = 1n;

/**
 * ClientProtocol's `@KerberosInfo(serverPrincipal = DFS_NAMENODE_KERBEROS_PRINCIPAL_KEY)` and
 * `@TokenInfo(DelegationTokenSelector.class)`: clients check the NameNode principal and present
 * HDFS delegation tokens.
 */
export const CLIENT_PROTOCOL_INFO: ProtocolSecurityInfo = {
  protocol: CLIENT_PROTOCOL,
  version: CLIENT_PROTOCOL_VERSION,
  kerberos: { serverPrincipalKey: 'dfs.namenode.kerberos.principal' },
  token: { kind: HDFS_DELEGATION_KIND },
};

export const ClientProtocolMethod = {
  GET_DELEGATION_TOKEN: 'getDelegationToken',
  RENEW_DELEGATION_TOKEN: 'renewDelegationToken',
  CANCEL_DELEGATION_TOKEN: 'cancelDelegationToken',
  GET_SERVER_DEFAULTS: 'getServerDefaults',
} as const;

const HDFS_PROTO = fileURLToPath(new URL('./ClientNamenodeProtocol.proto', import.meta.url));

function type(name: string) {
  return loadProto('Security.proto', HDFS_PROTO).lookupType(name);
}

function encode(name: string, value: Record<string, unknown>): Uint8Array {
  const t = type(name);
  return t.encode(t.fromObject(value)).finish();
}

/** A malformed or truncated message is PROTOCOL_MALFORMED (the call gets an ERROR reply, as protobuf-java's InvalidProtocolBufferException). */
function decode<T>(name: string, bytes: Uint8Array): T {
  const t = type(name);
  try {
    return t.toObject(decodeMessage(t, bytes), { longs: Number, defaults: false, enums: String }) as T;
  } catch (cause) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Malformed ${name} (${bytes.length} bytes): ${(cause as Error).message}`, { message: name }, { cause });
  }
}

export function encodeGetDelegationTokenRequest(renewer: string): Uint8Array {
  return encode('hadoop.common.GetDelegationTokenRequestProto', { renewer });
}
export function decodeGetDelegationTokenRequest(bytes: Uint8Array): { renewer: string } {
  return decode('hadoop.common.GetDelegationTokenRequestProto', bytes);
}

/** An absent token (secret manager not running) is an empty response, as Hadoop's translator does. */
export function encodeGetDelegationTokenResponse(token: Token | undefined): Uint8Array {
  return encode('hadoop.common.GetDelegationTokenResponseProto', token ? { token: token.toProto() } : {});
}
export function decodeGetDelegationTokenResponse(bytes: Uint8Array): Token | undefined {
  const r = decode<{ token?: TokenProtoObject }>('hadoop.common.GetDelegationTokenResponseProto', bytes);
  return r.token ? Token.fromProto(r.token) : undefined;
}

export function encodeTokenRequest(kind: 'renew' | 'cancel', token: Token): Uint8Array {
  const name = kind === 'renew' ? 'hadoop.common.RenewDelegationTokenRequestProto' : 'hadoop.common.CancelDelegationTokenRequestProto';
  return encode(name, { token: token.toProto() });
}
export function decodeTokenRequest(kind: 'renew' | 'cancel', bytes: Uint8Array): Token {
  const name = kind === 'renew' ? 'hadoop.common.RenewDelegationTokenRequestProto' : 'hadoop.common.CancelDelegationTokenRequestProto';
  return Token.fromProto(decode<{ token: TokenProtoObject }>(name, bytes).token);
}

/** `newExpiryTime` in ms since epoch. */
export function encodeRenewDelegationTokenResponse(newExpiryTime: number): Uint8Array {
  return encode('hadoop.common.RenewDelegationTokenResponseProto', { newExpiryTime });
}
export function decodeRenewDelegationTokenResponse(bytes: Uint8Array): number {
  return decode<{ newExpiryTime: number }>('hadoop.common.RenewDelegationTokenResponseProto', bytes).newExpiryTime;
}

export function encodeCancelDelegationTokenResponse(): Uint8Array {
  return new Uint8Array(0);
}

/** FsServerDefaults as a NameNode reports them (hdfs-default.xml defaults in `DEFAULT_SERVER_DEFAULTS`). */
export interface FsServerDefaults {
  blockSize: number;
  bytesPerChecksum: number;
  writePacketSize: number;
  replication: number;
  fileBufferSize: number;
  encryptDataTransfer: boolean;
  trashInterval: number;
  checksumType: 'CHECKSUM_NULL' | 'CHECKSUM_CRC32' | 'CHECKSUM_CRC32C';
  keyProviderUri?: string;
}

/** dfs.blocksize 128 MiB, dfs.bytes-per-checksum 512, dfs.client-write-packet-size 64 KiB, dfs.replication 3, io.file.buffer.size 4096, CRC32C. */
export const DEFAULT_SERVER_DEFAULTS: FsServerDefaults = {
  blockSize: 134_217_728,
  bytesPerChecksum: 512,
  writePacketSize: 65_536,
  replication: 3,
  fileBufferSize: 4096,
  encryptDataTransfer: false,
  trashInterval: 0,
  checksumType: 'CHECKSUM_CRC32C',
};

export function encodeGetServerDefaultsResponse(d: FsServerDefaults): Uint8Array {
  return encode('hadoop.hdfs.GetServerDefaultsResponseProto', { serverDefaults: { ...d } });
}
export function decodeGetServerDefaultsResponse(bytes: Uint8Array): FsServerDefaults {
  const r = decode<{ serverDefaults: Partial<FsServerDefaults> & Omit<FsServerDefaults, 'encryptDataTransfer' | 'trashInterval' | 'checksumType'> }>(
    'hadoop.hdfs.GetServerDefaultsResponseProto', bytes);
  const d = r.serverDefaults;
  // proto2 defaults of the optional fields
  return { ...d, encryptDataTransfer: d.encryptDataTransfer ?? false, trashInterval: d.trashInterval ?? 0, checksumType: d.checksumType ?? 'CHECKSUM_CRC32' };
}
