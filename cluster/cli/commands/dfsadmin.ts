/**
 * `hsec dfsadmin`, after Hadoop 3.4.1's `hdfs dfsadmin` (hadoop-hdfs tools/DFSAdmin.java) for the
 * commands a security layer needs most: `-refreshServiceAcl`, `-refreshUserToGroupsMappings` and
 * `-refreshSuperUserGroupsConfiguration` make the NameNode of fs.defaultFS (or `-fs`) re-read its
 * service ACLs, forget its cached groups, and re-read its hadoop.proxyuser.* rules, without a
 * restart; `-report [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance]
 * [-slownodes]`, `-printTopology`, `-safemode get|enter|leave|wait|forceExit` ("Safe mode is ON" /
 * "Safe mode is OFF"; `wait` asks again every 5 s until it is off) and `-saveNamespace
 * [-beforeShutdown]` ("Save namespace successful"; -beforeShutdown first prints the time window
 * dfs.namenode.checkpoint.period x dfs.namenode.missing.checkpoint.periods.before.shutdown and the
 * transaction gap dfs.namenode.checkpoint.txns x the same) ask it over ClientProtocol
 * (../dfsadmin-report.ts formats the report as DFSAdmin does); `-setQuota`, `-clrQuota`,
 * `-setSpaceQuota` and `-clrSpaceQuota` set directory quotas (../dfsadmin-quota.ts);
 * `-restoreFailedStorage true|false|check` ("restoreFailedStorage is set to <value>"),
 * `-refreshNodes` ("Refresh nodes successful": the NameNode re-reads dfs.hosts and
 * dfs.hosts.exclude), `-finalizeUpgrade` ("Finalize upgrade successful"), `-upgrade query|finalize`
 * ("Upgrade finalized" / "Upgrade not finalized") and `-metasave <filename>` ("Created metasave file
 * <filename> in the log directory of namenode hdfs://host:port") are DFSAdmin's non-HA forms.
 * As DFSAdmin does, each refresh goes over its own protocol (RefreshAuthorizationPolicyProtocol,
 * RefreshUserMappingsProtocol) with `hadoop.security.service.user.name.key` set to
 * dfs.namenode.kerberos.principal, so the NameNode's principal is checked, as the login user
 * (ticket cache or HADOOP_TOKEN_FILE_LOCATION). Output, messages and exit codes are DFSAdmin's:
 * "Refresh service acl successful" on stdout and 0; a refusal by the NameNode prints
 * `refreshServiceAcl: <first line of the remote message>` on stderr, a local failure
 * `refreshServiceAcl: <message>`, and both exit with DFSAdmin's -1 (255 from the JVM); so does a
 * misused command, after its `Usage:` line (except `-safemode` with an unknown word, which prints
 * its usage and exits 0, as DFSAdmin.setSafeMode returns before setting an exit code).
 */
import type { Command } from 'commander';
import type { Configuration } from '../../../lib/config/index.ts';
import { HsecError } from '../../../lib/errors/index.ts';
import { canonicalHostName } from '../../../lib/net/resolve.ts';
import { User } from '../../../security/identity/user.ts';
import { callCredentials, type ProtocolSecurityInfo } from '../../../security/sasl/rpc/protocol-security.ts';
import type { RpcClient } from '../../../security/sasl/rpc/rpc-client.ts';
import { acquireRpcClient } from '../../client/shared-rpc-client.ts';
import { parseHostPort } from '../../../lib/net/host-port.ts';
import { CLIENT_DATANODE_PROTOCOL_INFO, ClientDatanodeProtocolClient, datanodeLocalReport } from '../../protocol/client-datanode-protocol.ts';
import { HdfsClient } from '../../client/hdfs-client.ts';
import { ClientProtocolClient } from '../../protocol/client-protocol-client.ts';
import { CLIENT_PROTOCOL_INFO, type DatanodeReportType, type OpenFileEntry, type OpenFilesType, type SafeModeAction } from '../../protocol/client-protocol.ts';
import type { DatanodeInfo } from '../../protocol/hdfs-types.ts';
import { nameNodeClientAddress } from '../../protocol/namenode-address.ts';
import {
  REFRESH_AUTHORIZATION_POLICY_CODEC, REFRESH_AUTHORIZATION_POLICY_INFO, REFRESH_USER_MAPPINGS_CODEC, REFRESH_USER_MAPPINGS_INFO,
  SERVICE_USER_NAME_KEY,
} from '../../protocol/refresh-protocols.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { helpText, usageText } from '../dfsadmin-help.ts';
import { parseQuotaCommand, QUOTA_USAGE, QuotaArgumentError, runQuotaPlan, type QuotaCommandName } from '../dfsadmin-quota.ts';
import { expandAsGlob } from '../fs-operands.ts';
import { datanodeName, nodesText, summaryText, topologyText } from '../dfsadmin-report.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import type { CliIo } from './fetchdt.ts';

