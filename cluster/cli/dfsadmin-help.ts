/**
 * `hsec dfsadmin -help [cmd]` and the usage list, after Hadoop 3.4.1's DFSAdmin.printHelp,
 * DFSAdmin.commonUsageSummary and DFSAdmin.printUsage("") (hadoop-hdfs tools/DFSAdmin.java), with
 * ToolRunner.printGenericCommandUsage at the end (the generic options hsec takes, as `hsec fs`
 * lists them). "hdfs dfsadmin" reads "hsec dfsadmin", as in the rest of dfsadmin's usage lines.
 *
 * Only the commands hsec's dfsadmin serves are here (and listed only while its command table has
 * them): -rollingUpgrade, -refreshCallQueue, -refresh, -reconfig, -refreshNamenodes,
 * -getVolumeReport, -deleteBlockPool, -fetchImage, -allowSnapshot, -disallowSnapshot and
 * -provisionSnapshotTrash are left out until they are served; `-help` of one of them prints the
 * whole help, as DFSAdmin does for a name it does not know.
 */
import { GENERIC_OPTIONS } from './fs-help.ts';

interface HelpEntry {
  /** The command, with its dash, as the dfsadmin command table names it. */
  readonly name: string;
  /** Its line in DFSAdmin.commonUsageSummary (without the tab and newline). */
  readonly summary: string;
  /** Its text in DFSAdmin.printHelp (printed with println). */
  readonly text: string;
  /** Whether printHelp matches the name with equalsIgnoreCase. */
  readonly ignoreCase?: boolean;
}

const STORAGE_TYPES_TEXT = '\t\tAvailable storageTypes are \n\t\t- DISK\n\t\t- SSD\n\t\t- ARCHIVE\n\t\t- PROVIDED\n\t\t- NVDIMM';

/**
 * printHelp's texts in its order. commonUsageSummary lists the same commands in another order
 * (SUMMARY_ORDER): -finalizeUpgrade and -upgrade after the quota commands, -metasave after
 * -getDatanodeInfo.
 */
