/**
 * The secure pseudo-cluster behind `hsec start`: one throwaway MIT KDC, one ZooKeeper, the
 * service principals of a single-host Hadoop cluster (nn/, dn/, HTTP/ on localhost) with keytabs,
 * two users (alice with a keytab, bob with a printed throwaway password), and a Hadoop conf dir
 * (core-site.xml, hdfs-site.xml; keys as in Hadoop's CommonConfigurationKeys and DFSConfigKeys)
 * with selective encryption: authentication,privacy, the whitelist in ZooKeeper (./pseudo-policy.ts).
 * Daemons (the NameNode, then a DataNode) plug in as `PseudoClusterDaemon`s and start after the
 * KDC and ZooKeeper, stopping before them. Block traffic is SASL-protected at privacy with AES/CTR
 * (docs/data-transfer.md). Everything lives in one temp dir, removed on stop.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLogger } from '../../lib/log/logger.ts';
import { MiniKdc } from './mini-kdc.ts';
import { registerExitCleanup } from './managed-process.ts';
import { MiniZooKeeper } from './mini-zookeeper.ts';
import { freePort } from './ports.ts';
import { seedPseudoPolicy, type PseudoPolicy } from './pseudo-policy.ts';
import { writeSiteXml, type SiteProperty } from './site-xml.ts';

const log = getLogger('mini.pseudo-cluster');

/** The host name every service principal and address of the pseudo-cluster uses. */
export const PSEUDO_HOST = 'localhost';

export interface PseudoClusterOptions {
  readonly realm?: string;
  /** Realm maximum ticket life in seconds (default 86400). */
  readonly maxTicketLifeSeconds?: number;
  /** Daemons to start once the KDC, ZooKeeper and conf dir are ready, in order. */
  readonly daemons?: readonly PseudoClusterDaemon[];
  /**
   * Extra properties (`hsec -D key=value start`) written into the conf dir, so the daemons and the
   * clients that use the conf dir see them: a generated property of the same name is replaced in
   * place, others are appended to core-site.xml.
   */
  readonly properties?: Readonly<Record<string, string>>;
}

/** A running daemon of the pseudo-cluster. */
export interface RunningDaemon {
  /** Lines for the ready banner, e.g. `NameNode RPC: localhost:8020`. */
  readonly summary: readonly string[];
  stop(): Promise<void>;
}

/** A daemon the pseudo-cluster starts after its KDC, ZooKeeper and conf dir exist. */
export interface PseudoClusterDaemon {
  readonly name: string;
  start(cluster: PseudoCluster): Promise<RunningDaemon>;
}

export interface ServiceIdentity {
  readonly principal: string;
  readonly keytab: string;
}

export class PseudoCluster {
  readonly dir: string;
  readonly confDir: string;
  readonly kdc: MiniKdc;
  readonly zk: MiniZooKeeper;
  /** Service identities by short name: `nn`, `dn`, `HTTP`. */
  readonly services: Readonly<Record<'nn' | 'dn' | 'HTTP', ServiceIdentity>>;
  /** A user that logs in from a keytab. */
  readonly alice: ServiceIdentity;
  /** A user that logs in with a password (throwaway, printed in the banner). */
  readonly bob: { readonly principal: string; readonly password: string };
  /** The NameNode RPC address written to the conf (the NameNode daemon binds it). */
  readonly namenodeAddress: string;
  /** The DataNode's data transfer address written to the conf (the DataNode daemon binds it). */
  readonly datanodeAddress: string;
  /** The selective-encryption policy: the whitelist in ZooKeeper and its admin identity. */
  readonly policy: PseudoPolicy;
  #daemons: { name: string; running: RunningDaemon }[] = [];
  #unregisterCleanup: () => void = () => {};

  private constructor(init: {
    dir: string;
    kdc: MiniKdc;
    zk: MiniZooKeeper;
    services: Record<'nn' | 'dn' | 'HTTP', ServiceIdentity>;
    alice: ServiceIdentity;
    bob: { principal: string; password: string };
    namenodeAddress: string;
    datanodeAddress: string;
    policy: PseudoPolicy;
  }) {
    this.dir = init.dir;
    this.confDir = join(init.dir, 'conf');
    this.kdc = init.kdc;
    this.zk = init.zk;
    this.services = init.services;
    this.alice = init.alice;
    this.bob = init.bob;
    this.namenodeAddress = init.namenodeAddress;
    this.datanodeAddress = init.datanodeAddress;
    this.policy = init.policy;
  }

