// The DataNode as a pseudo-cluster daemon (cluster/datanode/pseudo-daemon.ts; not in `hsec start`
// yet): it starts after the NameNode from the cluster's conf dir plus its own keys, logs in as
// dn/localhost with the cluster's keytab, keeps its storage in the cluster dir, serves a SASL data
// port, and stops with the cluster. (Its registration, reports and tokens with the hsec NameNode
// are the business of the other suites in this directory, which run both in the test process.)
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PseudoCluster } from '../../../cluster/mini/pseudo-cluster.ts';
import { ZOOKEEPER_JAR, zookeeperInstalled } from '../../../cluster/mini/mini-zookeeper.ts';
import { namenodeDaemon } from '../../../cluster/namenode/pseudo-daemon.ts';
import { datanodeDaemon } from '../../../cluster/datanode/pseudo-daemon.ts';
import { requireBinariesOrSkip, skipOrFail } from '../../support/binaries.ts';
import { TransferConnection } from './transfer-client.ts';

describe('datanode in the pseudo-cluster', function () {
  this.timeout(180_000);
  let cluster: PseudoCluster | undefined;

  before(async function () {
    requireBinariesOrSkip(this, 'krb5kdc', 'kdb5_util', 'kadmin.local', 'java');
    if (!zookeeperInstalled()) skipOrFail(this, `missing ${ZOOKEEPER_JAR}`);
    cluster = await PseudoCluster.start({ daemons: [namenodeDaemon, datanodeDaemon] });
  });
  after(async () => cluster?.stop());

  it('starts as dn/localhost with its storage in the cluster dir and a SASL data port', async () => {
    const c = cluster!;
    const line = c.daemonSummaries.find((s) => s.startsWith('DataNode data transfer:'))!;
    expect(line).to.contain(`dn/localhost@${c.kdc.realm}`).and.contain('general SASL handshake');
    const version = join(c.dir, 'datanode', 'data', 'current', 'VERSION');
    expect(existsSync(version)).to.equal(true);
    expect(readFileSync(version, 'utf8')).to.match(/datanodeUuid=[0-9a-f-]{36}/);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)![1]);
    // the data port insists on the handshake: plaintext ops get no answer
    const plain = await TransferConnection.open(port);
    plain.send(Buffer.from('001c5100', 'hex'));
    expect(await plain.closedByPeer()).to.equal(true);
    plain.close();
  });
});
