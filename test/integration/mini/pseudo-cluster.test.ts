/**
 * PseudoCluster (what `hsec start` runs) with stand-in daemons: daemons start in order after the
 * KDC, ZooKeeper and conf dir exist and see them; they stop in reverse order before ZooKeeper and
 * the KDC; a daemon that fails to start stops everything started before it.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HsecError } from '../../../lib/errors/index.ts';
import { DEFAULTS_SOURCE, defaultRegistry, loadConfiguration } from '../../../lib/config/index.ts';
import { pidAlive } from '../../../cluster/mini/managed-process.ts';
import { PseudoCluster, type PseudoClusterDaemon } from '../../../cluster/mini/pseudo-cluster.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';

interface Seen {
  kdcPid?: number;
  zkPid?: number;
  dir?: string;
  events: string[];
}

function recordingDaemon(name: string, seen: Seen): PseudoClusterDaemon {
  return {
    name,
    async start(cluster) {
      seen.kdcPid = cluster.kdc.pid;
      seen.zkPid = cluster.zk.pid;
      seen.dir = cluster.dir;
      expect(readFileSync(join(cluster.confDir, 'hdfs-site.xml'), 'utf8')).to.include(cluster.services.nn.keytab);
      seen.events.push(`start ${name}`);
      return {
        summary: [`${name} running`],
        stop: async () => {
          // The KDC and ZooKeeper are still up while daemons stop.
          expect(cluster.healthy).to.equal(true);
          seen.events.push(`stop ${name}`);
        },
      };
    },
  };
}

describe('PseudoCluster daemons', function () {
  this.timeout(120_000);

  before(function () {
    requireBinariesOrSkip(this, 'krb5kdc', 'kdb5_util', 'kadmin.local', 'java');
  });

  it('starts daemons in order with the cluster ready, and stops them in reverse before the KDC', async function () {
    const seen: Seen = { events: [] };
    const cluster = await PseudoCluster.start({ daemons: [recordingDaemon('first', seen), recordingDaemon('second', seen)] });
    expect(cluster.daemonSummaries).to.deep.equal(['first running', 'second running']);
    expect(pidAlive(seen.kdcPid!)).to.equal(true);
    await cluster.stop();
    expect(seen.events).to.deep.equal(['start first', 'start second', 'stop second', 'stop first']);
    expect(pidAlive(seen.kdcPid!)).to.equal(false);
    expect(pidAlive(seen.zkPid!)).to.equal(false);
    expect(existsSync(seen.dir!)).to.equal(false);
  });

  it('stops what it started when a daemon fails to start', async function () {
    const seen: Seen = { events: [] };
    const failing: PseudoClusterDaemon = {
      name: 'broken',
      start: async () => {
        throw new HsecError('CONFIG_INVALID', 'broken daemon refuses to start');
      },
    };
    let caught: unknown;
    try {
      await PseudoCluster.start({ daemons: [recordingDaemon('first', seen), failing] });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.have.property('code', 'CONFIG_INVALID');
    expect(seen.events).to.deep.equal(['start first', 'stop first']);
    expect(pidAlive(seen.kdcPid!)).to.equal(false);
    expect(pidAlive(seen.zkPid!)).to.equal(false);
    expect(existsSync(seen.dir!)).to.equal(false);
  });

  it('its generated conf dir sets only keys hsec reads (usedBy in the key registry): it advertises no protection it does not enforce', async function () {
    const cluster = await PseudoCluster.start({ daemons: [] });
    try {
      const conf = loadConfiguration({ confDir: cluster.confDir, env: {} });
      const set = [...conf.keys()].filter((k) => conf.source(k) !== DEFAULTS_SOURCE);
      expect(set).to.include.members(['hadoop.security.authentication', 'hadoop.rpc.protection', 'dfs.namenode.kerberos.principal']);
      const unread = set.filter((k) => !defaultRegistry().get(k)?.usedBy?.length);
      expect(unread, 'keys the pseudo-cluster sets that nothing reads yet').to.deep.equal([]);
    } finally {
      await cluster.stop();
    }
  });
});
