// hsec dfsadmin's DataNode commands, -setBalancerBandwidth and -listOpenFiles before anything is
// asked of a server: DFSAdmin.run's argument counts (usage line, exit -1 = 255), StringUtils'
// option parsing, TraditionalBinaryPrefix.string2long, triggerBlockReport's own exit code 1, and
// printOpenFiles' columns. The NameNode address is a closed port: these never get to call it.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DFSADMIN_FAILURE, dfsadminUsage, openFilesText, popFirstNonOption, popOption, popOptionWithArgument, runDfsadmin, string2long } from '../../../cluster/cli/commands/dfsadmin.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';

describe('cli/dfsadmin DataNode commands, -setBalancerBandwidth, -listOpenFiles: parsing, usage, exit codes', () => {
  let confDir: string;
  before(() => {
    confDir = mkdtempSync(join(tmpdir(), 'hsec-dfsadmin-cli-'));
    writeSiteXml(join(confDir, 'core-site.xml'), [{ name: 'fs.defaultFS', value: 'hdfs://127.0.0.1:1' }, { name: 'ipc.client.connect.max.retries', value: '0' }]);
  });
  after(() => rmSync(confDir, { recursive: true, force: true }));

  async function dfsadmin(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runDfsadmin(confDir, args, { out: (x) => void (out += x), err: (x) => void (err += x), env: { HADOOP_USER_NAME: 'alice' } });
    return { code, out, err };
  }

  it('DFSAdmin.run\'s argument counts: the command\'s usage line and -1', async () => {
    const usage = (u: string) => ({ code: DFSADMIN_FAILURE, out: '', err: `Usage: hsec dfsadmin ${u}\n` });
    expect(await dfsadmin('-getDatanodeInfo')).to.deep.equal(usage('[-getDatanodeInfo <datanode_host:ipc_port>]'));
    expect(await dfsadmin('-getDatanodeInfo', 'a:1', 'b')).to.deep.equal(usage('[-getDatanodeInfo <datanode_host:ipc_port>]'));
    expect(await dfsadmin('-getBalancerBandwidth')).to.deep.equal(usage('[-getBalancerBandwidth <datanode_host:ipc_port>]'));
    expect(await dfsadmin('-setBalancerBandwidth')).to.deep.equal(usage('[-setBalancerBandwidth <bandwidth in bytes per second>]'));
    expect(await dfsadmin('-setBalancerBandwidth', '1', '2')).to.deep.equal(usage('[-setBalancerBandwidth <bandwidth in bytes per second>]'));
    expect(await dfsadmin('-shutdownDatanode')).to.deep.equal(usage('[-shutdownDatanode <datanode_host:ipc_port> [upgrade]]'));
    expect(await dfsadmin('-shutdownDatanode', 'a:1', 'upgrade', 'x')).to.deep.equal(usage('[-shutdownDatanode <datanode_host:ipc_port> [upgrade]]'));
    const tbr = '[-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]';
    expect(await dfsadmin('-triggerBlockReport')).to.deep.equal(usage(tbr));
    expect(await dfsadmin('-triggerBlockReport', '-incremental', 'a:1', '-namenode', 'b:2', 'c')).to.deep.equal(usage(tbr));
    expect(await dfsadmin('-listOpenFiles', '-blockingDecommission', '-path', '/a', 'x')).to.deep.equal(usage('[-listOpenFiles [-blockingDecommission] [-path <path>]]'));
  });

  it('-triggerBlockReport\'s own checks (exit 1) and -namenode without its value (IllegalArgumentException: -1 and the usage)', async () => {
    expect(await dfsadmin('-triggerBlockReport', '-incremental')).to.deep.equal({ code: 1, out: '', err: 'You must specify a host:port pair.\n' });
    expect(await dfsadmin('-triggerBlockReport', 'a:1', 'b:2')).to.deep.equal({ code: 1, out: '', err: 'Can\'t understand arguments: b:2\n' });
    expect(await dfsadmin('-triggerBlockReport', 'a:1', '-full')).to.deep.equal({ code: 1, out: '', err: 'Can\'t understand arguments: -full\n' });
    expect(await dfsadmin('-triggerBlockReport', 'a:1', '-namenode')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '',
      err: 'triggerBlockReport: option -namenode requires 1 argument.\nUsage: hsec dfsadmin [-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]\n',
    });
    expect(await dfsadmin('-listOpenFiles', '-path')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'listOpenFiles: option -path requires 1 argument.\nUsage: hsec dfsadmin [-listOpenFiles [-blockingDecommission] [-path <path>]]\n',
    });
  });

  it('-setBalancerBandwidth: NumberFormatException, a bad prefix, a negative value; -shutdownDatanode with a word other than upgrade; -evictWriters without a DataNode', async () => {
    const u = 'Usage: hsec dfsadmin [-setBalancerBandwidth <bandwidth in bytes per second>]\n';
    expect(await dfsadmin('-setBalancerBandwidth', '12x3')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: `NumberFormatException: For input string: "12x3"\n${u}` });
    expect(await dfsadmin('-setBalancerBandwidth', '1.5m')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: `NumberFormatException: For input string: "1.5"\n${u}` });
    expect(await dfsadmin('-setBalancerBandwidth', '10x')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: `setBalancerBandwidth: Invalid size prefix 'x' in '10x'. Allowed prefixes are k, m, g, t, p, e(case insensitive)\n${u}`,
    });
    expect(await dfsadmin('-setBalancerBandwidth', '-5')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: 'Bandwidth should be a non-negative integer\n' });
    expect(await dfsadmin('-shutdownDatanode', 'a:1', 'now')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: 'Usage: hsec dfsadmin [-shutdownDatanode <datanode_host:ipc_port> [upgrade]]\n' });
    expect(await dfsadmin('-evictWriters')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: 'evictWriters: Index 1 out of bounds for length 1\n' });
  });

  it('string2long and StringUtils\' popOption / popOptionWithArgument / popFirstNonOption', () => {
    expect(['100', ' 7 ', '20m', '1K', '2g', '-3k', '1e'].map(string2long)).to.deep.equal([100, 7, 20 * 2 ** 20, 1024, 2 * 2 ** 30, -3072, 2 ** 60]);
    expect(() => string2long('9e')).to.throw('9e does not fit in a Long');
    expect(() => string2long('9223372036854775808')).to.throw('For input string: "9223372036854775808"');
    const args = ['-x', 'a:1', '--', '-incremental', 'b'];
    expect(popOption(args, '-incremental')).to.equal(false); // after --
    expect(popOptionWithArgument(args, '-x')).to.equal('a:1');
    expect(args).to.deep.equal(['--', '-incremental', 'b']);
    expect(popFirstNonOption(args)).to.equal('-incremental'); // the word after -- (which stays)
    expect(args).to.deep.equal(['--', 'b']);
    expect(popFirstNonOption(['-a', '-b'])).to.equal(undefined);
    expect(popFirstNonOption(['--'])).to.equal(undefined);
  });

  it('printOpenFiles: "%-20s\\t%-20s\\t%s" header, "%-20s\\t%-20s\\t%20s" rows; the usage lists the new commands', () => {
    expect(openFilesText([{ id: 1, path: '/a', clientName: 'DFSClient_1', clientMachine: '10.0.0.1' }])).to.equal(
      'Client Host         \tClient Name         \tOpen File Path\n10.0.0.1            \tDFSClient_1         \t                  /a\n',
    );
    for (const line of ['\t[-setBalancerBandwidth <bandwidth in bytes per second>]\n', '\t[-getBalancerBandwidth <datanode_host:ipc_port>]\n', '\t[-shutdownDatanode <datanode_host:ipc_port> [upgrade]]\n',
      '\t[-evictWriters <datanode_host:ipc_port>]\n', '\t[-getDatanodeInfo <datanode_host:ipc_port>]\n', '\t[-listOpenFiles [-blockingDecommission] [-path <path>]]\n']) {
      expect(dfsadminUsage()).to.contain(line);
    }
  });
});
