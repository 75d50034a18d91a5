/**
 * hsec's public API, the `hsec` entry: what a Node service needs to talk to a Kerberos-secured
 * Hadoop cluster. Log in (`User`), talk to the NameNode (`HdfsClient`), handle tokens and token files,
 * read Hadoop configuration, route hsec's logs, and recognise hsec's typed errors. The narrower
 * entries `hsec/kerberos`, `hsec/hdfs`, `hsec/tokens`, `hsec/config` and `hsec/rpc` hold the rest.
 * Everything not exported from an entry is internal and may change without notice. See docs/api.md.
 */
export { User, type UserOptions, type UserKind } from '../security/identity/user.ts';
export { HdfsClient, type HdfsClientOptions } from '../cluster/client/hdfs-client.ts';
export { Token } from '../security/token/token.ts';
export { Credentials, type CredentialsFormat } from '../security/token/credentials.ts';
export { readTokenStorageFile as readTokenFile, writeTokenStorageFile as writeTokenFile } from '../security/token/credentials-file.ts';
export { renewToken, cancelToken, isManaged } from '../cluster/client/token-renewer.ts';
export { loadConfiguration, Configuration, DEFAULT_CONF_DIR, type LoadConfigurationOptions } from '../lib/config/index.ts';
export { configureLogging, type Logger, type LoggingOptions, type LogLevel, type LogFormat } from '../lib/log/logger.ts';
export * from './errors.ts';
