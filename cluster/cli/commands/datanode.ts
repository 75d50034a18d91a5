/**
 * `hsec datanode`: runs the hsec DataNode (cluster/datanode) in the foreground, as Hadoop's
 * `hdfs datanode`: configuration from `--config DIR` / HADOOP_CONF_DIR (generic options `-D`,
 * `-conf`), logs in from dfs.datanode.keytab.file as dfs.datanode.kerberos.principal (`_HOST` =
 * dfs.datanode.hostname or the local host name), stores blocks under dfs.datanode.data.dir, serves
 * data transfer on dfs.datanode.address and reports to the NameNode of dfs.namenode.rpc-address /
 * fs.defaultFS, then runs as every hsec daemon does (cluster/service/daemon.ts: pid file, ready
 * line, SIGTERM/SIGINT; exit code 1 when the NameNode link gives up, e.g. the data directory
 * belongs to another cluster).
 */
import type { Command } from 'commander';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { readyLine, runDaemon } from '../../service/daemon.ts';
import { DataNode } from '../../datanode/datanode.ts';

/** The line printed once the DataNode serves its data port (tests wait for it). */
export const DATANODE_READY = readyLine('datanode');

interface DataNodeCliOptions {
  readonly pidFile?: string;
}

export function register(program: Command): void {
  program
    .command('datanode')
    .description('run a DataNode (block storage, DataTransferProtocol with SASL / AES, heartbeats to the NameNode over Kerberos IPC) until SIGTERM')
    .option('--pid-file <path>', 'pid file (default: $HADOOP_PID_DIR or /tmp, hsec-<user>-datanode.pid)')
    .action(async (opts: DataNodeCliOptions, command: Command) => {
      process.exitCode = await runDataNode(cliConfigSource(command), opts);
    });
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` options). */
export function runDataNode(config: CliConfigArg, opts: DataNodeCliOptions = {}): Promise<number> {
  const conf = loadCliConfiguration(config);
  return runDaemon({ name: 'datanode', ...(opts.pidFile ? { pidFile: opts.pidFile } : {}) }, async () => {
    // Hadoop's DataNode logs in from its keytab at start (SecurityUtil.login); KRB5_CONFIG names the KDCs.
    const dn = await DataNode.start(conf, { login: true });
    const { host, port } = dn.xferAddress;
    return {
      readyDetail: `data transfer on ${host}:${port} (${dn.handshake === 'none' ? 'no SASL' : `${dn.handshake} SASL handshake`}) as ${dn.identity.principal ?? '(security off)'}, data dir ${dn.settings.dataDir}, datanode ${dn.datanodeUuid}`,
      failed: dn.failure,
      ended: dn.shutDown.then(() => 'shutdownDatanode'),
      stop: () => dn.stop(),
    };
  });
}