/** DFSAdmin's `return -1`, as the JVM's System.exit(-1) leaves it. */
export const DFSADMIN_FAILURE = 255;

/** One NameNode call of a command: which protocol, which method, with an empty request. */
interface AdminCall {
  readonly info: ProtocolSecurityInfo;
  readonly method: string;
  readonly encode: () => Uint8Array;
  readonly decode: (bytes: Uint8Array) => unknown;
}

/** What a command runs with: the NameNode over ClientProtocol, the refresh protocols, stdout. */
interface AdminContext {
  readonly conf: Configuration;
  readonly nn: ClientProtocolClient;
  /** The same NameNode as a file system client (paths relative to /user/<short name>, globs), as the same user. */
  hdfs(): Promise<HdfsClient>;
  /** DFSAdmin.getDataNodeProxy: ClientDatanodeProtocol at `host:ipc_port`, as the login user (Kerberos). */
  datanode(hostPort: string): ClientDatanodeProtocolClient;
  refresh(call: AdminCall): Promise<void>;
  out(s: string): void;
  err(s: string): void;
}

interface AdminCommand {
  /** DFSAdmin.printUsage(cmd) text after `Usage: hsec dfsadmin`. */
  readonly usage: string;
  /** Whether the arguments after the command are acceptable (DFSAdmin.run's length checks). */
  readonly argsOk: (rest: readonly string[]) => boolean;
  /** Runs it; resolves to the exit code. */
  readonly run: (ctx: AdminContext, rest: readonly string[]) => Promise<number>;
  /** The command's own argument parsing, before any call (a QuotaArgumentError prints the message and the usage). */
  readonly check?: (rest: readonly string[]) => void;
}

/**
 * A quota command: Command.runAll over the <dirname> words, each expanded as `hsec fs` expands its
 * paths (PathData.expandAsGlob), `setQuota: <message>` for each failed word (../dfsadmin-quota.ts).
 */
const quotaCommand = (name: QuotaCommandName): AdminCommand => ({
  usage: `[${QUOTA_USAGE[name]}]`,
  argsOk: () => true,
  check: (rest) => void parseQuotaCommand(name, rest),
  run: async (ctx, rest) => {
    const plan = parseQuotaCommand(name, rest);
    const fs = await ctx.hdfs();
    const code = await runQuotaPlan(name, plan, {
      expand: (arg) => expandAsGlob(fs, arg),
      setQuota: (path, p) => ctx.nn.setQuota(path, p.nsQuota, p.ssQuota, p.type),
      failure: (e) => (e instanceof HsecError ? failureLine(e) : undefined),
      err: ctx.err,
    });
    return code === 0 ? 0 : DFSADMIN_FAILURE;
  },
});

/** A refresh command: one call, then DFSAdmin's success line (non-HA: one NameNode). */
const refreshCommand = (usage: string, argsOk: AdminCommand['argsOk'], call: AdminCall, success: string): AdminCommand => ({
  usage,
  argsOk,
  run: async (ctx) => {
    await ctx.refresh(call);
    ctx.out(`${success}\n`);
    return 0;
  },
});

const refreshCall = (method: 'refreshServiceAcl'): AdminCall => ({
  info: REFRESH_AUTHORIZATION_POLICY_INFO,
  method,
  encode: () => REFRESH_AUTHORIZATION_POLICY_CODEC.encodeRequest(method, {}),
  decode: (bytes) => REFRESH_AUTHORIZATION_POLICY_CODEC.decodeResponse(method, bytes),
});

const mappingsCall = (method: 'refreshUserToGroupsMappings' | 'refreshSuperUserGroupsConfiguration'): AdminCall => ({
  info: REFRESH_USER_MAPPINGS_INFO,
  method,
  encode: () => REFRESH_USER_MAPPINGS_CODEC.encodeRequest(method, {}),
  decode: (bytes) => REFRESH_USER_MAPPINGS_CODEC.decodeResponse(method, bytes),
});

