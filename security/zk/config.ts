/**
 * The Kerberos side of ZooKeeper client configuration, as ZKCuratorManager.HadoopZookeeperFactory
 * reads it: with `hadoop.zk.kerberos.principal` (`_HOST` -> the local canonical host name, as
 * SecurityUtil.getServerPrincipal(principal, "")) and `hadoop.zk.kerberos.keytab` the client logs
 * in from the keytab and authenticates every connection with SASL GSSAPI;
 * `hadoop.zk.server.principal` names the server principal's service (zookeeper.sasl.client.username).
 * Either key alone is a configuration error (Hadoop only warns and connects without SASL, which
 * then fails later on sasl: ACLs with a less helpful message).
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { localCanonicalHostName } from '../../lib/net/resolve.ts';
import type { ZkClientOptions, ZkConfigSource } from '../../lib/zk/index.ts';
import { zkClientOptionsFromConfig } from '../../lib/zk/index.ts';
import { substituteHost } from '../kerberos/names/index.ts';
import { loginFromKeytab, type KerberosLogin, type LoginOptions } from '../kerberos/login/index.ts';
import { zkKerberosSasl } from './kerberos-sasl.ts';

export interface ZkKerberosConfig {
  /** The keytab login (close() it with the client); undefined when no Kerberos keys are set. */
  readonly login: KerberosLogin | undefined;
  readonly options: ZkClientOptions;
}

/** ZkClient options from hadoop.zk.*, with SASL when hadoop.zk.kerberos.principal/keytab are set. */
export async function zkKerberosSaslFromConfig(conf: ZkConfigSource, loginOptions: LoginOptions = {}): Promise<ZkKerberosConfig> {
  const options = zkClientOptionsFromConfig(conf);
  const principal = conf.get('hadoop.zk.kerberos.principal');
  const keytab = conf.get('hadoop.zk.kerberos.keytab');
  if (principal === undefined && keytab === undefined) return { login: undefined, options };
  if (principal === undefined || keytab === undefined) {
    const missing = principal === undefined ? 'hadoop.zk.kerberos.principal' : 'hadoop.zk.kerberos.keytab';
    throw new ConfigError('CONFIG_MISSING', `${missing} is not set: Kerberos for ZooKeeper needs both hadoop.zk.kerberos.principal and hadoop.zk.kerberos.keytab`, { configKey: missing });
  }
  const resolved = substituteHost(principal, '', await localCanonicalHostName());
  const login = await loginFromKeytab(resolved, keytab, loginOptions);
  const serviceName = conf.get('hadoop.zk.server.principal');
  return { login, options: { ...options, sasl: zkKerberosSasl(login, serviceName === undefined ? {} : { serviceName }) } };
}
