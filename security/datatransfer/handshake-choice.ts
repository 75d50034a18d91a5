/**
 * Which data-transfer handshake a connection runs (Hadoop's
 * SaslDataTransferClient.checkTrustAndSend / send and SaslDataTransferServer.receive), as pure
 * decisions over the facts each side knows. 'encrypted' = the data-encryption-key handshake
 * (dfs.encrypt.data.transfer), 'general' = the block-token handshake (dfs.data.transfer.protection),
 * 'none' = the op bytes follow directly.
 */
import { ConfigError } from '../../lib/errors/index.ts';

export type HandshakeKind = 'encrypted' | 'general' | 'none';

/** SecurityUtil.isPrivilegedPort: below 1024 the root/jsvc trust model applies instead of SASL. */
export function isPrivilegedPort(port: number): boolean {
  return port < 1024;
}

export interface ClientHandshakeFacts {
  /** dfs.trustedchannel.resolver.class says both this host and the DataNode are trusted. */
  readonly trusted: boolean;
  /** A data encryption key is at hand (the NameNode's server defaults say encryptDataTransfer). */
  readonly hasEncryptionKey: boolean;
  /** hadoop.security.authentication is kerberos. */
  readonly securityEnabled: boolean;
  /** The DataNode's transfer port. */
  readonly datanodeXferPort: number;
  /** The client fell back to simple authentication against this cluster. */
  readonly fallbackToSimpleAuth: boolean;
  /** dfs.data.transfer.protection is set (a SASL properties resolver exists). */
  readonly protectionConfigured: boolean;
}

/** The client's choice, in Hadoop's order. */
export function chooseClientHandshake(f: ClientHandshakeFacts): HandshakeKind {
  if (f.trusted) return 'none';
  if (f.hasEncryptionKey) return 'encrypted';
  if (!f.securityEnabled) return 'none';
  if (isPrivilegedPort(f.datanodeXferPort)) return 'none';
  if (f.fallbackToSimpleAuth) return 'none';
  return f.protectionConfigured ? 'general' : 'none';
}

export interface ServerHandshakeFacts {
  /** dfs.encrypt.data.transfer on this DataNode. */
  readonly encryptDataTransfer: boolean;
  /** The peer is on a secure channel (domain socket) or trusted by dfs.trustedchannel.resolver.class. */
  readonly trusted: boolean;
  readonly securityEnabled: boolean;
  /** This DataNode's transfer port (dfs.datanode.address). */
  readonly xferPort: number;
  readonly protectionConfigured: boolean;
  /** ignore.secure.ports.for.testing (development only). */
  readonly ignoreSecurePortsForTesting?: boolean;
}

/** The DataNode's choice, in Hadoop's order; an unprivileged port without protection is a ConfigError. */
export function chooseServerHandshake(f: ServerHandshakeFacts): HandshakeKind {
  if (f.encryptDataTransfer) return f.trusted ? 'none' : 'encrypted';
  if (!f.securityEnabled) return 'none';
  if (isPrivilegedPort(f.xferPort)) return 'none';
  if (f.protectionConfigured) return f.trusted ? 'none' : 'general';
  if (f.ignoreSecurePortsForTesting) return 'none';
  throw new ConfigError(
    'CONFIG_INVALID',
    `Cannot create a secured connection if DataNode listens on unprivileged port (${f.xferPort}) and no protection is defined in configuration property dfs.data.transfer.protection.`,
    { configKey: 'dfs.data.transfer.protection', port: f.xferPort },
  );
}