/** DFSAdmin.report's node filters, in the order it prints them. */
const REPORT_TYPES: ReadonlyArray<{ flag: string; type: DatanodeReportType | 'SLOW'; state: string }> = [
  { flag: '-live', type: 'LIVE', state: 'Live' },
  { flag: '-dead', type: 'DEAD', state: 'Dead' },
  { flag: '-decommissioning', type: 'DECOMMISSIONING', state: 'Decommissioning' },
  { flag: '-enteringmaintenance', type: 'ENTERING_MAINTENANCE', state: 'Entering maintenance' },
  { flag: '-inmaintenance', type: 'IN_MAINTENANCE', state: 'In maintenance' },
  { flag: '-slownodes', type: 'SLOW', state: 'Slow' },
];

const SAFE_MODE_ACTIONS: Readonly<Record<string, SafeModeAction>> = {
  leave: 'SAFEMODE_LEAVE', enter: 'SAFEMODE_ENTER', get: 'SAFEMODE_GET', wait: 'SAFEMODE_GET', forceexit: 'SAFEMODE_FORCE_EXIT',
};
/** DFSAdmin.waitExitSafeMode's poll interval. */
const SAFE_MODE_POLL_MS = 5000;

/** RemoteException.toString / IOException.toString, as DFSAdmin prints a wrapped failure. */
function javaToString(e: unknown): string {
  if (e instanceof HsecError && typeof e.details.exceptionClassName === 'string' && typeof e.details.errorMsg === 'string') {
    return `org.apache.hadoop.ipc.RemoteException(${e.details.exceptionClassName}): ${e.details.errorMsg}`;
  }
  return `java.io.IOException: ${e instanceof Error ? e.message : String(e)}`;
}

/** DFSAdmin's `throw new IOException("Datanode unreachable. " + ioe, ioe)`. */
async function unreachable<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new Error(`Datanode unreachable. ${javaToString(e)}`);
  }
}

/** DFSAdmin.run's `catch (IllegalArgumentException)`: `cmd: message`, then the command's usage line. */
export class IllegalArgument extends Error {}

class NumberFormatException extends Error {}

/** Long.parseLong: an optional sign and decimal digits within the long range, else NumberFormatException. */
function parseLong(s: string): bigint {
  const n = /^[+-]?\d+$/.test(s) ? BigInt(s) : undefined;
  if (n === undefined || n > 0x7fffffffffffffffn || n < -0x8000000000000000n) throw new NumberFormatException(`For input string: "${s}"`);
  return n;
}

/**
 * StringUtils.TraditionalBinaryPrefix.string2long with its exceptions: a number, or one with a k m
 * g t p e suffix (any case); a bad number is a NumberFormatException, a bad suffix or an overflow
 * an IllegalArgumentException.
 */
export function string2long(value: string): number {
  const s = value.trim();
  const last = s.charAt(s.length - 1);
  if (/\d/.test(last)) return Number(parseLong(s));
  const power = 'kmgtpe'.indexOf(last.toLowerCase());
  if (power < 0) throw new IllegalArgument(`Invalid size prefix '${last}' in '${s}'. Allowed prefixes are k, m, g, t, p, e(case insensitive)`);
  const prefix = 1n << BigInt(10 * (power + 1));
  const num = parseLong(s.slice(0, -1));
  if (num > 0x7fffffffffffffffn / prefix || num < -0x8000000000000000n / prefix) throw new IllegalArgument(`${s} does not fit in a Long`);
  return Number(num * prefix);
}

/** StringUtils.popOption: removes `name` (before any `--`) from `args`; whether it was there. */
export function popOption(args: string[], name: string): boolean {
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    if (args[i] === name) {
      args.splice(i, 1);
      return true;
    }
  }
  return false;
}

/** StringUtils.popOptionWithArgument: removes `name` and its value (before any `--`); the value. */
export function popOptionWithArgument(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    if (args[i] !== name) continue;
    if (i === args.length - 1) throw new IllegalArgument(`option ${name} requires 1 argument.`);
    return args.splice(i, 2)[1];
  }
  return undefined;
}

