/**
 * The ZooKeeper token store from Hadoop's `zk-dt-secret-manager.*` keys, read as
 * ZKDelegationTokenSecretManager's constructor reads them (Hadoop 3.4.1): the connect string and
 * the auth type are required ("none" or "sasl"); with sasl the store logs in from
 * `kerberos.keytab` as `kerberos.principal` (`_HOST` substituted) and its znodes get the ACL
 * `sasl:<principal up to the first / or @>:cdrwa` (SASLOwnerACLProvider), with none
 * `world:anyone:cdrwa` (Curator's DefaultACLProvider). Hadoop's messages are kept where it has
 * them, with the key to set added.
 */
import { hostname } from 'node:os';
import { ConfigError } from '../../../../lib/errors/index.ts';
import { parseInt32 } from '../../../../lib/config/values.ts';
import { resolveAddress } from '../../../../lib/net/resolve.ts';
import { OPEN_ACL_UNSAFE, Perms, type Acl } from '../../../../lib/zk/index.ts';
import { ZkSession, type ZkKerberosIdentity } from '../../../zk/session.ts';
import type { ConfigSource } from '../../../resolver/sasl-properties-resolver.ts';
import { ZkTokenStore } from './zk-token-store.ts';

/** Largest reply accepted: the token list of a big store is one getChildren reply (about 14 bytes a token). */
const MAX_REPLY_BYTES = 64 * 1024 * 1024;

function required(conf: ConfigSource, key: string, what: string): string {
  const v = conf.get(key)?.trim();
  if (!v) throw new ConfigError('CONFIG_MISSING', `${key} is not set: ${what}`, { configKey: key });
  return v;
}

function int(conf: ConfigSource, key: string, fallback: number): number {
  const raw = conf.get(key)?.trim();
  if (!raw) return fallback;
  try {
    return parseInt32(raw);
  } catch (cause) {
    throw new ConfigError('CONFIG_INVALID', `Invalid ${key} value "${raw}": expected a whole number`, { configKey: key, value: raw }, { cause });
  }
}

/** Curator's default data for znodes created without data: InetAddress.getLocalHost().getHostAddress() as bytes. */
export async function curatorDefaultData(): Promise<Uint8Array> {
  let address = '127.0.0.1';
  try {
    address = await resolveAddress(hostname());
  } catch {
    // no address for the host name: the JDK would fail too; loopback is as meaningless and harmless
  }
  return new TextEncoder().encode(address);
}

/** A ZkTokenStore configured by the zk-dt-secret-manager.* keys (the session opens with the store). */
export function zkTokenStoreFromConfig(conf: ConfigSource, options: { kind?: string; loginOptions?: ZkKerberosIdentity['loginOptions'] } = {}): ZkTokenStore {
  const connectString = required(conf, 'zk-dt-secret-manager.zkConnectionString', 'Zookeeper connection string cannot be null (the ZooKeeper ensemble of the shared token store, host:port,...)');
  const authType = required(conf, 'zk-dt-secret-manager.zkAuthType', 'Zookeeper authType cannot be null: set none or sasl');
  if (authType !== 'none' && authType !== 'sasl') {
    throw new ConfigError('CONFIG_INVALID', `Zookeeper authType must be one of [none, sasl] (zk-dt-secret-manager.zkAuthType is "${authType}")`, { configKey: 'zk-dt-secret-manager.zkAuthType', value: authType });
  }
  const sessionTimeoutMs = int(conf, 'zk-dt-secret-manager.zkSessionTimeout', 10_000);
  let acl: readonly Acl[] = OPEN_ACL_UNSAFE;
  let kerberos: ZkKerberosIdentity | undefined;
  if (authType === 'sasl') {
    const keytab = required(conf, 'zk-dt-secret-manager.kerberos.keytab', 'zk-dt-secret-manager.kerberos.keytab must be specified');
    const principal = required(conf, 'zk-dt-secret-manager.kerberos.principal', 'zk-dt-secret-manager.kerberos.principal must be specified');
    acl = [{ perms: Perms.ALL, scheme: 'sasl', id: principal.split(/[/@]/)[0]! }];
    const serverPrincipal = conf.get('zk-dt-secret-manager.kerberos.server.principal')?.trim();
    kerberos = { principal, keytab, ...(serverPrincipal ? { server: { serverPrincipal } } : {}), ...(options.loginOptions ? { loginOptions: options.loginOptions } : {}) };
  }
  const numRetries = int(conf, 'zk-dt-secret-manager.zkNumRetries', 3);
  const clientOptions = { connectString, sessionTimeoutMs, numRetries, defaultAcl: acl, maxFrameLength: MAX_REPLY_BYTES };
  const syncSecs = int(conf, 'zk-dt-secret-manager.router.token.sync.interval', 5);
  return new ZkTokenStore({
    session: () => new ZkSession(clientOptions, kerberos),
    workingPath: conf.get('zk-dt-secret-manager.znodeWorkingPath')?.trim() || 'zkdtsm',
    acl,
    seqNumBatchSize: int(conf, 'zk-dt-secret-manager.token.seqnum.batch.size', 100),
    connectionTimeoutMs: int(conf, 'zk-dt-secret-manager.zkConnectionTimeout', 10_000),
    syncIntervalMs: syncSecs * 1000,
    defaultData: curatorDefaultData,
    ...(options.kind ? { kind: options.kind } : {}),
  });
}

