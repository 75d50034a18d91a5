/**
 * `hsec start` (what `npm start` runs): brings up the secure pseudo-cluster of
 * cluster/mini/pseudo-cluster.ts (a throwaway MIT KDC, ZooKeeper, principals, keytabs and a Hadoop
 * conf dir), prints `hsec: cluster ready` and how to use it, stays up until SIGINT/SIGTERM, then
 * stops everything it started and removes its temp dir. Exits 1 if the KDC or ZooKeeper dies.
 * `hsec -D key=value start` writes the property into the generated conf dir.
 * Its daemons (the NameNode, then a DataNode) are listed in DAEMONS below.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../../lib/errors/index.ts';
import { PseudoCluster, type PseudoClusterDaemon } from '../../mini/pseudo-cluster.ts';
import { PSEUDO_WHITELIST_SEED, PSEUDO_WHITELIST_ZNODE } from '../../mini/pseudo-policy.ts';
import { join } from 'node:path';
import { datanodeDaemon } from '../../datanode/pseudo-daemon.ts';
import { namenodeDaemon } from '../../namenode/pseudo-daemon.ts';
import { cliConfigSource } from '../generic-options.ts';

/** The line `hsec start` prints once the cluster is usable (tests wait for it). */
export const READY_LINE = 'hsec: cluster ready';
/** The last line of the ready banner. */
export const BANNER_END = 'Press Ctrl-C to stop; everything above is deleted on exit.';

// ---------------------------------------------------------------------------------------------
// DAEMONS: the pseudo-cluster's own daemons start here, in order, after the KDC, ZooKeeper and
// conf dir are ready (they receive the PseudoCluster: conf dir, keytabs, ZooKeeper address), and
// stop in reverse order before them. The DataNode joins after the NameNode.
// ---------------------------------------------------------------------------------------------
const DAEMONS: readonly PseudoClusterDaemon[] = [namenodeDaemon, datanodeDaemon];

interface StartOptions {
  readonly realm: string;
  readonly maxTicketLife: string;
}

export function register(program: Command): void {
  program
    .command('start')
    .description('start a throwaway secure pseudo-cluster (MIT KDC, ZooKeeper, principals, keytabs, conf dir) until Ctrl-C')
    .option('--realm <realm>', 'Kerberos realm of the throwaway KDC', 'EXAMPLE.TEST')
    .option('--max-ticket-life <seconds>', 'maximum ticket life the KDC issues, in seconds', '86400')
    .action(async (opts: StartOptions, command: Command) => {
      // -D key=value: written into the generated conf dir (daemons and clients of the conf dir see it).
      process.exitCode = await runStart(opts, cliConfigSource(command).overrides ?? {});
    });
}

async function runStart(opts: StartOptions, properties: Readonly<Record<string, string>>): Promise<number> {
  const maxTicketLifeSeconds = Number(opts.maxTicketLife);
  if (!Number.isInteger(maxTicketLifeSeconds) || maxTicketLifeSeconds < 60) {
    throw new ConfigError('CONFIG_INVALID', `--max-ticket-life must be a whole number of seconds, at least 60 (got ${opts.maxTicketLife})`, {
      option: 'max-ticket-life',
    });
  }
  const stopRequested = waitForSignal();
  const cluster = await PseudoCluster.start({ realm: opts.realm, maxTicketLifeSeconds, daemons: DAEMONS, properties });
  process.stdout.write(banner(cluster));
  const health = watchHealth(cluster);
  const outcome = await Promise.race([stopRequested.promise, health.promise]);
  health.dispose();
  stopRequested.dispose();
  process.stdout.write(`hsec: stopping (${outcome.reason})\n`);
  await cluster.stop();
  process.stdout.write('hsec: stopped\n');
  return outcome.exitCode;
}

interface Outcome {
  readonly reason: string;
  readonly exitCode: number;
}