/** StringUtils.popFirstNonOption: the first argument not starting with `-` (or the one after `--`, which stays). */
export function popFirstNonOption(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return i + 1 < args.length ? args.splice(i + 1, 1)[0] : undefined;
    if (!args[i]!.startsWith('-')) return args.splice(i, 1)[0];
  }
  return undefined;
}

const DATANODE_COMMANDS: Readonly<Record<string, AdminCommand>> = {
  '-getDatanodeInfo': {
    usage: '[-getDatanodeInfo <datanode_host:ipc_port>]',
    argsOk: (rest) => rest.length === 1,
    run: async (ctx, [dn]) => {
      const info = await unreachable(() => ctx.datanode(dn!).getDatanodeInfo());
      ctx.out(`${datanodeLocalReport(info)}\n`);
      return 0;
    },
  },
  '-getBalancerBandwidth': {
    usage: '[-getBalancerBandwidth <datanode_host:ipc_port>]',
    argsOk: (rest) => rest.length === 1,
    run: async (ctx, [dn]) => {
      const bandwidth = await unreachable(() => ctx.datanode(dn!).getBalancerBandwidth());
      ctx.out(`Balancer bandwidth is ${bandwidth} bytes per second.\n`);
      return 0;
    },
  },
  '-evictWriters': {
    usage: '[-evictWriters <datanode_host:ipc_port>]',
    // DFSAdmin.run checks no argument count for this one: without argv[1], Java's index error
    argsOk: () => true,
    run: async (ctx, [dn]) => {
      if (dn === undefined) throw new Error('Index 1 out of bounds for length 1');
      await unreachable(() => ctx.datanode(dn!).evictWriters());
      ctx.out(`Requested writer eviction to datanode ${dn}\n`);
      return 0;
    },
  },
  '-shutdownDatanode': {
    usage: '[-shutdownDatanode <datanode_host:ipc_port> [upgrade]]',
    argsOk: (rest) => rest.length === 1 || rest.length === 2,
    run: async (ctx, [dn, word]) => {
      if (word !== undefined && word.toLowerCase() !== 'upgrade') {
        ctx.err(`Usage: hsec dfsadmin ${DATANODE_COMMANDS['-shutdownDatanode']!.usage}\n`);
        return DFSADMIN_FAILURE;
      }
      await ctx.datanode(dn!).shutdownDatanode(word !== undefined);
      ctx.out(`Submitted a shutdown request to datanode ${dn}\n`);
      return 0;
    },
  },
  '-triggerBlockReport': {
    usage: '[-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]',
    argsOk: (rest) => rest.length >= 1 && rest.length <= 4,
    run: async (ctx, rest) => {
      const args = [...rest];
      const nn = popOptionWithArgument(args, '-namenode');
      const incremental = popOption(args, '-incremental');
      const hostPort = popFirstNonOption(args);
      if (hostPort === undefined) {
        ctx.err('You must specify a host:port pair.\n');
        return 1;
      }
      if (args.length > 0) {
        ctx.err(`Can't understand arguments: ${args.join(' ')}\n`);
        return 1;
      }
      try {
        await ctx.datanode(hostPort).triggerBlockReport(nn === undefined ? { incremental } : { incremental, nnAddress: nn });
      } catch (e) {
        ctx.err(`triggerBlockReport error: ${javaToString(e)}\n`);
        return 1;
      }
      ctx.out(`Triggering ${incremental ? 'an incremental ' : 'a full '}block report on ${hostPort}${nn === undefined ? '' : ` to namenode ${nn}`}.\n`);
      return 0;
    },
  },
  '-setBalancerBandwidth': {
    usage: '[-setBalancerBandwidth <bandwidth in bytes per second>]',
    argsOk: (rest) => rest.length === 1,
    run: async (ctx, [value]) => {
      let bandwidth: number;
      try {
        bandwidth = string2long(value!);
      } catch (e) {
        if (!(e instanceof NumberFormatException)) throw e;
        ctx.err(`NumberFormatException: ${e.message}\nUsage: hsec dfsadmin [-setBalancerBandwidth <bandwidth in bytes per second>]\n`);
        return DFSADMIN_FAILURE;
      }
      if (bandwidth < 0) {
        ctx.err('Bandwidth should be a non-negative integer\n');
        return DFSADMIN_FAILURE;
      }
      try {
        await ctx.nn.setBalancerBandwidth(bandwidth);
      } catch (e) {
        ctx.err('Balancer bandwidth is set failed.\n');
        throw e;
      }
      ctx.out(`Balancer bandwidth is set to ${bandwidth}\n`);
      return 0;
    },
  },
  '-listOpenFiles': {
    usage: '[-listOpenFiles [-blockingDecommission] [-path <path>]]',
    argsOk: (rest) => rest.length <= 3,
    run: async (ctx, rest) => {
      const args = [...rest];
      const types: OpenFilesType[] = popOption(args, '-blockingDecommission') ? ['BLOCKING_DECOMMISSION'] : ['ALL_OPEN_FILES'];
      // (other words are ignored, as there)
      const path = popOptionWithArgument(args, '-path')?.trim() || '/'; // OpenFilesIterator.FILTER_PATH_DEFAULT
      let entries;
      try {
        entries = await ctx.nn.listOpenFiles(types, path);
      } catch (e) {
        ctx.err('List open files failed.\n');
        throw e;
      }
      ctx.out(openFilesText(entries));
      return 0;
    },
  },
};