  /** Starts the KDC and ZooKeeper, creates principals, keytabs and the conf dir, then the daemons. */
  static async start(opts: PseudoClusterOptions = {}): Promise<PseudoCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'hsec-cluster-'));
    const unregisterCleanup = registerExitCleanup(() => rmSync(dir, { recursive: true, force: true }));
    let kdc: MiniKdc | undefined;
    let zk: MiniZooKeeper | undefined;
    let cluster: PseudoCluster | undefined;
    try {
      kdc = await MiniKdc.start({
        realm: opts.realm,
        maxTicketLifeSeconds: opts.maxTicketLifeSeconds,
        requirePreauth: true, // as production KDCs do
        dir: mkdir(dir, 'kdc'),
      });
      zk = await MiniZooKeeper.start({ dir: mkdir(dir, 'zookeeper') });
      const keytabs = mkdir(dir, 'keytabs');
      const realmKdc = kdc;
      const service = async (short: 'nn' | 'dn' | 'HTTP', file: string): Promise<ServiceIdentity> => {
        const keytab = join(keytabs, file);
        await realmKdc.createKeytab(keytab, `${short}/${PSEUDO_HOST}`);
        return { principal: realmKdc.principal(`${short}/${PSEUDO_HOST}`), keytab };
      };
      const services = {
        nn: await service('nn', 'nn.service.keytab'),
        dn: await service('dn', 'dn.service.keytab'),
        HTTP: await service('HTTP', 'spnego.service.keytab'),
      };
      const aliceKeytab = join(keytabs, 'alice.keytab');
      await kdc.createKeytab(aliceKeytab, 'alice');
      const password = randomBytes(12).toString('base64url');
      await kdc.addPrincipal('bob', { password });
      cluster = new PseudoCluster({
        dir,
        kdc,
        zk,
        services,
        alice: { principal: kdc.principal('alice'), keytab: aliceKeytab },
        bob: { principal: kdc.principal('bob'), password },
        namenodeAddress: `${PSEUDO_HOST}:${await freePort()}`,
        datanodeAddress: `127.0.0.1:${await freePort()}`,
        policy: await seedPseudoPolicy(zk.connectString, dir),
      });
      cluster.#unregisterCleanup = unregisterCleanup;
      cluster.#writeConf(opts.properties ?? {});
      await cluster.#startDaemons(opts.daemons ?? []);
      log.info({ dir, realm: kdc.realm }, 'pseudo-cluster ready');
      return cluster;
    } catch (e) {
      if (cluster) {
        await cluster.stop(); // daemons started so far, ZooKeeper, KDC, dir
      } else {
        await zk?.stop();
        await kdc?.stop();
        rmSync(dir, { recursive: true, force: true });
      }
      unregisterCleanup();
      throw e;
    }
  }

  /** A credential cache path inside the cluster dir, for users of the banner's export lines. */
  get userCcache(): string {
    return `FILE:${join(this.dir, 'krb5cc_user')}`;
  }

  /** Summary lines of the running daemons, in start order. */
  get daemonSummaries(): readonly string[] {
    return this.#daemons.flatMap((d) => d.running.summary);
  }

  /** True while the KDC and ZooKeeper processes are alive. */
  get healthy(): boolean {
    return this.kdc.pid !== undefined && this.zk.pid !== undefined;
  }

  /** Stops daemons (reverse order), ZooKeeper and the KDC, and removes the cluster dir. */
  async stop(): Promise<void> {
    for (const d of this.#daemons.splice(0).reverse()) {
      try {
        await d.running.stop();
      } catch (e) {
        log.warn({ daemon: d.name, err: e }, 'daemon did not stop cleanly');
      }
    }
    await this.zk.stop();
    await this.kdc.stop();
    rmSync(this.dir, { recursive: true, force: true });
    this.#unregisterCleanup();
  }

  async #startDaemons(daemons: readonly PseudoClusterDaemon[]): Promise<void> {
    for (const daemon of daemons) {
      const running = await daemon.start(this);
      this.#daemons.push({ name: daemon.name, running });
    }
  }

  #writeConf(extra: Readonly<Record<string, string>>): void {
    mkdirSync(this.confDir, { recursive: true });
    const realm = this.kdc.realm;
    // Only keys hsec reads and enforces today (test/integration/mini/pseudo-cluster.test.ts checks
    // this against the key registry's usedBy): later features add theirs as they land.
    const fixedWhitelist = join(this.confDir, 'fixedwhitelist');
    writeFileSync(fixedWhitelist, '# read once at start; the whitelist that changes is in ZooKeeper (hsec policy)\n');
    const core: SiteProperty[] = [
      { name: 'fs.defaultFS', value: `hdfs://${this.namenodeAddress}` },
      { name: 'hadoop.security.authentication', value: 'kerberos' },
      // Selective encryption (docs/selective-encryption.md): whitelisted clients authenticate only, the others encrypt.
      { name: 'hadoop.rpc.protection', value: 'authentication,privacy' },
      { name: 'hadoop.rpc.protection.non-whitelist', value: 'privacy' },
      { name: 'hadoop.security.saslproperties.resolver.class', value: 'org.apache.hadoop.security.WhitelistBasedResolver' },
      { name: 'hadoop.security.sasl.fixedwhitelist.file', value: fixedWhitelist },
      { name: 'hsec.security.sasl.whitelist.store', value: 'zookeeper' },
      { name: 'hadoop.zk.address', value: this.zk.connectString },
      { name: 'hadoop.zk.acl', value: this.policy.acl },
      { name: 'hsec.security.sasl.policy.audit.file', value: join(this.dir, 'hsec-policy-audit.log') },
      {
        name: 'hadoop.security.auth_to_local',
        value: [`RULE:[2:$1/$2@$0]([nd]n/.*@${realm.replace(/\./g, '\\.')})s/.*/hdfs/`, `RULE:[2:$1/$2@$0](HTTP/.*@${realm.replace(/\./g, '\\.')})s/.*/HTTP/`, 'DEFAULT'].join('\n'),
      },
    ];
    const hdfs: SiteProperty[] = [
      { name: 'dfs.namenode.rpc-address', value: this.namenodeAddress },
      { name: 'dfs.namenode.kerberos.principal', value: `nn/_HOST@${realm}` },
      { name: 'dfs.namenode.keytab.file', value: this.services.nn.keytab },
      { name: 'dfs.block.access.token.enable', value: 'true' },
      { name: 'dfs.replication', value: '1', description: 'one DataNode' },
      { name: 'dfs.datanode.kerberos.principal', value: `dn/_HOST@${realm}` },
      { name: 'dfs.datanode.keytab.file', value: this.services.dn.keytab },
      { name: 'dfs.datanode.hostname', value: PSEUDO_HOST },
      { name: 'dfs.datanode.address', value: this.datanodeAddress },
      { name: 'dfs.datanode.ipc.address', value: '127.0.0.1:0', description: 'InterDatanodeProtocol (block recovery); the port goes to the NameNode with the registration' },
      { name: 'dfs.datanode.data.dir', value: `file://${join(this.dir, 'datanode', 'data')}` },
      // Block traffic: SASL at privacy, then AES/CTR instead of the SASL cipher (clients read these too).
      { name: 'dfs.data.transfer.protection', value: 'privacy' },
      { name: 'dfs.encrypt.data.transfer.cipher.suites', value: 'AES/CTR/NoPadding' },
    ];
    for (const [name, value] of Object.entries(extra)) {
      const list = hdfs.some((p) => p.name === name) ? hdfs : core;
      const at = list.findIndex((p) => p.name === name);
      if (at >= 0) list[at] = { name, value, description: 'hsec start -D' };
      else core.push({ name, value, description: 'hsec start -D' });
    }
    const note = 'generated by `hsec start` for a throwaway pseudo-cluster; deleted when it stops';
    writeSiteXml(join(this.confDir, 'core-site.xml'), core, note);
    writeSiteXml(join(this.confDir, 'hdfs-site.xml'), hdfs, note);
  }
}

function mkdir(parent: string, name: string): string {
  const path = join(parent, name);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return path;
}
