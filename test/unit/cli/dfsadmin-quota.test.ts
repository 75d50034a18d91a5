// `hsec dfsadmin` quota commands' parsing, after Hadoop 3.4.1's DFSAdmin Set/ClearQuotaCommand,
// Set/ClearSpaceQuotaCommand, CommandFormat, StringUtils.TraditionalBinaryPrefix.string2long and
// DFSClient.setQuota's value checks; a bad argument prints `cmd: message` and the usage, exit 255,
// before any call to a NameNode.
import { expect } from 'chai';
import { parseQuotaCommand, QUOTA_DONT_SET, QUOTA_RESET, string2long } from '../../../cluster/cli/dfsadmin-quota.ts';
import { runDfsadmin } from '../../../cluster/cli/commands/dfsadmin.ts';

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
});