/** DFSAdmin.printOpenFiles: "%-20s\t%-20s\t%s" header, "%-20s\t%-20s\t%20s" rows. */
export function openFilesText(entries: readonly OpenFileEntry[]): string {
  const row = (host: string, name: string, path: string) => `${host.padEnd(20)}\t${name.padEnd(20)}\t${path}\n`;
  return row('Client Host', 'Client Name', 'Open File Path') + entries.map((e) => row(e.clientMachine, e.clientName, e.path.padStart(20))).join('');
}

/** DFSAdmin.upgrade's words (equalsIgnoreCase). */
const UPGRADE_ACTIONS = new Set(['query', 'finalize']);

/** DFSAdmin.finalizeUpgrade (non-HA). */
async function finalizeUpgrade(ctx: AdminContext): Promise<number> {
  await ctx.nn.finalizeUpgrade();
  ctx.out('Finalize upgrade successful\n');
  return 0;
}

/** The NameNode storage and membership commands (DFSAdmin.restoreFailedStorage, refreshNodes, finalizeUpgrade, upgrade, metaSave). */
const UPGRADE_AND_NODES_COMMANDS: Readonly<Record<string, AdminCommand>> = {
  '-restoreFailedStorage': {
    usage: '[-restoreFailedStorage true|false|check ]',
    argsOk: (rest) => rest.length === 1,
    run: async (ctx, [arg]) => {
      if (arg !== 'check' && arg !== 'true' && arg !== 'false') {
        ctx.err('restoreFailedStorage valid args are true|false|check\n');
        return DFSADMIN_FAILURE;
      }
      ctx.out(`restoreFailedStorage is set to ${await ctx.nn.restoreFailedStorage(arg)}\n`);
      return 0;
    },
  },
  '-refreshNodes': {
    usage: '[-refreshNodes]',
    argsOk: (rest) => rest.length === 0,
    run: async (ctx) => {
      await ctx.nn.refreshNodes();
      ctx.out('Refresh nodes successful\n');
      return 0;
    },
  },
  '-finalizeUpgrade': { usage: '[-finalizeUpgrade]', argsOk: (rest) => rest.length === 0, run: finalizeUpgrade },
  '-upgrade': {
    usage: '[-upgrade query | finalize]',
    argsOk: (rest) => rest.length === 1,
    run: async (ctx, [arg]) => {
      const action = arg!.toLowerCase();
      if (!UPGRADE_ACTIONS.has(action)) {
        ctx.err(`Usage: hsec dfsadmin ${UPGRADE_AND_NODES_COMMANDS['-upgrade']!.usage}\n`);
        return DFSADMIN_FAILURE;
      }
      if (action === 'finalize') return finalizeUpgrade(ctx);
      ctx.out((await ctx.nn.upgradeStatus()) ? 'Upgrade finalized\n' : 'Upgrade not finalized\n');
      return 0;
    },
  },
  '-metasave': {
    usage: '[-metasave filename]',
    argsOk: (rest) => rest.length === 1,
    run: async (ctx, [filename]) => {
      await ctx.nn.metaSave(filename!);
      ctx.out(`Created metasave file ${filename} in the log directory of namenode ${fileSystemUri(ctx.conf)}\n`);
      return 0;
    },
  },
};

