/**
 * `hsec namenode`: runs the hsec NameNode (cluster/namenode) in the foreground, as Hadoop's
 * `hdfs namenode`: configuration from `--conf DIR` / HADOOP_CONF_DIR, listens on
 * dfs.namenode.rpc-address (generic options `--conf`, `-D key=value`), logs in from dfs.namenode.keytab.file as
 * dfs.namenode.kerberos.principal (`_HOST` replaced), prints a ready line, writes a pid file, and
 * stops cleanly on SIGTERM/SIGINT (removing the pid file).
 */
import type { Command } from 'commander';
import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { cliConfigSource, loadCliConfiguration, type CliConfigArg } from '../generic-options.ts';
import { NameNode } from '../../namenode/namenode.ts';

/** The line printed once the NameNode accepts connections (tests wait for it). */
export const NAMENODE_READY = 'hsec namenode: ready';

interface NameNodeCliOptions {
  readonly pidFile?: string;
}

export function register(program: Command): void {
  program
    .command('namenode')
    .description('run the NameNode delegation-token service (Hadoop IPC ClientProtocol, Kerberos + TOKEN) until SIGTERM')
    .option('--pid-file <path>', 'pid file (default: $HADOOP_PID_DIR or /tmp, hsec-<user>-namenode.pid)')
    .action(async (opts: NameNodeCliOptions, command: Command) => {
      process.exitCode = await runNameNode(cliConfigSource(command), opts);
    });
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--conf` / `-D` options). */
export async function runNameNode(config: CliConfigArg, opts: NameNodeCliOptions = {}): Promise<number> {
  const conf = loadCliConfiguration(config);
  const pidFile = opts.pidFile ?? join(process.env.HADOOP_PID_DIR || tmpdir(), `hsec-${userInfo().username}-namenode.pid`);
  // Hadoop's NameNode logs in from its keytab at start (loginAsNameNodeUser); KRB5_CONFIG names the KDCs.
  const nn = await NameNode.start(conf, { login: true });
  await writeFile(pidFile, `${process.pid}\n`, { mode: 0o644 });
  const { host, port } = nn.address;
  process.stdout.write(`${NAMENODE_READY} on ${host}:${port} as ${nn.settings.principal ?? '(security off)'}, name dir ${nn.settings.nameDir}, pid ${process.pid}\n`);
  const signal = await new Promise<string>((resolve) => {
    const on = (s: NodeJS.Signals) => resolve(s);
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });
  process.stdout.write(`hsec namenode: stopping (${signal})\n`);
  await nn.stop();
  await unlink(pidFile).catch(() => undefined);
  process.stdout.write('hsec namenode: stopped\n');
  return 0;
}
