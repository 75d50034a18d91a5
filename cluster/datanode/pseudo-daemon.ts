/**
 * The DataNode as a pseudo-cluster daemon (`hsec start`, cluster/mini/pseudo-cluster.ts): started
 * from the cluster's conf dir after the NameNode, as dn/localhost with the cluster's dn keytab; its
 * data directory, data port and SASL protection (privacy, AES/CTR) are in the generated
 * hdfs-site.xml, where clients see them too. Ready once registered, so the banner's
 * `hsec fs -put` finds a DataNode to write to.
 */
import { loadConfiguration } from '../../lib/config/index.ts';
import { HsecError } from '../../lib/errors/index.ts';
import { loadKrb5Config } from '../../security/kerberos/config/index.ts';
import type { PseudoCluster, PseudoClusterDaemon, RunningDaemon } from '../mini/pseudo-cluster.ts';
import { DataNode } from './datanode.ts';

const REGISTRATION_TIMEOUT_MS = 30_000;

export const datanodeDaemon: PseudoClusterDaemon = {
  name: 'datanode',
  async start(cluster: PseudoCluster): Promise<RunningDaemon> {
    const conf = loadConfiguration({ confDir: cluster.confDir, env: {} });
    const dn = await DataNode.start(conf, { login: true, krb5: loadKrb5Config(cluster.kdc.krb5ConfPath) });
    if (!(await dn.waitRegistered(REGISTRATION_TIMEOUT_MS))) {
      await dn.stop();
      throw new HsecError('TIMEOUT', `the DataNode did not register with the NameNode at ${cluster.namenodeAddress} within ${REGISTRATION_TIMEOUT_MS} ms`);
    }
    const { host, port } = dn.xferAddress;
    // what the conf asks of block traffic (hsec start -D may have changed the generated keys)
    const protection = conf.get('dfs.data.transfer.protection') || 'none';
    const encrypts = protection.includes('privacy') || conf.getBoolean('dfs.encrypt.data.transfer', false);
    const cipher = encrypts && conf.get('dfs.encrypt.data.transfer.cipher.suites') ? ', AES/CTR' : '';
    return {
      summary: [`DataNode data transfer: ${host}:${port} (${dn.identity.principal}; ${dn.handshake} SASL handshake, ${protection}${cipher})`],
      stop: () => dn.stop(),
    };
  },
};