/** DistributedFileSystem.getUri: `hdfs://` and fs.defaultFS's authority (or the NameNode address). */
function fileSystemUri(conf: Configuration): string {
  const named = /^hdfs:\/\/([^/]*)/i.exec(conf.get('fs.defaultFS') ?? '');
  if (named) return `hdfs://${named[1]}`;
  const nn = nameNodeClientAddress(conf);
  return `hdfs://${nn.host}:${nn.port}`;
}

const COMMANDS: Readonly<Record<string, AdminCommand>> = {
  '-report': {
    usage: '[-report] [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]',
    argsOk: (rest) => rest.length <= REPORT_TYPES.length,
    run: report,
  },
  '-safemode': {
    usage: '[-safemode enter | leave | get | wait | forceExit]',
    argsOk: (rest) => rest.length === 1,
    run: safeMode,
  },
  '-saveNamespace': {
    usage: '[-saveNamespace [-beforeShutdown]]',
    argsOk: (rest) => rest.length <= 1,
    run: saveNamespace,
  },
  // DFSAdmin.rollEdits: the NameNode continues in a new journal (cluster/namenode/namespace/namespace-store.ts `roll`)
  '-rollEdits': {
    usage: '[-rollEdits]',
    argsOk: (rest) => rest.length === 0,
    run: async (ctx) => {
      const txid = await ctx.nn.rollEdits();
      ctx.out(`Successfully rolled edit logs.\nNew segment starts at txid ${txid}\n`);
      return 0;
    },
  },
  ...UPGRADE_AND_NODES_COMMANDS,
  '-setQuota': quotaCommand('-setQuota'),
  '-clrQuota': quotaCommand('-clrQuota'),
  '-setSpaceQuota': quotaCommand('-setSpaceQuota'),
  '-clrSpaceQuota': quotaCommand('-clrSpaceQuota'),
  '-printTopology': {
    usage: '[-printTopology]',
    argsOk: (rest) => rest.length === 0,
    run: async (ctx) => {
      const nodes = await ctx.nn.getDatanodeReport('ALL');
      ctx.out(topologyText(nodes, await hostNames(nodes)));
      return 0;
    },
  },
  '-refreshServiceAcl': refreshCommand('[-refreshServiceAcl]', (rest) => rest.length === 0, refreshCall('refreshServiceAcl'), 'Refresh service acl successful'),
  '-refreshUserToGroupsMappings': refreshCommand(
    '[-refreshUserToGroupsMappings]', (rest) => rest.length === 0, mappingsCall('refreshUserToGroupsMappings'), 'Refresh user to groups mapping successful'),
  // DFSAdmin.run checks no argument count for this one
  '-refreshSuperUserGroupsConfiguration': refreshCommand(
    '[-refreshSuperUserGroupsConfiguration]', () => true, mappingsCall('refreshSuperUserGroupsConfiguration'), 'Refresh super user groups configuration successful'),
  ...DATANODE_COMMANDS,
};

/** DFSAdmin.report: the summary (getFsStats, setSafeMode GET, the block counts), then the DataNodes of each type asked (all by default). */
async function report(ctx: AdminContext, rest: readonly string[]): Promise<number> {
  const { nn } = ctx;
  const [fs, safe, replicated, ec] = [await nn.getFsStats(), await nn.setSafeMode('SAFEMODE_GET'), await nn.getReplicatedBlockStats(), await nn.getECBlockGroupStats()];
  ctx.out(summaryText(fs, safe, replicated, ec));
  const asked = new Set(rest);
  const all = !REPORT_TYPES.some((t) => asked.has(t.flag));
  for (const { flag, type, state } of REPORT_TYPES) {
    if (!all && !asked.has(flag)) continue;
    const nodes = type === 'SLOW' ? await nn.getSlowDatanodeReport() : await nn.getDatanodeReport(type);
    ctx.out(nodesText(state, nodes, asked.has(flag), await hostNames(nodes)));
  }
  return 0;
}

