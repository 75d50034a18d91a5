/**
 * The NameNode as a pseudo-cluster daemon (`hsec start`, cluster/mini/pseudo-cluster.ts): started
 * from the cluster's conf dir once the KDC and conf exist, with its name directory inside the
 * cluster's temp dir, stopped before the KDC.
 */
import { join } from 'node:path';
import { loadConfiguration } from '../../lib/config/index.ts';
import { loadKrb5Config } from '../../security/kerberos/config/index.ts';
import type { PseudoCluster, PseudoClusterDaemon, RunningDaemon } from '../mini/pseudo-cluster.ts';
import { NameNode } from './namenode.ts';

export const namenodeDaemon: PseudoClusterDaemon = {
  name: 'namenode',
  async start(cluster: PseudoCluster): Promise<RunningDaemon> {
    const conf = loadConfiguration({ confDir: cluster.confDir, env: {} });
    const nn = await NameNode.start(conf, { nameDir: join(cluster.dir, 'namenode', 'name'), login: true, krb5: loadKrb5Config(cluster.kdc.krb5ConfPath) });
    const { host, port } = nn.address;
    return {
      summary: [`NameNode RPC: ${host}:${port} (${nn.principal}; token example below)`],
      stop: () => nn.stop(),
    };
  },
};
