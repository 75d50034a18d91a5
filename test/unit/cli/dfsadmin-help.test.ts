// hsec dfsadmin -help [cmd] and the usage list, as Hadoop 3.4.1's DFSAdmin.printHelp /
// printUsage("") print them (texts checked against DFSAdmin.java), with "hsec dfsadmin" for
// "hdfs dfsadmin" and only the commands hsec serves. Nothing here reads a configuration or asks a server.
import { expect } from 'chai';
import { DFSADMIN_FAILURE, dfsadminCommands, runDfsadmin } from '../../../cluster/cli/commands/dfsadmin.ts';

describe('cli/dfsadmin -help: DFSAdmin.printHelp', () => {
  async function dfsadmin(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runDfsadmin('/nonexistent/hsec-conf', args, { out: (x) => void (out += x), err: (x) => void (err += x), env: {} });
    return { code, out, err };
  }
  const help = async (...args: string[]) => {
    const r = await dfsadmin('-help', ...args);
    expect(r.code).to.equal(0);
    expect(r.err).to.equal('');
    return r.out;
  };

  const GENERIC = 'Generic options supported are:\n' +
    '-conf <configuration file>        specify an application configuration file\n' +
    '-D <property=value>               define a value for a given property\n' +
    "-fs <file:///|hdfs://namenode:port> specify default filesystem URL to use, overrides 'fs.defaultFS' property from configurations.\n" +
    '\nThe general command line syntax is:\ncommand [genericOptions] [commandOptions]\n\n';

  it('-help safemode, -help setQuota, -help report, -help clrSpaceQuota: the command\'s text and println\'s newline, exit 0', async () => {
    expect(await help('safemode')).to.equal(
      '-safemode <enter|leave|get|wait|forceExit>:  Safe mode maintenance command.\n' +
      '\t\tSafe mode is a Namenode state in which it\n' +
      '\t\t\t1.  does not accept changes to the name space (read-only)\n' +
      '\t\t\t2.  does not replicate or delete blocks.\n' +
      '\t\tSafe mode is entered automatically at Namenode startup, and\n' +
      '\t\tleaves safe mode automatically when the configured minimum\n' +
      '\t\tpercentage of blocks satisfies the minimum replication\n' +
      '\t\tcondition.  Safe mode can also be entered manually, but then\n' +
      '\t\tit can only be turned off manually as well.\n\n',
    );
    expect(await help('setQuota')).to.equal(
      '-setQuota <quota> <dirname>...<dirname>: Set the quota <quota> for each directory <dirName>.\n' +
      '\t\tThe directory quota is a long integer that puts a hard limit\n' +
      '\t\ton the number of names in the directory tree\n' +
      '\t\tFor each directory, attempt to set the quota. An error will be reported if\n' +
      '\t\t1. quota is not a positive integer, or\n' +
      '\t\t2. User is not an administrator, or\n' +
      '\t\t3. The directory does not exist or is a file.\n' +
      '\t\tNote: A quota of 1 would force the directory to remain empty.\n\n',
    );
    expect(await help('report')).to.equal(
      '-report [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]:\n' +
      '\tReports basic filesystem information and statistics. \n' +
      '\tThe dfs usage can be different from "du" usage, because it\n' +
      '\tmeasures raw space used by replication, checksums, snapshots\n' +
      '\tand etc. on all the DNs.\n' +
      '\tOptional flags may be used to filter the list of displayed DNs.\n\n',
    );
    // a text without a final newline (ClearSpaceQuotaCommand.DESCRIPTION): println's only
    expect(await help('clrSpaceQuota')).to.match(/^-clrSpaceQuota \[-storageType <storagetype>\] <dirname>\.\.\.<dirname>: Clear the space quota for each directory <dirName>\.\n[^]*\t\t- PROVIDED\n\t\t- NVDIMM\n$/);
    expect(await help('help')).to.equal('-help [cmd]: \tDisplays help for the given command or all commands if none\n\t\tis specified.\n\n');
    // words after the command are not looked at
    expect(await help('printTopology', 'extra')).to.equal('-printTopology: Print a tree of the racks and their\n\t\tnodes as reported by the Namenode\n\n');
  });

  it('-help of the upgrade, storage and nodes commands: DFSAdmin\'s texts (-upgrade\'s has no final newline)', async () => {
    expect(await help('restoreFailedStorage')).to.equal('-restoreFailedStorage:\tSet/Unset/Check flag to attempt restore of failed storage replicas if they become available.\n\n');
    expect(await help('finalizeUpgrade')).to.equal('-finalizeUpgrade: Finalize upgrade of HDFS.\n\t\tDatanodes delete their previous version working directories,\n' +
      '\t\tfollowed by Namenode doing the same.\n\t\tThis completes the upgrade process.\n\n');
    expect(await help('upgrade')).to.equal('-upgrade <query | finalize>:\n     query: query the current upgrade status.\n  finalize: finalize the upgrade of HDFS (equivalent to -finalizeUpgrade.\n');
    expect(await help('refreshNodes')).to.match(/^-refreshNodes: \tUpdates the namenode with the set of datanodes allowed to connect to the namenode\.\n\n\t\tNamenode re-reads [^]*\t\tare not chosen for writing new replicas\.\n\n$/);
    expect(await help('metasave')).to.match(/^-metasave <filename>: \tSave Namenode's primary data structures\n[^]*\t\t\t4\. Blocks waiting to be deleted\n\n$/);
    expect(await help('METASAVE')).to.match(/^hsec dfsadmin performs/); // printHelp compares these with equals
  });

  it('equalsIgnoreCase where printHelp uses it (the DataNode commands, -listOpenFiles), equals elsewhere', async () => {
    const text = await help('getDatanodeInfo');
    expect(text).to.equal('-getDatanodeInfo <datanode_host:ipc_port>\n\tGet the information about the given datanode. This command can\n\tbe used for checking if a datanode is alive.\n\n');
    expect(await help('GETDATANODEINFO')).to.equal(text);
    expect(await help('listopenfiles')).to.match(/^-listOpenFiles \[-blockingDecommission\]\n[^]*ongoing Decommission\.\n$/);
    expect(await help('SafeMode')).to.match(/^hsec dfsadmin performs DFS administrative commands\.\n/);
  });

  it('every command hsec serves has its own text, named as in the command table', async () => {
    for (const name of dfsadminCommands()) {
      expect(await help(name.slice(1)), name).to.satisfy((t: string) => t.startsWith(`${name} `) || t.startsWith(`${name}:`));
    }
  });

  it('no argument, an unknown name or one hsec does not serve: the summary, every served command\'s text, the generic options', async () => {
    const all = await help();
    expect(all.startsWith(
      'hsec dfsadmin performs DFS administrative commands.\n' +
      'Note: Administrative commands can only be run with superuser permission.\n' +
      'The full syntax is: \n\n' +
      'hsec dfsadmin\n' +
      '\t[-report [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]]\n' +
      '\t[-safemode <enter | leave | get | wait | forceExit>]\n' +
      '\t[-saveNamespace [-beforeShutdown]]\n',
    )).to.equal(true);
    // the summary's end (commonUsageSummary's newline, then println's), then the first text
    expect(all).to.contain('\t[-listOpenFiles [-blockingDecommission] [-path <path>]]\n\t[-help [cmd]]\n\n-report [-live]');
    // println after each text: a blank line after one ending in \n, none after one that does not
    expect(all).to.contain('\t\tit can only be turned off manually as well.\n\n-saveNamespace [-beforeShutdown]:\t');
    expect(all).to.contain('\t\tIt does not fault if the directory has no quota.\n-setSpaceQuota <quota> ');
    expect(all.endsWith(`\t\tis specified.\n\n\n${GENERIC}`)).to.equal(true);
    // printHelp's order, and only commands served
    const order = [...all.matchAll(/^(-\w+)[ :]/gm)].map((m) => m[1]);
    expect(order).to.deep.equal([
      '-report', '-safemode', '-saveNamespace', '-rollEdits', '-restoreFailedStorage', '-refreshNodes', '-finalizeUpgrade', '-upgrade', '-metasave',
      '-setQuota', '-clrQuota', '-setSpaceQuota', '-clrSpaceQuota',
      '-refreshServiceAcl', '-refreshUserToGroupsMappings', '-refreshSuperUserGroupsConfiguration', '-printTopology', '-setBalancerBandwidth',
      '-getBalancerBandwidth', '-shutdownDatanode', '-evictWriters', '-getDatanodeInfo', '-triggerBlockReport', '-listOpenFiles', '-help',
      '-conf', '-D', '-fs',
    ]);
    expect(all).to.not.contain('hdfs dfsadmin');
    expect(all).to.not.contain('-rollingUpgrade');
    expect(all).to.not.contain('-jt ');
    expect(await help('nosuch')).to.equal(all);
    expect(await help('rollingUpgrade')).to.equal(all); // a DFSAdmin command hsec does not serve
    // commonUsageSummary's order differs from printHelp's: -finalizeUpgrade and -upgrade after the quota commands, -metasave after -getDatanodeInfo
    const summary = all.slice(all.indexOf('hsec dfsadmin\n\t'), all.indexOf('\n\n-report '));
    expect([...summary.matchAll(/^\t\[(-\w+)/gm)].map((m) => m[1])).to.deep.equal([
      '-report', '-safemode', '-saveNamespace', '-rollEdits', '-restoreFailedStorage', '-refreshNodes', '-setQuota', '-clrQuota', '-setSpaceQuota', '-clrSpaceQuota',
      '-finalizeUpgrade', '-upgrade', '-refreshServiceAcl', '-refreshUserToGroupsMappings', '-refreshSuperUserGroupsConfiguration', '-printTopology',
      '-setBalancerBandwidth', '-getBalancerBandwidth', '-shutdownDatanode', '-evictWriters', '-getDatanodeInfo', '-metasave', '-triggerBlockReport', '-listOpenFiles', '-help',
    ]);
    expect(summary).to.contain('\t[-restoreFailedStorage true|false|check]\n\t[-refreshNodes]\n');
    expect(summary).to.contain('\t[-finalizeUpgrade]\n\t[-upgrade <query | finalize>]\n');
    expect(summary).to.contain('\t[-metasave filename]\n');
    expect(await help('-report')).to.equal(all); // printHelp adds the dash itself
  });

  it('printUsage(""): the same list after "Usage: hsec dfsadmin", then the generic options, on stderr and -1 (255)', async () => {
    const all = await help();
    const list = all.slice(all.indexOf('hsec dfsadmin\n\t') + 'hsec dfsadmin\n'.length, all.indexOf('\n\n-report ') + 1);
    const usage = `Usage: hsec dfsadmin\nNote: Administrative commands can only be run as the HDFS superuser.\n${list}\n${GENERIC}`;
    expect(await dfsadmin()).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: usage });
    expect(await dfsadmin('-nosuch')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: `nosuch: Unknown command\n${usage}` });
  });
});