/** DFSAdmin.setSafeMode: an unknown action prints the usage (and, as there, still exits 0). */
async function safeMode(ctx: AdminContext, rest: readonly string[]): Promise<number> {
  const word = rest[0]!.toLowerCase();
  const action = SAFE_MODE_ACTIONS[word];
  if (!action) {
    ctx.err(`Usage: hsec dfsadmin ${COMMANDS['-safemode']!.usage}\n`);
    return 0;
  }
  let on = await ctx.nn.setSafeMode(action);
  while (word === 'wait' && on) {
    await new Promise((r) => setTimeout(r, SAFE_MODE_POLL_MS));
    on = await ctx.nn.setSafeMode('SAFEMODE_GET');
  }
  ctx.out(`Safe mode is ${on ? 'ON' : 'OFF'}\n`);
  return 0;
}

/**
 * DFSAdmin.saveNamespace (non-HA): a second word other than -beforeShutdown is ignored, as there.
 * NameNodeRpcServer answers true whenever the save did not fail, so "No extra checkpoint has been
 * made" is printed only by a NameNode that answers false.
 */
async function saveNamespace(ctx: AdminContext, rest: readonly string[]): Promise<number> {
  let timeWindow = 0;
  let txGap = 0;
  if (rest[0] === '-beforeShutdown') {
    const periods = ctx.conf.getInt('dfs.namenode.missing.checkpoint.periods.before.shutdown', 3);
    timeWindow = ctx.conf.getTimeDuration('dfs.namenode.checkpoint.period', 's', 's', 3600) * periods;
    txGap = ctx.conf.getLong('dfs.namenode.checkpoint.txns', 1_000_000) * periods;
    ctx.out(`Do checkpoint if necessary before stopping namenode. The time window is ${timeWindow} seconds, and the transaction gap is ${txGap}\n`);
  }
  const saved = await ctx.nn.saveNamespace(timeWindow, txGap);
  ctx.out(saved ? 'Save namespace successful\n' : 'No extra checkpoint has been made\n');
  return 0;
}

/** NetUtils.getHostNameOfIP for each node's `ip:port`: the IP's host name (the IP itself when it has none). */
async function hostNames(nodes: readonly DatanodeInfo[]): Promise<(name: string) => string> {
  const names = new Map<string, string>();
  for (const dn of nodes) names.set(datanodeName(dn), await canonicalHostName(dn.id.ipAddr));
  return (name) => names.get(name) ?? name.slice(0, name.lastIndexOf(':'));
}

/** The commands this dfsadmin serves (-help aside). */
export const dfsadminCommands = (): ReadonlySet<string> => new Set(Object.keys(COMMANDS));

/** DFSAdmin.printUsage(""): every command this dfsadmin knows, then the generic options (../dfsadmin-help.ts). */
export function dfsadminUsage(): string {
  return usageText(dfsadminCommands());
}

