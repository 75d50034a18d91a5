/**
 * A secure HDFS in one process, for the end-to-end suites (test/integration/hdfs/) and the
 * benchmarks (bench/suites/hdfs.ts): over a running MIT KDC (MiniKdc), the hsec NameNode and one
 * or more hsec DataNodes logged in from their keytabs, and users whose HdfsClient (the product
 * client) writes and reads through them. One configuration, as the site files of a cluster would
 * hold it, with the data-transfer settings each caller chooses.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfiguration, type Configuration } from '../../lib/config/index.ts';
import type { MiniKdc } from './mini-kdc.ts';
import { DataNode } from '../datanode/datanode.ts';
import { NameNode, type NameNodeOptions } from '../namenode/namenode.ts';
import { HdfsClient } from '../client/hdfs-client.ts';
import { User } from '../../security/identity/user.ts';
import { loadKrb5Config } from '../../security/kerberos/config/index.ts';
import type { Clock } from '../../lib/time/clock.ts';

export interface SecureHdfs {
  readonly kdc: MiniKdc;
  readonly dir: string;
  readonly nn: NameNode;
  readonly dns: DataNode[];
  /** The cluster's configuration (what core-site.xml and hdfs-site.xml would say), NameNode address included. */
  readonly conf: Configuration;
  /** An HdfsClient for `user` (a principal with a keytab made on first use), closed by stop(). */
  client(user: string, extra?: Record<string, string>): Promise<HdfsClient>;
  /** An HdfsClient of the HDFS superuser (the NameNode's principal), with the default umask (022). */
  admin(): Promise<HdfsClient>;
  /** Restarts the NameNode on the same port and name directory. */
  /** Stops and starts the NameNode; waits until its start-up safe mode is over unless `waitSafeModeOff` is false. */
  restartNameNode(options?: { waitSafeModeOff?: boolean }): Promise<void>;
  /** Restarts DataNode `i` on the same data directory. */
  restartDataNode(i: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SecureHdfsOptions {
  /** Keys every daemon and client reads (data-transfer protection, encryption, block size...). */
  readonly conf?: Record<string, string>;
  readonly dataNodes?: number;
  /** The NameNode's and DataNodes' clock (block token and key times, leases); the system clock by default. */
  readonly clock?: Clock;
  /** The NameNode's log directory (metaSave) and what its refresh calls load again (refreshNodes, refreshServiceAcl). */
  readonly nameNode?: Pick<NameNodeOptions, 'logDir' | 'reloadConfiguration'>;
}

/**
 * What the site files of a secure cluster under `dir` say: Kerberos with RPC privacy, the NameNode
 * (name directory `dir/name`) and DataNode principals and keytabs, block tokens, DataNodes on
 * localhost with a free data port, 1 s heartbeats, one replica.
 */
export function secureSiteKeys(kdc: MiniKdc, dir: string, keytabs: { nn: string; dn: string }): Record<string, string> {
  return {
    'hadoop.security.authentication': 'kerberos',
    'hadoop.rpc.protection': 'privacy',
    'dfs.namenode.kerberos.principal': `nn/localhost@${kdc.realm}`,
    'dfs.namenode.keytab.file': keytabs.nn,
    'dfs.namenode.name.dir': `file://${join(dir, 'name')}`,
    'dfs.datanode.kerberos.principal': `dn/_HOST@${kdc.realm}`,
    'dfs.datanode.keytab.file': keytabs.dn,
    'dfs.datanode.hostname': 'localhost',
    'dfs.datanode.address': '127.0.0.1:0',
    'dfs.datanode.ipc.address': '127.0.0.1:0',
    'dfs.block.access.token.enable': 'true',
    'dfs.heartbeat.interval': '1',
    'dfs.replication': '1',
    // as Hadoop's MiniDFSCluster: a restarted NameNode leaves its start-up safe mode as soon as the
    // DataNodes have reported its blocks, without the 30 s extension
    'dfs.namenode.safemode.extension': '0',
  };
}

/** Starts a NameNode and DataNodes secured with Kerberos, block tokens and RPC privacy under `dir`. */
export async function startSecureHdfs(kdc: MiniKdc, dir: string, options: SecureHdfsOptions = {}): Promise<SecureHdfs> {
  mkdirSync(dir, { recursive: true });
  const krb5 = loadKrb5Config(kdc.krb5ConfPath);
  const clockOption = options.clock ? { clock: options.clock } : {};
  const nnKeytab = join(dir, 'nn.keytab');
  const dnKeytab = join(dir, 'dn.keytab');
  await kdc.createKeytab(nnKeytab, 'nn/localhost');
  await kdc.createKeytab(dnKeytab, 'dn/localhost');
  const base = (extra: Record<string, string>) =>
    loadConfiguration({
      env: {},
      overrides: {
        ...secureSiteKeys(kdc, dir, { nn: nnKeytab, dn: dnKeytab }),
        ...options.conf,
        ...extra,
      },
    });
  const nnOptions = { login: true, krb5, ...clockOption, ...options.nameNode };
  let nn = await NameNode.start(base({ 'dfs.namenode.rpc-address': '127.0.0.1:0' }), nnOptions);
  const port = nn.address.port;
  const conf = base({ 'dfs.namenode.rpc-address': `127.0.0.1:${port}`, 'fs.defaultFS': `hdfs://127.0.0.1:${port}` });
  const dnConf = (i: number) => loadConfiguration({ env: {}, overrides: { ...confEntries(conf), 'dfs.datanode.data.dir': `file://${join(dir, `data${i}`)}` } });
  const startDn = async (i: number): Promise<DataNode> => {
    const dn = await DataNode.start(dnConf(i), { krb5, ...clockOption });
    if (!(await dn.waitRegistered(30_000))) throw new Error(`DataNode ${i} did not register with the NameNode`);
    return dn;
  };
  const dns: DataNode[] = [];
  for (let i = 0; i < (options.dataNodes ?? 1); i++) dns.push(await startDn(i));
  const clients: HdfsClient[] = [];
  let superuser: HdfsClient | undefined;
  const admin = async (): Promise<HdfsClient> => {
    if (!superuser) {
      const u = await User.fromKeytab(kdc.principal('nn/localhost'), nnKeytab, { krb5, conf });
      superuser = await HdfsClient.connect({ conf, user: u, env: {} });
      clients.push(superuser);
    }
    return superuser;
  };
  return {
    kdc,
    dir,
    get nn() {
      return nn;
    },
    dns,
    conf,
    async client(user, extra = {}) {
      const keytab = join(dir, `${user}.keytab`);
      if (!(await kdc.hasPrincipal(user))) await kdc.addPrincipal(user);
      await kdc.createKeytab(keytab, user);
      const clientConf = Object.keys(extra).length > 0 ? loadConfiguration({ env: {}, overrides: { ...confEntries(conf), ...extra } }) : conf;
      const u = await User.fromKeytab(kdc.principal(user), keytab, { krb5, conf: clientConf });
      const c = await HdfsClient.connect({ conf: clientConf, user: u, env: {} });
      clients.push(c);
      // the home directory, made by the superuser (the NameNode's own principal) as an administrator
      // would (hdfs dfs -mkdir /user/alice; hdfs dfs -chown alice /user/alice): 0755, owned by the user
      if (!(await c.exists(c.workingDirectory))) {
        const su = await admin();
        await su.mkdir(c.workingDirectory, { permission: 0o755 });
        await su.chmod(c.workingDirectory, 0o755); // whatever umask the caller's conf sets
        await su.chown(c.workingDirectory, c.shortUserName);
      }
      return c;
    },
    admin,
    async restartNameNode({ waitSafeModeOff = true } = {}) {
      await nn.stop();
      nn = await NameNode.start(conf, nnOptions);
      if (!waitSafeModeOff) return;
      // MiniDFSCluster.restartNameNode -> waitActive: the DataNodes register again and report, and
      // the start-up safe mode ends, before the cluster is used
      const deadline = Date.now() + 60_000;
      while (nn.namesystem.isInSafeMode()) {
        if (Date.now() > deadline) throw new Error(`the restarted NameNode stayed in safe mode: ${nn.namesystem.safeModeTip()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async restartDataNode(i) {
      await dns[i]!.stop();
      dns[i] = await startDn(i);
    },
    async stop() {
      for (const c of clients.splice(0)) {
        c.close();
        c.user.close();
      }
      for (const dn of dns) await dn.stop().catch(() => undefined);
      await nn.stop();
    },
  };
}

/** Every key set on `conf` (to derive a configuration with a few more, or hand it to a client in another process). */
export function confEntries(conf: Configuration): Record<string, string> {
  return Object.fromEntries(conf.keys().flatMap((k) => (conf.source(k) === 'command line' ? [[k, conf.get(k)!]] : [])));
}
