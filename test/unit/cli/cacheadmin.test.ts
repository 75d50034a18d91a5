// hsec cacheadmin without a server: CacheAdmin's usage, -help texts (AdminHelper's HelpCommand and
// TableListing, from CacheAdmin.java 3.4.1), the argument refusals and their exit codes (1 for
// CacheAdmin's own messages, 255 for the IllegalArgumentExceptions and NumberFormatExceptions Java
// throws while reading them), DFSUtil.parseRelativeTime, and the listing tables, checked against
// the rows Hadoop's testCacheAdminConf.xml expects. Nothing here reads a configuration.
import { expect } from 'chai';
import { cacheAdminUsage, expiryText, parseRelativeTime, poolRow, runCacheAdmin } from '../../../cluster/cli/commands/cacheadmin.ts';
import { tableListing, type TableField } from '../../../cluster/cli/table-listing.ts';
import { LIMIT_UNLIMITED, MAX_RELATIVE_EXPIRY_MS } from '../../../cluster/protocol/cache-format.ts';

describe('cli/cacheadmin: CacheAdmin usage, help, argument refusals and listing tables', () => {
  async function ca(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCacheAdmin('/nonexistent/hsec-conf', args, { out: (x) => void (out += x), err: (x) => void (err += x), env: {} });
    return { code, out, err };
  }
  const USAGE = 'Usage: hsec cacheadmin [COMMAND]\n' +
    '          [-addDirective -path <path> -pool <pool-name> [-force] [-replication <replication>] [-ttl <time-to-live>]]\n' +
    '          [-modifyDirective -id <id> [-path <path>] [-force] [-replication <replication>] [-pool <pool-name>] [-ttl <time-to-live>]]\n' +
    '          [-listDirectives [-stats] [-path <path>] [-pool <pool>] [-id <id>]]\n' +
    '          [-removeDirective <id>]\n' +
    '          [-removeDirectives -path <path>]\n' +
    '          [-addPool <name> [-owner <owner>] [-group <group>] [-mode <mode>] [-limit <limit>] [-defaultReplication <defaultReplication>] [-maxTtl <maxTtl>]]\n' +
    '          [-modifyPool <name> [-owner <owner>] [-group <group>] [-mode <mode>] [-limit <limit>] [-defaultReplication <defaultReplication>] [-maxTtl <maxTtl>]]\n' +
    '          [-removePool <name>]\n' +
    '          [-listPools [-stats] [<name>]]\n' +
    '          [-help <command-name>]\n\n' +
    'Generic options supported are:\n';

  it('no command: the usage and the generic options on stderr, exit 1; an unknown one says so first', async () => {
    const none = await ca();
    expect([none.code, none.out]).to.deep.equal([1, '']);
    expect(none.err.startsWith(USAGE)).to.equal(true);
    expect(cacheAdminUsage().startsWith(USAGE)).to.equal(true);
    const bogus = await ca('listPools');
    expect(bogus.err.startsWith(`Can't understand command 'listPools'\nCommand names must start with dashes.\n${USAGE}`)).to.equal(true);
    expect(bogus.code).to.equal(1);
  });

  it('-help: every long usage (exit 1), one command\'s (exit 0), an unknown name', async () => {
    const removePool = '[-removePool <name>]\n\nRemove a cache pool. This also uncaches paths associated with the pool.\n\n<name>  Name of the cache pool to remove.\n';
    expect(await ca('-help', 'removePool')).to.deep.equal({ code: 0, out: '', err: removePool });
    const listPools = await ca('-help', 'listPools');
    expect(listPools.err).to.equal('[-listPools [-stats] [<name>]]\n\n' +
      'Display information about one or more cache pools, e.g. name, owner, group,\npermissions, etc.\n\n' +
      '-stats  Display additional cache pool statistics.     \n' +
      '<name>  If specified, list only the named cache pool. \n');
    const addPool = (await ca('-help', 'addPool')).err;
    expect(addPool).to.contain('Add a new cache pool.\n\n<name>                Name of the new pool.');
    expect(addPool.replace(/\s+/g, ' ')).to.contain('By default, this is set to 0755.');
    const all = await ca('-help');
    expect(all.code).to.equal(1);
    expect(all.err).to.contain(`${removePool}\n[-listPools`);
    expect(await ca('-help', 'nope')).to.deep.equal({
      code: 1, out: '',
      err: "Unknown command 'nope'.\nValid help command names are:\naddDirective, modifyDirective, listDirectives, removeDirective, removeDirectives, addPool, modifyPool, removePool, listPools\n",
    });
  });

  it('CacheAdmin\'s own refusals exit 1; Java\'s IllegalArgumentException and NumberFormatException while reading exit 255', async () => {
    const refusal = (err: string) => ({ code: 1, out: '', err });
    expect(await ca('-addDirective', '-pool', 'p')).to.deep.equal(refusal('You must specify a path with -path.\n'));
    expect(await ca('-addDirective', '-path', '/d')).to.deep.equal(refusal('You must specify a pool name with -pool.\n'));
    expect(await ca('-addDirective', '-path', '/d', '-pool', 'p', '-ttl', '5x')).to.deep.equal(refusal('Error while parsing ttl value: Unable to parse relative time value of 5x: unknown time unit x\n'));
    expect(await ca('-addDirective', '-path', '/d', '-pool', 'p', 'extra')).to.deep.equal(refusal('Can\'t understand argument: extra\n'));
    expect(await ca('-modifyDirective', '-pool', 'p')).to.deep.equal(refusal('You must specify a directive ID with -id.\n'));
    expect(await ca('-modifyDirective', '-id', '3')).to.deep.equal(refusal('No modifications were specified.\n'));
    expect(await ca('-modifyDirective', '-id', '3', '-force', 'x')).to.deep.equal(refusal('Can\'t understand argument: x\nUsage is [-modifyDirective -id <id> [-path <path>] [-force] [-replication <replication>] [-pool <pool-name>] [-ttl <time-to-live>]]\n\n'));
    expect(await ca('-removeDirective')).to.deep.equal(refusal('You must specify a directive ID to remove.\n'));
    expect(await ca('-removeDirective', 'abc')).to.deep.equal(refusal('Invalid directive ID abc: expected a numeric value.\n'));
    expect(await ca('-removeDirective', '0')).to.deep.equal(refusal('Invalid directive ID 0: ids must be greater than 0.\n'));
    expect(await ca('-removeDirectives')).to.deep.equal(refusal('You must specify a path with -path.\n'));
    expect(await ca('-listDirectives', 'x')).to.deep.equal(refusal('Can\'t understand argument: x\n'));
    expect(await ca('-addPool')).to.deep.equal(refusal('You must specify a name when creating a cache pool.\n'));
    expect(await ca('-addPool', 'p', '-maxTtl', 's')).to.deep.equal(refusal('Error while parsing maxTtl value: Unable to parse relative time value of s: too short\n'));
    expect((await ca('-addPool', 'p', 'q', 'r')).err).to.equal('Can\'t understand arguments: q r\nUsage is [-addPool <name> [-owner <owner>] [-group <group>] [-mode <mode>] [-limit <limit>] [-defaultReplication <defaultReplication>] [-maxTtl <maxTtl>]]\n\n');
    expect(await ca('-modifyPool', 'p')).to.deep.equal(refusal('You must specify at least one attribute to change in the cache pool.\n'));
    expect(await ca('-modifyPool', '-limit', '5')).to.deep.equal(refusal('You must specify a name when creating a cache pool.\n'));
    expect(await ca('-removePool')).to.deep.equal(refusal('You must specify a name when deleting a cache pool.\n'));
    expect((await ca('-listPools', 'a', 'b')).err).to.equal('Can\'t understand arguments: b\nUsage is [-listPools [-stats] [<name>]]\n\n');
    const java = (err: string) => ({ code: 255, out: '', err });
    expect(await ca('-addDirective', '-path')).to.deep.equal(java('IllegalArgumentException: option -path requires 1 argument.\n'));
    expect(await ca('-addDirective', '-path', '', '-pool', 'p')).to.deep.equal(java('IllegalArgumentException: Can not create a Path from an empty string\n'));
    expect(await ca('-addDirective', '-path', '/d', '-pool', 'p', '-replication', '40000')).to.deep.equal(java('NumberFormatException: Value out of range. Value:"40000" Radix:10\n'));
    expect(await ca('-addDirective', '-path', '/d', '-pool', 'p', '-ttl', `${MAX_RELATIVE_EXPIRY_MS / 1000n + 1n}s`)).to.deep.equal(java('IllegalArgumentException: Expiration time is too far in the future!\n'));
    expect(await ca('-modifyDirective', '-id', 'x', '-pool', 'p')).to.deep.equal(java('NumberFormatException: For input string: "x"\n'));
    expect(await ca('-listDirectives', '-id', '1.5')).to.deep.equal(java('NumberFormatException: For input string: "1.5"\n'));
    expect(await ca('-addPool', 'p', '-mode', '0789')).to.deep.equal(java('NumberFormatException: For input string: "0789" under radix 8\n'));
    expect(await ca('-addPool', 'p', '-limit', 'lots')).to.deep.equal(java('NumberFormatException: For input string: "lots"\n'));
  });

  it('DFSUtil.parseRelativeTime: s m h d in ms, Java long arithmetic; its refusals', () => {
    expect(['120s', '30m', '4h', '2d', '0s', '-5m'].map((s) => parseRelativeTime(s))).to.deep.equal([120_000n, 1_800_000n, 14_400_000n, 172_800_000n, 0n, -300_000n]);
    expect(() => parseRelativeTime('h')).to.throw('Unable to parse relative time value of h: too short');
    expect(() => parseRelativeTime('1.5h')).to.throw('Unable to parse relative time value of 1.5h: 1.5 is not a number');
    expect(() => parseRelativeTime('3w')).to.throw('Unable to parse relative time value of 3w: unknown time unit w');
    // ttl * 86400 * 1000 wraps as a Java long does
    expect(parseRelativeTime('9223372036854775807d')).to.equal(BigInt.asIntN(64, BigInt.asIntN(64, 9223372036854775807n * 86400n) * 1000n));
  });

  it('TableListing rows as testCacheAdminConf.xml expects them: -listPools (with -stats) and -listDirectives', () => {
    const L = 'LEFT' as const;
    const R = 'RIGHT' as const;
    const poolFields: TableField[] = [['NAME', L], ['OWNER', L], ['GROUP', L], ['MODE', L], ['LIMIT', R], ['MAXTTL', R], ['DEFAULT_REPLICATION', R]].map(([title, justification]) => ({ title: title!, justification: justification as 'LEFT' | 'RIGHT' }));
    const never = MAX_RELATIVE_EXPIRY_MS;
    const pools = tableListing(poolFields, [
      poolRow({ poolName: 'bar', ownerName: 'alice', groupName: 'alicegroup', mode: 0o755, limit: LIMIT_UNLIMITED, maxRelativeExpiry: never, defaultReplication: 1 }),
      poolRow({ poolName: 'foo', ownerName: 'bob', groupName: 'bob', mode: 0o664, limit: LIMIT_UNLIMITED, maxRelativeExpiry: never, defaultReplication: 2 }),
    ]).split('\n');
    expect(pools[0]).to.equal('NAME  OWNER  GROUP       MODE            LIMIT  MAXTTL  DEFAULT_REPLICATION');
    expect(pools[1]).to.equal('bar   alice  alicegroup  rwxr-xr-x   unlimited   never                    1');
    expect(pools[2]).to.equal('foo   bob    bob         rw-rw-r--   unlimited   never                    2');
    const one = tableListing(poolFields, [poolRow({ poolName: 'poolparty', ownerName: 'bob', groupName: 'bobgroup', mode: 0o777, limit: 51, maxRelativeExpiry: never, defaultReplication: 2 })]);
    expect(one.split('\n')[1]).to.equal('poolparty  bob    bobgroup  rwxrwxrwx      51   never                    2');
    const ttl = tableListing(poolFields, [
      poolRow({ poolName: 'pool1', ownerName: 'andrew', groupName: 'andrew', mode: 0o755, limit: LIMIT_UNLIMITED, maxRelativeExpiry: never, defaultReplication: 1 }),
      poolRow({ poolName: 'pool3', ownerName: 'andrew', groupName: 'andrew', mode: 0o755, limit: LIMIT_UNLIMITED, maxRelativeExpiry: 4 * 3_600_000, defaultReplication: 1 }),
    ]).split('\n');
    expect(ttl[1]!.startsWith('pool1  andrew  andrew  rwxr-xr-x   unlimited             never')).to.equal(true);
    expect(ttl[2]!.startsWith('pool3  andrew  andrew  rwxr-xr-x   unlimited  000:04:00:00.000')).to.equal(true);
    // a pool the caller may not read: only its name, "null" where CacheAdmin concatenates a null
    expect(poolRow({ poolName: 'secret' })).to.deep.equal(['secret', null, null, null, 'null', null, 'null']);

    const dirFields: TableField[] = [['ID', R], ['POOL', L], ['REPL', R], ['EXPIRY', L], ['PATH', L], ['BYTES_NEEDED', R], ['BYTES_CACHED', R], ['FILES_NEEDED', R], ['FILES_CACHED', R]]
      .map(([title, justification]) => ({ title: title!, justification: justification as 'LEFT' | 'RIGHT' }));
    const expiry = expiryText({ millis: 1_700_000_000_000n + MAX_RELATIVE_EXPIRY_MS, isRelative: false });
    const dirs = tableListing(dirFields, [['8', 'pool2', '1', expiry, '/baz', '0', '0', '0', '0'], ['10', 'pool1', '1', expiry, '/foo', '0', '0', '0', '0']]).split('\n');
    expect(dirs[0]).to.equal(' ID POOL    REPL EXPIRY  PATH   BYTES_NEEDED  BYTES_CACHED  FILES_NEEDED  FILES_CACHED');
    expect(dirs[1]).to.equal('  8 pool2      1 never   /baz              0             0             0             0');
    expect(dirs[2]).to.contain(' 10 pool1      1 never   /foo ');
    expect(expiryText({ millis: 3_600_000, isRelative: true })).to.equal('000:01:00:00.000');
  });
});