/** Resolves on the first SIGINT or SIGTERM; a second signal while stopping exits at once. */
function waitForSignal(): { promise: Promise<Outcome>; dispose(): void } {
  let onSignal: (sig: NodeJS.Signals) => void = () => {};
  const promise = new Promise<Outcome>((resolve) => {
    onSignal = (sig) => resolve({ reason: `received ${sig}`, exitCode: 0 });
  });
  // `on`, not `once`: while a listener of ours is registered, the fixtures' own signal hook
  // (cluster/mini/managed-process.ts) leaves the shutdown to us.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    promise,
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      const force = (): void => process.exit(130);
      process.on('SIGINT', force);
      process.on('SIGTERM', force);
    },
  };
}

/** Checks every second that the KDC and ZooKeeper are still running; also keeps the process alive. */
function watchHealth(cluster: PseudoCluster): { promise: Promise<Outcome>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<Outcome>((resolve) => {
    timer = setInterval(() => {
      if (cluster.healthy) return;
      clearInterval(timer);
      const which = cluster.kdc.pid === undefined ? 'the KDC' : 'ZooKeeper';
      process.stderr.write(`hsec: ${which} exited unexpectedly\n`);
      resolve({ reason: `${which} exited`, exitCode: 1 });
    }, 1000);
  });
  return { promise, dispose: () => clearInterval(timer) };
}

/**
 * The ready banner. Its "Use it from another shell" lines run as they are, in order, from the
 * repository root (test/integration/mini/hsec-start.test.ts runs them through bash).
 */
function banner(c: PseudoCluster): string {
  const tokenFile = join(c.dir, 'alice.token');
  const pad = (label: string): string => `  ${label.padEnd(14)}`;
  const lines = [
    READY_LINE,
    `${pad('hsec pid')}${process.pid} (stop with Ctrl-C or kill -TERM ${process.pid})`,
    `${pad('realm')}${c.kdc.realm}`,
    `${pad('KDC')}${c.kdc.address} (TCP and UDP, pid ${c.kdc.pid})`,
    `${pad('krb5.conf')}${c.kdc.krb5ConfPath}`,
    `${pad('ZooKeeper')}${c.zk.connectString} (pid ${c.zk.pid})`,
    `${pad('whitelist')}${PSEUDO_WHITELIST_ZNODE} in ZooKeeper (${PSEUDO_WHITELIST_SEED}; 127.0.0.1 built in): authentication for those, privacy for the others`,
    `${pad('conf dir')}${c.confDir}`,
    '  service keytabs:',
    ...Object.values(c.services).map((s) => `    ${s.principal.padEnd(32)}${s.keytab}`),
    '  users:',
    `    ${c.alice.principal.padEnd(32)}keytab ${c.alice.keytab}`,
    `    ${c.bob.principal.padEnd(32)}password ${c.bob.password}   (throwaway)`,
    ...(c.daemonSummaries.length > 0 ? ['  daemons:', ...c.daemonSummaries.map((s) => `    ${s}`)] : []),
    '',
    'Use it from another shell:',
    `  export KRB5_CONFIG=${c.kdc.krb5ConfPath} HADOOP_CONF_DIR=${c.confDir} KRB5CCNAME=${c.userCcache}`,
    `  kinit -kt ${c.alice.keytab} alice     # MIT's kinit; or: kinit bob`,
    `  bin/hsec kinit -k -t ${c.alice.keytab} alice     # hsec's own Kerberos client`,
    '  klist',
    `  bin/hsec fetchdt --renewer alice ${tokenFile}     # a NameNode delegation token (0600 file)`,
    `  bin/hsec dtutil print ${tokenFile}`,
    '  bin/hsec fs -put README.md /user/alice/     # HDFS: blocks go to the DataNode protected as its line above says',
    '  bin/hsec fs -ls /user/alice',
    `  bin/hsec fs -get /user/alice/README.md ${join(c.dir, 'README.copy')}`,
    '  bin/hsec policy explain 127.0.0.2     # selective encryption: whitelisted in ZooKeeper, [auth,auth-conf]',
    '  bin/hsec policy explain 127.0.0.3     # not whitelisted: [auth-conf] only',
    `  bin/hsec -D hadoop.zk.auth=@${c.policy.adminAuthFile} policy whitelist add 127.0.0.3/32     # as the ZooKeeper admin`,
    BANNER_END,
    '',
  ];
  return lines.join('\n');
}