const ENTRIES: readonly HelpEntry[] = [
  {
    name: '-report',
    summary: '[-report [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]]',
    text: '-report [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]:\n' +
      '\tReports basic filesystem information and statistics. \n' +
      '\tThe dfs usage can be different from "du" usage, because it\n' +
      '\tmeasures raw space used by replication, checksums, snapshots\n' +
      '\tand etc. on all the DNs.\n' +
      '\tOptional flags may be used to filter the list of displayed DNs.\n',
  },
  {
    name: '-safemode',
    summary: '[-safemode <enter | leave | get | wait | forceExit>]',
    text: '-safemode <enter|leave|get|wait|forceExit>:  Safe mode maintenance command.\n' +
      '\t\tSafe mode is a Namenode state in which it\n' +
      '\t\t\t1.  does not accept changes to the name space (read-only)\n' +
      '\t\t\t2.  does not replicate or delete blocks.\n' +
      '\t\tSafe mode is entered automatically at Namenode startup, and\n' +
      '\t\tleaves safe mode automatically when the configured minimum\n' +
      '\t\tpercentage of blocks satisfies the minimum replication\n' +
      '\t\tcondition.  Safe mode can also be entered manually, but then\n' +
      '\t\tit can only be turned off manually as well.\n',
  },
  {
    name: '-saveNamespace',
    summary: '[-saveNamespace [-beforeShutdown]]',
    text: '-saveNamespace [-beforeShutdown]:\tSave current namespace into storage directories and reset edits \n' +
      '\t\t log. Requires safe mode.\n' +
      '\t\tIf the "beforeShutdown" option is given, the NameNode does a \n' +
      '\t\tcheckpoint if and only if there is no checkpoint done during \n' +
      '\t\ta time window (a configurable number of checkpoint periods).\n' +
      '\t\tThis is usually used before shutting down the NameNode to \n' +
      '\t\tprevent potential fsimage/editlog corruption.\n',
  },
  { name: '-rollEdits', summary: '[-rollEdits]', text: '-rollEdits:\tRolls the edit log.\n' },
  {
    name: '-restoreFailedStorage',
    summary: '[-restoreFailedStorage true|false|check]',
    text: '-restoreFailedStorage:\tSet/Unset/Check flag to attempt restore of failed storage replicas if they become available.\n',
  },
  {
    name: '-refreshNodes',
    summary: '[-refreshNodes]',
    text: '-refreshNodes: \tUpdates the namenode with the set of datanodes allowed to connect to the namenode.\n\n' +
      '\t\tNamenode re-reads datanode hostnames from the file defined by \n' +
      '\t\tdfs.hosts, dfs.hosts.exclude configuration parameters.\n' +
      '\t\tHosts defined in dfs.hosts are the datanodes that are part of \n' +
      '\t\tthe cluster. If there are entries in dfs.hosts, only the hosts \n' +
      '\t\tin it are allowed to register with the namenode.\n\n' +
      '\t\tEntries in dfs.hosts.exclude are datanodes that need to be \n' +
      '\t\tdecommissioned. Datanodes complete decommissioning when \n' +
      '\t\tall the replicas from them are replicated to other datanodes.\n' +
      '\t\tDecommissioned nodes are not automatically shutdown and \n' +
      '\t\tare not chosen for writing new replicas.\n',
  },
  {
    name: '-finalizeUpgrade',
    summary: '[-finalizeUpgrade]',
    text: '-finalizeUpgrade: Finalize upgrade of HDFS.\n' +
      '\t\tDatanodes delete their previous version working directories,\n' +
      '\t\tfollowed by Namenode doing the same.\n' +
      '\t\tThis completes the upgrade process.\n',
  },
  {
    name: '-upgrade',
    summary: '[-upgrade <query | finalize>]',
    text: '-upgrade <query | finalize>:\n' +
      '     query: query the current upgrade status.\n' +
      '  finalize: finalize the upgrade of HDFS (equivalent to -finalizeUpgrade.',
  },
  {
    name: '-metasave',
    summary: '[-metasave filename]',
    text: '-metasave <filename>: \tSave Namenode\'s primary data structures\n' +
      '\t\tto <filename> in the directory specified by hadoop.log.dir property.\n' +
      '\t\t<filename> is overwritten if it exists.\n' +
      '\t\t<filename> will contain one line for each of the following\n' +
      '\t\t\t1. Datanodes heart beating with Namenode\n' +
      '\t\t\t2. Blocks waiting to be replicated\n' +
      '\t\t\t3. Blocks currrently being replicated\n' +
      '\t\t\t4. Blocks waiting to be deleted\n',
  },
  {
    name: '-setQuota',
    summary: '[-setQuota <quota> <dirname>...<dirname>]',
    text: '-setQuota <quota> <dirname>...<dirname>: Set the quota <quota> for each directory <dirName>.\n' +
      '\t\tThe directory quota is a long integer that puts a hard limit\n' +
      '\t\ton the number of names in the directory tree\n' +
      '\t\tFor each directory, attempt to set the quota. An error will be reported if\n' +
      '\t\t1. quota is not a positive integer, or\n' +
      '\t\t2. User is not an administrator, or\n' +
      '\t\t3. The directory does not exist or is a file.\n' +
      '\t\tNote: A quota of 1 would force the directory to remain empty.\n',
  },
  {
    name: '-clrQuota',
    summary: '[-clrQuota <dirname>...<dirname>]',
    text: '-clrQuota <dirname>...<dirname>: Clear the quota for each directory <dirName>.\n' +
      '\t\tFor each directory, attempt to clear the quota. An error will be reported if\n' +
      '\t\t1. the directory does not exist or is a file, or\n' +
      '\t\t2. user is not an administrator.\n' +
      '\t\tIt does not fault if the directory has no quota.',
  },
  {
    name: '-setSpaceQuota',
    summary: '[-setSpaceQuota <quota> [-storageType <storagetype>] <dirname>...<dirname>]',
    text: '-setSpaceQuota <quota> [-storageType <storagetype>] <dirname>...<dirname>: Set the space quota <quota> for each directory <dirName>.\n' +
      '\t\tThe space quota is a long integer that puts a hard limit\n' +
      '\t\ton the total size of all the files under the directory tree.\n' +
      '\t\tThe extra space required for replication is also counted. E.g.\n' +
      '\t\ta 1GB file with replication of 3 consumes 3GB of the quota.\n\n' +
      '\t\tQuota can also be specified with a binary prefix for terabytes,\n' +
      '\t\tpetabytes etc (e.g. 50t is 50TB, 5m is 5MB, 3p is 3PB).\n' +
      '\t\tFor each directory, attempt to set the quota. An error will be reported if\n' +
      '\t\t1. quota is not a positive integer or zero, or\n' +
      '\t\t2. user is not an administrator, or\n' +
      '\t\t3. the directory does not exist or is a file.\n' +
      '\t\tThe storage type specific quota is set when -storageType option is specified.\n' +
      STORAGE_TYPES_TEXT,
  },
  {
    name: '-clrSpaceQuota',
    summary: '[-clrSpaceQuota [-storageType <storagetype>] <dirname>...<dirname>]',
    text: '-clrSpaceQuota [-storageType <storagetype>] <dirname>...<dirname>: Clear the space quota for each directory <dirName>.\n' +
      '\t\tFor each directory, attempt to clear the quota. An error will be reported if\n' +
      '\t\t1. the directory does not exist or is a file, or\n' +
      '\t\t2. user is not an administrator.\n' +
      '\t\tIt does not fault if the directory has no quota.\n' +
      '\t\tThe storage type specific quota is cleared when -storageType option is specified.\n' +
      STORAGE_TYPES_TEXT,
  },
  {
    name: '-refreshServiceAcl',
    summary: '[-refreshServiceAcl]',
    text: '-refreshServiceAcl: Reload the service-level authorization policy file\n\t\tNamenode will reload the authorization policy file.\n',
  },
  { name: '-refreshUserToGroupsMappings', summary: '[-refreshUserToGroupsMappings]', text: '-refreshUserToGroupsMappings: Refresh user-to-groups mappings\n' },
  {
    name: '-refreshSuperUserGroupsConfiguration',
    summary: '[-refreshSuperUserGroupsConfiguration]',
    text: '-refreshSuperUserGroupsConfiguration: Refresh superuser proxy groups mappings\n',
  },
  { name: '-printTopology', summary: '[-printTopology]', text: '-printTopology: Print a tree of the racks and their\n\t\tnodes as reported by the Namenode\n' },
  {
    name: '-setBalancerBandwidth',
    summary: '[-setBalancerBandwidth <bandwidth in bytes per second>]',
    text: '-setBalancerBandwidth <bandwidth>:\n' +
      '\tChanges the network bandwidth used by each datanode during\n' +
      '\tHDFS block balancing.\n\n' +
      '\t\t<bandwidth> is the maximum number of bytes per second\n' +
      '\t\tthat will be used by each datanode. This value overrides\n' +
      '\t\tthe dfs.datanode.balance.bandwidthPerSec parameter.\n\n' +
      '\t\t--- NOTE: The new value is not persistent on the DataNode.---\n',
  },
  {
    name: '-getBalancerBandwidth',
    summary: '[-getBalancerBandwidth <datanode_host:ipc_port>]',
    text: '-getBalancerBandwidth <datanode_host:ipc_port>:\n' +
      '\tGet the network bandwidth for the given datanode.\n' +
      '\tThis is the maximum network bandwidth used by the datanode\n' +
      '\tduring HDFS block balancing.\n\n' +
      '\t--- NOTE: This value is not persistent on the DataNode.---\n',
  },
  {
    name: '-shutdownDatanode',
    summary: '[-shutdownDatanode <datanode_host:ipc_port> [upgrade]]',
    ignoreCase: true,
    text: '-shutdownDatanode <datanode_host:ipc_port> [upgrade]\n' +
      '\tSubmit a shutdown request for the given datanode. If an optional\n' +
      '\t"upgrade" argument is specified, clients accessing the datanode\n' +
      '\twill be advised to wait for it to restart and the fast start-up\n' +
      '\tmode will be enabled. When the restart does not happen in time,\n' +
      '\tclients will timeout and ignore the datanode. In such case, the\n' +
      '\tfast start-up mode will also be disabled.\n',
  },
  {
    name: '-evictWriters',
    summary: '[-evictWriters <datanode_host:ipc_port>]',
    ignoreCase: true,
    text: '-evictWriters <datanode_host:ipc_port>\n' +
      '\tMake the datanode evict all clients that are writing a block.\n' +
      '\tThis is useful if decommissioning is hung due to slow writers.\n',
  },
  {
    name: '-getDatanodeInfo',
    summary: '[-getDatanodeInfo <datanode_host:ipc_port>]',
    ignoreCase: true,
    text: '-getDatanodeInfo <datanode_host:ipc_port>\n' +
      '\tGet the information about the given datanode. This command can\n' +
      '\tbe used for checking if a datanode is alive.\n',
  },
  {
    name: '-triggerBlockReport',
    summary: '[-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]',
    ignoreCase: true,
    text: '-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]\n' +
      '\tTrigger a block report for the datanode.\n' +
      '\tIf \'incremental\' is specified, it will be an incremental\n' +
      '\tblock report; otherwise, it will be a full block report.\n',
  },
  {
    name: '-listOpenFiles',
    summary: '[-listOpenFiles [-blockingDecommission] [-path <path>]]',
    ignoreCase: true,
    text: '-listOpenFiles [-blockingDecommission]\n' +
      '\tList all open files currently managed by the NameNode along\n' +
      '\twith client name and client machine accessing them.\n' +
      '\tIf \'blockingDecommission\' option is specified, it will list the\n' +
      '\topen files only that are blocking the ongoing Decommission.',
  },
  {
    name: '-help',
    summary: '[-help [cmd]]',
    text: '-help [cmd]: \tDisplays help for the given command or all commands if none\n\t\tis specified.\n',
  },
];

