// `hsec dfsadmin` quota commands' parsing, after Hadoop 3.4.1's DFSAdmin Set/ClearQuotaCommand,
// Set/ClearSpaceQuotaCommand, CommandFormat, StringUtils.TraditionalBinaryPrefix.string2long and
// DFSClient.setQuota's value checks; a bad argument prints `cmd: message` and the usage, exit 255,
// before any call to a NameNode; then Command.runAll over the <dirname> words, expanded as
// PathData.expandAsGlob expands them (over an in-memory namespace).
import { expect } from 'chai';
import type { FileStatus } from '../../../cluster/client/file-status.ts';
import { resolveHdfsPath } from '../../../cluster/client/hdfs-path.ts';
import { parseQuotaCommand, QUOTA_DONT_SET, QUOTA_RESET, QuotaArgumentError, runQuotaPlan, string2long, type QuotaPlan } from '../../../cluster/cli/dfsadmin-quota.ts';
import { runDfsadmin } from '../../../cluster/cli/commands/dfsadmin.ts';
import { expandAsGlob, expandOperand, type OperandSource } from '../../../cluster/cli/fs-operands.ts';
import { FileError, HsecError } from '../../../lib/errors/index.ts';

describe('cli/dfsadmin quota commands', () => {
  it('string2long: binary prefixes in any case, Long.parseLong and its overflow, Hadoop\'s messages', () => {
    expect(string2long('10g')).to.equal(10n * 1024n ** 3n);
    expect(string2long(' 5M ')).to.equal(5n * 1024n ** 2n);
    expect(string2long('7')).to.equal(7n);
    expect(string2long('-3')).to.equal(-3n);
    expect(() => string2long('abc')).to.throw("Invalid size prefix 'c' in 'abc'. Allowed prefixes are k, m, g, t, p, e(case insensitive)");
    expect(() => string2long('1x2g')).to.throw('For input string: "1x2"');
    expect(() => string2long('9223372036854775808')).to.throw('For input string: "9223372036854775808"');
    expect(() => string2long('9000000000e')).to.throw('9000000000e does not fit in a Long');
  });

  it('what each command asks the NameNode for', () => {
    expect(parseQuotaCommand('-setQuota', ['10', '/a', '/b'])).to.deep.equal({ nsQuota: 10n, ssQuota: QUOTA_DONT_SET, dirs: ['/a', '/b'] });
    expect(parseQuotaCommand('-clrQuota', ['/a'])).to.deep.equal({ nsQuota: QUOTA_RESET, ssQuota: QUOTA_DONT_SET, dirs: ['/a'] });
    expect(parseQuotaCommand('-setSpaceQuota', ['1t', '/a'])).to.deep.equal({ nsQuota: QUOTA_DONT_SET, ssQuota: 1024n ** 4n, dirs: ['/a'] });
    expect(parseQuotaCommand('-setSpaceQuota', ['1g', '/a', '-storageType', 'ssd'])).to.deep.equal({ nsQuota: QUOTA_DONT_SET, ssQuota: 1024n ** 3n, type: 'SSD', dirs: ['/a'] });
    expect(parseQuotaCommand('-clrSpaceQuota', ['-storageType', 'DISK', '/a'])).to.deep.equal({ nsQuota: QUOTA_DONT_SET, ssQuota: QUOTA_RESET, type: 'DISK', dirs: ['/a'] });
  });

  it('refusals: CommandFormat, the quota value, the storage type, DFSClient\'s checks', () => {
    const msg = (name: Parameters<typeof parseQuotaCommand>[0], args: string[]) => { try { parseQuotaCommand(name, args); return ''; } catch (e) { return (e as Error).message; } };
    expect(msg('-setQuota', ['5'])).to.equal('Not enough arguments: expected 2 but got 1');
    expect(msg('-setQuota', ['-5', '/a'])).to.equal('Illegal option -5');
    expect(msg('-setQuota', ['0', '/a'])).to.equal('Invalid values for quota : 0 and 9223372036854775807');
    expect(msg('-clrQuota', [])).to.equal('Not enough arguments: expected 1 but got 0');
    expect(msg('-setSpaceQuota', ['1x2g', '/a'])).to.equal('"1x2g" is not a valid value for a quota.');
    expect(msg('-setSpaceQuota', ['1g', '-storageType', 'FOO', '/a'])).to.equal('Storage type FOO is not available. Available storage types are [SSD, DISK, ARCHIVE, PROVIDED, NVDIMM]');
    expect(msg('-setSpaceQuota', ['0', '-storageType', 'SSD', '/a'])).to.equal('Invalid values for quota :0');
    expect(msg('-setSpaceQuota', ['1g', '-storageType', 'RAM_DISK', '/a'])).to.equal("Don't support Quota for storage type : RAM_DISK");
    expect(msg('-clrSpaceQuota', ['-storageType', 'FOO', '/a'])).to.equal('No enum constant org.apache.hadoop.fs.StorageType.FOO');
  });

  it('a bad argument prints `cmd: message` and the usage and exits 255 without calling the NameNode', async () => {
    let err = '';
    const code = await runDfsadmin({ confDir: '/nonexistent-hsec-conf', overrides: {} } as never, ['-setQuota', '0', '/a'], { err: (s) => { err += s; }, out: () => undefined, env: {} });
    expect(code).to.equal(255);
    expect(err).to.equal('setQuota: Invalid values for quota : 0 and 9223372036854775807\nUsage: hsec dfsadmin [-setQuota <quota> <dirname>...<dirname>]\n');
  });

  /** A namespace of directories (and files, `f`) as a GlobSource: alice's home /user/alice, NameNode nn:8020. */
  function namespace(paths: Record<string, 'd' | 'f'>): OperandSource {
    const all: Record<string, 'd' | 'f'> = { '/': 'd', '/user': 'd', '/user/alice': 'd', ...paths };
    const status = (path: string): FileStatus => ({
      path, type: all[path] === 'd' ? 'directory' : 'file', length: 0, owner: 'alice', group: 'alice', permission: 0o755,
      modificationTime: 0, accessTime: 0, replication: 0, blockSize: 0, fileId: 0, childrenNum: -1,
    });
    const missing = (path: string) => new FileError('FILE_NOT_FOUND', `File does not exist: ${path}`, { path });
    const nameNode = { host: 'nn', port: 8020 };
    return {
      nameNode,
      workingDirectory: '/user/alice',
      resolve: (p) => resolveHdfsPath(p, nameNode, '/user/alice'),
      stat: async (path) => {
        if (!all[path]) throw missing(path);
        return status(path);
      },
      list: async (path) => {
        if (!all[path]) throw missing(path);
        if (all[path] === 'f') return [status(path)];
        return Object.keys(all).filter((p) => p !== '/' && p.slice(0, p.lastIndexOf('/')) === (path === '/' ? '' : path)).map(status);
      },
    };
  }

  it('expandAsGlob: a glob matching nothing is no operand (expandOperand: No such file or directory); a plain missing path is kept', async () => {
    const ns = namespace({ '/user/alice/g1': 'd', '/user/alice/g2': 'd' });
    expect((await expandAsGlob(ns, '/user/alice/x*')).map((o) => o.path)).to.deep.equal([]);
    const e = await expandOperand(ns, '/user/alice/x*').catch((x: unknown) => x);
    expect(e).to.be.instanceOf(HsecError);
    expect((e as HsecError).code).to.equal('FILE_NOT_FOUND');
    expect(await expandAsGlob(ns, 'nope')).to.deep.equal([{ shown: 'nope', path: '/user/alice/nope' }]);
    // PathData.expandAsGlob removes the quoting of a plain path that does not exist: `\*` is a literal star
    expect(await expandAsGlob(ns, '/user/alice/a\\*b\\\\c')).to.deep.equal([{ shown: '/user/alice/a*b\\c', path: '/user/alice/a*b\\c' }]);
    expect((await expandAsGlob(ns, 'g*')).map((o) => [o.shown, o.path])).to.deep.equal([['g1', '/user/alice/g1'], ['g2', '/user/alice/g2']]);
  });

  /** runQuotaPlan over `ns`, the NameNode refusing a file as FSDirAttrOp does; the calls made and the error lines. */
  async function runAll(ns: OperandSource, argv: string[]): Promise<{ code: number; calls: string[]; err: string }> {
    const calls: string[] = [];
    let err = '';
    const code = await runQuotaPlan('-setQuota', parseQuotaCommand('-setQuota', argv), {
      expand: (arg) => expandAsGlob(ns, arg),
      setQuota: async (path: string, plan: QuotaPlan) => {
        const st = await ns.stat(path).catch(() => undefined);
        if (!st) throw new HsecError('FILE_NOT_FOUND', `Directory does not exist: ${path}`, { path });
        if (st.type !== 'directory') throw new HsecError('FS_INVALID_PATH', `\`${path}': Is not a directory`, { path });
        calls.push(`${path}=${plan.nsQuota}`);
      },
      failure: (e) => (e instanceof HsecError ? e.message : undefined),
      err: (s) => void (err += s),
    });
    return { code, calls, err };
  }

  it('Command.runAll: globs and relative paths against /user/<name>, each match set, in Path order', async () => {
    const ns = namespace({ '/user/alice/g2': 'd', '/user/alice/g1': 'd', '/user/alice/h': 'd', '/data': 'd' });
    expect(await runAll(ns, ['5', '/user/alice/g*', 'h', 'hdfs://nn:8020/data'])).to.deep.equal({
      code: 0, calls: ['/user/alice/g1=5', '/user/alice/g2=5', '/user/alice/h=5', '/data=5'], err: '',
    });
  });

  it('Command.runAll: a glob matching nothing does nothing; a refusal ends its argument only; exit -1 if any failed', async () => {
    const ns = namespace({ '/user/alice/a1': 'f', '/user/alice/a2': 'd', '/user/alice/b': 'd' });
    expect(await runAll(ns, ['5', 'zz*', 'b'])).to.deep.equal({ code: 0, calls: ['/user/alice/b=5'], err: '' });
    // a1 is a file: its refusal skips a2 (the rest of `a*`), then `missing` and `b` go on
    expect(await runAll(ns, ['5', 'a*', 'missing', 'b'])).to.deep.equal({
      code: -1,
      calls: ['/user/alice/b=5'],
      err: "setQuota: `/user/alice/a1': Is not a directory\nsetQuota: Directory does not exist: /user/alice/missing\n",
    });
    // another NameNode's URI is refused for that argument (this client talks to fs.defaultFS only)
    const other = await runAll(ns, ['5', 'hdfs://elsewhere:8020/x', 'b']);
    expect([other.code, other.calls]).to.deep.equal([-1, ['/user/alice/b=5']]);
    expect(other.err).to.match(/^setQuota: Wrong FS: hdfs:\/\/elsewhere:8020\/, expected: hdfs:\/\/nn:8020/);
  });

  it('Command.runAll: a file:// path is AdminHelper.checkAndGetDFS\'s IllegalArgumentException, which stops the command', async () => {
    const e = await runAll(namespace({ '/user/alice/b': 'd' }), ['5', 'file:///tmp/x', 'b']).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(QuotaArgumentError);
    expect((e as Error).message).to.equal('FileSystem file:/// is not an HDFS file system. The fs class is: org.apache.hadoop.fs.LocalFileSystem');
  });
});