export function register(program: Command): void {
  program
    .command('dfsadmin')
    .description('HDFS admin commands like hdfs dfsadmin: -report, -safemode, -saveNamespace, -rollEdits, -restoreFailedStorage, -refreshNodes, -finalizeUpgrade, -upgrade, -metasave, -printTopology, -setQuota, -clrQuota, -setSpaceQuota, -clrSpaceQuota, -refreshServiceAcl, -refreshUserToGroupsMappings, -refreshSuperUserGroupsConfiguration, -setBalancerBandwidth, -listOpenFiles, -getDatanodeInfo, -getBalancerBandwidth, -triggerBlockReport, -evictWriters, -shutdownDatanode')
    .usage('-report [-live] [-dead] ... | -safemode get|enter|leave|wait|forceExit | -saveNamespace [-beforeShutdown] | -rollEdits | -restoreFailedStorage true|false|check | -refreshNodes | -finalizeUpgrade | -upgrade query|finalize | -metasave <filename> | -printTopology | -setQuota <quota> <dirname>... | -clrQuota <dirname>... | -setSpaceQuota <quota> [-storageType <type>] <dirname>... | -clrSpaceQuota [-storageType <type>] <dirname>... | -refreshServiceAcl | -refreshUserToGroupsMappings | -refreshSuperUserGroupsConfiguration | -setBalancerBandwidth <bytes/s> | -listOpenFiles [-blockingDecommission] [-path <path>] | -getDatanodeInfo|-getBalancerBandwidth|-evictWriters <dn_host:ipc_port> | -triggerBlockReport [-incremental] <dn_host:ipc_port> [-namenode <nn_host:ipc_port>] | -shutdownDatanode <dn_host:ipc_port> [upgrade]')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await runDfsadmin(cliConfigSource(command), args);
    });
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` / `-fs` options). */
export async function runDfsadmin(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const [name, ...rest] = argv;
  if (name === undefined) {
    err(dfsadminUsage());
    return DFSADMIN_FAILURE;
  }
  if (name === '-help') {
    // DFSAdmin.printHelp(argv[1] or "") (../dfsadmin-help.ts): the words after it are not looked at
    out(helpText(dfsadminCommands(), rest[0]));
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`${name.replace(/^-/, '')}: Unknown command\n${dfsadminUsage()}`);
    return DFSADMIN_FAILURE;
  }
  if (!command.argsOk(rest)) {
    err(`Usage: hsec dfsadmin ${command.usage}\n`);
    return DFSADMIN_FAILURE;
  }
  try {
    command.check?.(rest);
  } catch (e) {
    if (!(e instanceof QuotaArgumentError)) throw e;
    // DFSAdmin.run's catch (IllegalArgumentException): the message, then printUsage(cmd)
    err(`${name.slice(1)}: ${e.message}\nUsage: hsec dfsadmin ${command.usage}\n`);
    return DFSADMIN_FAILURE;
  }
  try {
    const conf = adminConfiguration(loadCliConfiguration(config, env));
    let fs: HdfsClient | undefined;
    return await withNameNode(conf, env, (nn, rpc, credentialsFor, user) => command.run({
      conf,
      nn,
      hdfs: async () => (fs ??= await HdfsClient.connect({ conf, user, env })),
      datanode: (hostPort) => new ClientDatanodeProtocolClient({
        rpc, address: parseHostPort(hostPort, 'datanode_host:ipc_port'), credentials: credentialsFor(CLIENT_DATANODE_PROTOCOL_INFO),
        timeoutMs: conf.getTimeDuration('dfs.client.socket-timeout', 'ms', 'ms', 60_000),
      }),
      out,
      err,
      refresh: async (call) => {
        const address = nameNodeClientAddress(conf);
        call.decode(await rpc.call(address, call.info.protocol, call.method, call.encode(), { ...credentialsFor(call.info), declaringProtocol: call.info.protocol, protocolVersion: call.info.version }));
      },
    }, rest).finally(() => fs?.close()));
  } catch (e) {
    err(`${name.slice(1)}: ${failureLine(e)}\n`);
    if (e instanceof IllegalArgument || e instanceof QuotaArgumentError) err(`Usage: hsec dfsadmin ${command.usage}\n`);
    return DFSADMIN_FAILURE;
  }
}

/**
 * DFSAdmin's `conf.set(HADOOP_SECURITY_SERVICE_USER_NAME_KEY, conf.get(DFS_NAMENODE_KERBEROS_PRINCIPAL_KEY, ""))`:
 * the refresh protocols' server principal is the NameNode's.
 */
function adminConfiguration(conf: Configuration): Configuration {
  return conf.clone().set(SERVICE_USER_NAME_KEY, conf.get('dfs.namenode.kerberos.principal') ?? '', 'DFSAdmin').freeze();
}

/** Runs `fn` as the login user against the NameNode of fs.defaultFS, over one shared RpcClient. */
async function withNameNode<T>(
  conf: Configuration,
  env: NodeJS.ProcessEnv,
  fn: (nn: ClientProtocolClient, rpc: RpcClient, credentialsFor: (info: ProtocolSecurityInfo) => ReturnType<typeof callCredentials>, user: User) => Promise<T>,
): Promise<T> {
  const address = nameNodeClientAddress(conf);
  const user = await User.login(conf, { env });
  const connections = acquireRpcClient(conf);
  try {
    const credentialsFor = (info: ProtocolSecurityInfo) => callCredentials(user, info, conf);
    const nn = new ClientProtocolClient({ rpc: connections.rpc, address, credentials: credentialsFor(CLIENT_PROTOCOL_INFO) });
    return await fn(nn, connections.rpc, credentialsFor, user);
  } finally {
    connections.release();
    user.close();
  }
}

/**
 * DFSAdmin.run's catch: a RemoteException shows the first line of the server's message (no class
 * name); any other failure its message.
 */
function failureLine(e: unknown): string {
  if (e instanceof HsecError) {
    const remote = e.details.errorMsg;
    if (typeof remote === 'string' && typeof e.details.exceptionClassName === 'string') return remote.split('\n')[0]!;
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