/** The entries of the commands served (`-help` always is), in printHelp's order. */
function served(commands: ReadonlySet<string>): HelpEntry[] {
  return ENTRIES.filter((e) => e.name === '-help' || commands.has(e.name));
}

/** DFSAdmin.commonUsageSummary's order of the commands served. */
const SUMMARY_ORDER: readonly string[] = [
  '-report', '-safemode', '-saveNamespace', '-rollEdits', '-restoreFailedStorage', '-refreshNodes', '-setQuota', '-clrQuota', '-setSpaceQuota',
  '-clrSpaceQuota', '-finalizeUpgrade', '-upgrade', '-refreshServiceAcl', '-refreshUserToGroupsMappings', '-refreshSuperUserGroupsConfiguration',
  '-printTopology', '-setBalancerBandwidth', '-getBalancerBandwidth', '-shutdownDatanode', '-evictWriters', '-getDatanodeInfo', '-metasave',
  '-triggerBlockReport', '-listOpenFiles', '-help',
];

/** DFSAdmin.commonUsageSummary for the commands served: one `\t[...]\n` line each, ending with -help. */
export function usageSummary(commands: ReadonlySet<string>): string {
  const rank = (e: HelpEntry) => SUMMARY_ORDER.indexOf(e.name);
  return served(commands).sort((a, b) => rank(a) - rank(b)).map((e) => `\t${e.summary}\n`).join('');
}

/** DFSAdmin.printUsage(""): printed on stderr for no command or an unknown one. */
export function usageText(commands: ReadonlySet<string>): string {
  return `Usage: hsec dfsadmin\nNote: Administrative commands can only be run as the HDFS superuser.\n${usageSummary(commands)}\n${GENERIC_OPTIONS}`;
}

/**
 * DFSAdmin.printHelp(cmd), on stdout: the text of `cmd` (a command name without its dash), or, for
 * none or a name it does not know, the summary, every command's text and the generic options.
 */
export function helpText(commands: ReadonlySet<string>, cmd = ''): string {
  const entries = served(commands);
  const name = `-${cmd}`;
  const entry = entries.find((e) => (e.ignoreCase ? e.name.toLowerCase() === name.toLowerCase() : e.name === name));
  if (entry) return `${entry.text}\n`;
  const summary = 'hsec dfsadmin performs DFS administrative commands.\n' +
    'Note: Administrative commands can only be run with superuser permission.\n' +
    `The full syntax is: \n\nhsec dfsadmin\n${usageSummary(commands)}`;
  return `${[summary, ...entries.map((e) => e.text)].map((t) => `${t}\n`).join('')}\n${GENERIC_OPTIONS}`;
}
