/**
 * `hsec namenode`: runs the hsec NameNode (cluster/namenode) in the foreground, as Hadoop's
 * `hdfs namenode`: configuration from `--config DIR` / HADOOP_CONF_DIR (generic options `-D`,
 * `-conf`), listens on dfs.namenode.rpc-address, logs in from dfs.namenode.keytab.file as
 * dfs.namenode.kerberos.principal (`_HOST` replaced), then runs as every hsec daemon does
 * (cluster/service/daemon.ts: pid file, ready line, SIGTERM/SIGINT).
 */
import type { Command } from 'commander';
import { cliConfigSource, toConfigSource, type CliConfigArg } from '../generic-options.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { readyLine, runDaemon } from '../../service/daemon.ts';
import { NameNode } from '../../namenode/namenode.ts';

/** The line printed once the NameNode accepts connections (tests wait for it). */
export const NAMENODE_READY = readyLine('namenode');

interface NameNodeCliOptions {
  readonly pidFile?: string;
}

export function register(program: Command): void {
  program
    .command('namenode')
    .description('run the NameNode (Hadoop IPC ClientProtocol and DatanodeProtocol, Kerberos + TOKEN: namespace, blocks, block and delegation tokens) until SIGTERM')
    .option('--pid-file <path>', 'pid file (default: $HADOOP_PID_DIR or /tmp, hsec-<user>-namenode.pid)')
    .action(async (opts: NameNodeCliOptions, command: Command) => {
      process.exitCode = await runNameNode(cliConfigSource(command), opts);
    });
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` options). */
export function runNameNode(config: CliConfigArg, opts: NameNodeCliOptions = {}): Promise<number> {
  const conf = loadCliConfiguration(config);
  // A refresh (dfsadmin -refreshServiceAcl ...) reads the same directory's site files again, as
  // Hadoop's `new Configuration()` does: the -D and -conf options of this start are not re-applied.
  const { confDir } = toConfigSource(config);
  const reloadConfiguration = () => loadCliConfiguration(confDir !== undefined ? { confDir } : {});
  return runDaemon({ name: 'namenode', ...(opts.pidFile ? { pidFile: opts.pidFile } : {}) }, async () => {
    // Hadoop's NameNode logs in from its keytab at start (loginAsNameNodeUser); KRB5_CONFIG names the KDCs.
    const nn = await NameNode.start(conf, { login: true, reloadConfiguration });
    const { host, port } = nn.address;
    return {
      readyDetail: `on ${host}:${port} as ${nn.principal ?? '(security off)'}, name dir ${nn.settings.nameDir}`,
      stop: () => nn.stop(),
    };
  });
}
