/**
 * The DataNode as a pseudo-cluster daemon (cluster/mini/pseudo-cluster.ts), for `hsec start` once
 * the lead wires it in: started from the cluster's conf dir after the NameNode, as dn/localhost
 * with the cluster's dn keytab, its data directory inside the cluster's temp dir, block tokens on,
 * the data port on a free loopback port protected by SASL (privacy, with AES/CTR after the
 * handshake). The DataNode keys are overrides here; `hsec start` should write them into
 * hdfs-site.xml (so clients see dfs.data.transfer.protection and the cipher suite too).
 */
import { join } from 'node:path';
import { loadConfiguration } from '../../lib/config/index.ts';
import { loadKrb5Config } from '../../security/kerberos/config/index.ts';
import { PSEUDO_HOST, type PseudoCluster, type PseudoClusterDaemon, type RunningDaemon } from '../mini/pseudo-cluster.ts';
import { DataNode } from './datanode.ts';

/** The DataNode keys the pseudo-cluster uses (besides the conf dir's). */
export function pseudoDataNodeProperties(cluster: PseudoCluster): Record<string, string> {
  return {
    'dfs.datanode.kerberos.principal': `dn/_HOST@${cluster.kdc.realm}`,
    'dfs.datanode.keytab.file': cluster.services.dn.keytab,
    'dfs.datanode.hostname': PSEUDO_HOST,
    'dfs.datanode.address': '127.0.0.1:0',
    'dfs.datanode.data.dir': `file://${join(cluster.dir, 'datanode', 'data')}`,
    'dfs.block.access.token.enable': 'true',
    'dfs.data.transfer.protection': 'privacy',
    'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding',
  };
}

export const datanodeDaemon: PseudoClusterDaemon = {
  name: 'datanode',
  async start(cluster: PseudoCluster): Promise<RunningDaemon> {
    const conf = loadConfiguration({ confDir: cluster.confDir, env: {}, overrides: pseudoDataNodeProperties(cluster) });
    const dn = await DataNode.start(conf, { login: true, krb5: loadKrb5Config(cluster.kdc.krb5ConfPath) });
    const { host, port } = dn.xferAddress;
    return {
      summary: [`DataNode data transfer: ${host}:${port} (${dn.identity.principal}; ${dn.handshake} SASL handshake, AES/CTR)`],
      stop: () => dn.stop(),
    };
  },
};
