/**
 * Kerberos (SASL GSSAPI) authentication for the ZooKeeper client in lib/zk: the ZkSaslFactory
 * over a KerberosLogin, and the hadoop.zk.kerberos.* configuration. See docs/zookeeper.md.
 */
export { zkKerberosSasl, zkServerPrincipalHost, ZK_SASL_SERVICE_DEFAULT, type ZkKerberosLogin, type ZkKerberosSaslOptions } from './kerberos-sasl.ts';
export { zkKerberosSaslFromConfig, type ZkKerberosConfig } from './config.ts';
export { ZkSession, zkSessionFromConfig, type ZkKerberosIdentity } from './session.ts';
