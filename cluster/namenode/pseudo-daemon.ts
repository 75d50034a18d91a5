/**
 * The NameNode as a pseudo-cluster daemon (`hsec start`, cluster/mini/pseudo-cluster.ts): started
 * from the cluster's conf dir once the KDC and conf exist, with its name directory inside the
 * cluster's temp dir, stopped before the KDC. Once it serves, the users' home directories
 * (/user/alice, /user/bob) are made as an administrator makes them: `hdfs dfs -mkdir` and
 * `-chown` by the HDFS superuser (the NameNode's own principal, nn/localhost -> hdfs).
 */
import { join } from 'node:path';
import { loadConfiguration, type Configuration } from '../../lib/config/index.ts';
import { loadKrb5Config, type Krb5Config } from '../../security/kerberos/config/index.ts';
import { User } from '../../security/identity/user.ts';
import { HdfsClient } from '../client/hdfs-client.ts';
import type { PseudoCluster, PseudoClusterDaemon, RunningDaemon } from '../mini/pseudo-cluster.ts';
import { NameNode } from './namenode.ts';

export const namenodeDaemon: PseudoClusterDaemon = {
  name: 'namenode',
  async start(cluster: PseudoCluster): Promise<RunningDaemon> {
    const load = () => loadConfiguration({ confDir: cluster.confDir, env: {} });
    const conf = load();
    const krb5 = loadKrb5Config(cluster.kdc.krb5ConfPath);
    // dfsadmin's refreshes re-read the cluster's conf dir
    const nn = await NameNode.start(conf, { nameDir: join(cluster.dir, 'namenode', 'name'), login: true, krb5, reloadConfiguration: load });
    try {
      await makeHomeDirectories(cluster, conf, krb5, ['alice', 'bob']);
    } catch (e) {
      await nn.stop();
      throw e;
    }
    const { host, port } = nn.address;
    return {
      summary: [`NameNode RPC: ${host}:${port} (${nn.principal}; homes /user/alice, /user/bob)`],
      stop: () => nn.stop(),
    };
  },
};

async function makeHomeDirectories(cluster: PseudoCluster, conf: Configuration, krb5: Krb5Config, users: readonly string[]): Promise<void> {
  const { principal, keytab } = cluster.services.nn;
  const superuser = await User.fromKeytab(principal, keytab, { krb5, conf });
  const admin = await HdfsClient.connect({ conf, user: superuser, env: {} });
  try {
    for (const name of users) {
      const home = `/user/${name}`;
      await admin.mkdir(home, { recursive: true, permission: 0o755 });
      await admin.chown(home, name);
    }
  } finally {
    admin.close();
    superuser.close();
  }
}
