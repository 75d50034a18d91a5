/**
 * Centralized cache management end to end over a real MIT KDC with the hsec NameNode and a DataNode
 * (Kerberos RPC): `hsec cacheadmin` pools and directives as nn (the superuser), alice and bob with
 * CacheAdmin's lines, tables and exit codes; the statistics the NameNode computes from the
 * namespace (nothing is cached: bytes and files cached stay 0, an empty file counts as cached);
 * refusals over the wire with Hadoop's exception class and text, and as CacheAdmin prints them;
 * safe mode; and pools and directives after a NameNode restart.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { dfsadminShell, type DfsadminShell } from '../../support/dfsadmin-shell.ts';
import { remoteFailure } from '../../support/client-protocol-call.ts';

const BLOCK = 4096;
const CONF = {
  'dfs.blocksize': String(BLOCK), 'dfs.namenode.fs-limits.min-block-size': '1024', 'dfs.data.transfer.protection': 'authentication', 'dfs.replication': '1',
  // nn (the NameNode's principal, the superuser) has no group; alice is in staff, bob in others
  'hadoop.user.group.static.mapping.overrides': 'nn=;alice=staff;bob=others',
};
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/;


describe('hdfs: centralized cache management (MIT KDC, hsec NameNode and DataNode, hsec cacheadmin)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let fs: HdfsClient;
  let shell: DfsadminShell;

  const ca = (user: string, ...args: string[]) => shell.cacheadmin(user, ...args);
  const ok = (out: string) => ({ code: 0, out, err: '' });
  const failed = (err: string) => ({ code: 2, out: '', err: `${err}\n` });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-cache-admin-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: CONF });
    fs = await hdfs.client('alice');
    await hdfs.client('bob');
    shell = await dfsadminShell(realm.kdc, hdfs, dir, { nn: ['nn/localhost', 'nn.keytab'], alice: ['alice', 'alice.keytab'], bob: ['bob', 'bob.keytab'] }, 'conf-cache');
    await fs.mkdir('/user/alice/c');
    await fs.writeFile('/user/alice/c/f', Buffer.alloc(BLOCK + 10, 7));
    await fs.writeFile('/user/alice/c/g', 'x');
    await fs.writeFile('/user/alice/c/empty', '');
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pools: none at first; the superuser adds them (its primary group unless -group), others are refused; -listPools shows what each may read', async () => {
    expect(await ca('alice', '-listPools')).to.deep.equal(ok('Found 0 results.\n'));
    expect(await ca('nn', '-addPool', 'p1')).to.deep.equal(failed(`IOException: There is no primary group for UGI ${realm.kdc.principal('nn/localhost')} (auth:KERBEROS)`));
    expect(await ca('alice', '-addPool', 'p1', '-group', 'staff')).to.deep.equal(failed('AccessControlException: Access denied for user alice. Superuser privilege is required'));
    expect(await ca('nn', '-addPool', 'p1', '-owner', 'alice', '-group', 'staff', '-mode', '0750', '-limit', '100000', '-maxTtl', '2d')).to.deep.equal(ok('Successfully added cache pool p1.\n'));
    expect(await ca('nn', '-addPool', 'p2', '-group', 'supergroup', '-mode', '0700')).to.deep.equal(ok('Successfully added cache pool p2.\n'));
    expect(await ca('nn', '-addPool', 'tiny', '-owner', 'alice', '-group', 'staff', '-limit', '10', '-defaultReplication', '2')).to.deep.equal(ok('Successfully added cache pool tiny.\n'));
    expect(await ca('nn', '-addPool', 'p1', '-group', 'g')).to.deep.equal(failed('InvalidRequestException: Cache pool p1 already exists.'));
    expect(await ca('nn', '-addPool', 'bad', '-group', 'g', '-limit', '-5')).to.deep.equal(failed('InvalidRequestException: Limit is negative.'));
    expect(await ca('alice', '-listPools')).to.deep.equal(ok('Found 3 results.\n' +
      'NAME  OWNER  GROUP  MODE         LIMIT            MAXTTL  DEFAULT_REPLICATION\n' +
      'p1    alice  staff  rwxr-x---   100000  002:00:00:00.000                    1\n' +
      'p2                                null                                   null\n' +
      'tiny  alice  staff  rwxr-xr-x       10             never                    2\n'));
    const one = await ca('bob', '-listPools', '-stats', 'p1');
    expect(one.out).to.equal('Found 1 result.\n' +
      'NAME  OWNER  GROUP  MODE   LIMIT  MAXTTL  DEFAULT_REPLICATION  BYTES_NEEDED  BYTES_CACHED  BYTES_OVERLIMIT  FILES_NEEDED  FILES_CACHED\n' +
      'p1                          null                         null             0             0                0             0             0\n');
  });

  it('directives: WRITE on the pool, the limit (and -force), ids; -listDirectives -stats with what the NameNode computes', async () => {
    expect(await ca('alice', '-addDirective', '-path', 'c/f', '-pool', 'p1', '-replication', '2', '-ttl', '1h')).to.deep.equal(ok('Added cache directive 1\n'));
    expect(await ca('alice', '-addDirective', '-path', '/user/alice/c', '-pool', 'p1')).to.deep.equal(ok('Added cache directive 2\n'));
    expect(await ca('bob', '-addDirective', '-path', '/user/alice/c', '-pool', 'p1')).to.deep.equal(failed('AccessControlException: Permission denied while accessing pool p1: user bob does not have WRITE permissions.'));
    expect(await ca('alice', '-addDirective', '-path', '/user/alice/c', '-pool', 'nope')).to.deep.equal(failed('InvalidRequestException: Unknown pool nope'));
    expect(await ca('alice', '-addDirective', '-path', '/user/alice/c', '-pool', 'p1', '-ttl', '3d')).to.deep.equal(failed('InvalidRequestException: Expiration 003:00:00:00.000 exceeds the max relative expiration time of 172800000 ms.'));
    expect(await ca('alice', '-addDirective', '-path', '/user/alice/c/f', '-pool', 'tiny')).to.deep.equal(failed(`InvalidRequestException: Caching path /user/alice/c/f of size ${BLOCK + 10} bytes at replication 2 would exceed pool tiny's remaining capacity of 10 bytes.`));
    expect(await ca('alice', '-addDirective', '-path', '/user/alice/c/f', '-pool', 'tiny', '-force')).to.deep.equal(ok('Added cache directive 3\n'));
    expect(await ca('nn', '-addDirective', '-path', '/user/alice/c/g', '-pool', 'p2')).to.deep.equal(ok('Added cache directive 4\n'));

    const list = await ca('alice', '-listDirectives', '-stats');
    expect([list.code, list.err]).to.deep.equal([0, '']);
    const [found, header, ...rows] = list.out.trimEnd().split('\n');
    expect(found).to.equal('Found 3 entries');
    expect(header!.trim().split(/\s+/)).to.deep.equal(['ID', 'POOL', 'REPL', 'EXPIRY', 'PATH', 'BYTES_NEEDED', 'BYTES_CACHED', 'FILES_NEEDED', 'FILES_CACHED']);
    // f at replication 2; the directory's three files (the empty one counts as cached); tiny is over its limit from its first file
    expect(rows.map((r) => r.trim().split(/\s+/).filter((_, i) => i !== 3))).to.deep.equal([
      ['1', 'p1', '2', '/user/alice/c/f', String(2 * (BLOCK + 10)), '0', '1', '0'],
      ['2', 'p1', '1', '/user/alice/c', String(BLOCK + 11), '0', '3', '1'],
      ['3', 'tiny', '2', '/user/alice/c/f', String(2 * (BLOCK + 10)), '0', '1', '0'],
    ]);
    // p1's directives expire within its 2-day maximum; tiny has none: never
    expect(rows.map((r) => r.trim().split(/\s+/)[3]).map((e) => (ISO.test(e!) ? 'date' : e))).to.deep.equal(['date', 'date', 'never']);
    const nnList = await ca('nn', '-listDirectives', '-pool', 'p2');
    expect(nnList.out).to.equal('Found 1 entry\n ID POOL   REPL EXPIRY  PATH            \n  4 p2        1 never   /user/alice/c/g \n');
    expect(await ca('alice', '-listDirectives', '-id', '99')).to.deep.equal(failed('RemoteException: Did not find requested id 99'));
    expect((await ca('alice', '-listDirectives', '-path', 'c')).out.split('\n')[0]).to.equal('Found 1 entry');

    expect(await ca('nn', '-listPools', '-stats', 'tiny')).to.deep.include({ code: 0 });
    const tiny = (await ca('nn', '-listPools', '-stats', 'tiny')).out.split('\n')[2]!.trim().split(/\s+/);
    expect(tiny.slice(-5)).to.deep.equal([String(2 * (BLOCK + 10)), '0', String(2 * (BLOCK + 10) - 10), '1', '0']);
  });

  it('modify and remove: CacheAdmin\'s lines; refusals over the wire with Hadoop\'s class and text', async () => {
    expect(await ca('alice', '-modifyDirective', '-id', '1', '-replication', '1', '-ttl', '30m')).to.deep.equal(ok('Modified cache directive 1\n'));
    expect(await ca('alice', '-modifyDirective', '-id', '1', '-pool', 'p2')).to.deep.equal(failed('AccessControlException: Permission denied while accessing pool p2: user alice does not have WRITE permissions.'));
    expect(await ca('alice', '-modifyDirective', '-id', '77', '-replication', '1')).to.deep.equal(failed('InvalidRequestException: No directive with ID 77 found.'));
    expect(await ca('nn', '-modifyPool', 'tiny', '-limit', '9000', '-defaultReplication', '3', '-maxTtl', '3d')).to.deep.equal(
      ok('Successfully modified cache pool tiny to have limit 9000 and replication 3\n replication max time-to-live 3d\n'));
    expect(await ca('nn', '-modifyPool', 'tiny', '-owner', 'bob', '-mode', '0755')).to.deep.equal(ok('Successfully modified cache pool tiny to have owner name bob and mode rwxr-xr-x\n'));
    expect(await ca('nn', '-modifyPool', 'nope', '-limit', '1')).to.deep.equal(failed('InvalidRequestException: Cache pool nope does not exist.'));
    expect(await remoteFailure(fs.addCachePool({ poolName: 'mine', groupName: 'staff' }))).to.deep.equal({ cls: 'org.apache.hadoop.security.AccessControlException', msg: 'Access denied for user alice. Superuser privilege is required' });
    expect(await remoteFailure(fs.addCacheDirective({ path: '/user/alice/c', pool: 'p1', replication: 0 }))).to.deep.equal({ cls: 'org.apache.hadoop.fs.InvalidRequestException', msg: 'Invalid replication factor 0 <= 0' });
    expect(await remoteFailure(fs.addCacheDirective({ path: '/user/alice/c', pool: 'p1', expiration: { millis: 9223372036854775807n, isRelative: true } }))).to.deep.equal({ cls: 'java.lang.IllegalArgumentException', msg: 'Expiration time is too far in the future!' });
    expect(await remoteFailure(fs.addCacheDirective({ id: 5, path: '/user/alice/c', pool: 'p1' }))).to.deep.equal({ cls: 'java.io.IOException', msg: 'addDirective: you cannot specify an ID for this operation.' });
    expect(await remoteFailure(fs.removeCachePool(''))).to.deep.equal({ cls: 'org.apache.hadoop.security.AccessControlException', msg: 'Access denied for user alice. Superuser privilege is required' });
    expect(await remoteFailure((await hdfs.admin()).removeCachePool(''))).to.deep.equal({ cls: 'java.io.IOException', msg: 'invalid empty cache pool name' });
    expect(await ca('bob', '-removeDirective', '3')).to.deep.equal(ok('Removed cached directive 3\n')); // bob now owns tiny
    expect(await ca('bob', '-removeDirective', '3')).to.deep.equal(failed('InvalidRequestException: No directive with ID 3 found.'));
  });

  it('safe mode refuses changes with FSNamesystem\'s text; listings go on', async () => {
    expect((await shell.run('nn', '-safemode', 'enter')).code).to.equal(0);
    try {
      expect(await ca('alice', '-addDirective', '-path', '/user/alice/c/g', '-pool', 'p1')).to.deep.equal(failed('SafeModeException: Cannot add cache directive. Name node is in safe mode.'));
      expect(await ca('nn', '-removePool', 'p2')).to.deep.equal(failed('SafeModeException: Cannot modify cache poolp2. Name node is in safe mode.'));
      expect((await ca('alice', '-listDirectives')).out.split('\n')[0]).to.equal('Found 2 entries');
    } finally {
      expect((await shell.run('nn', '-safemode', 'leave')).code).to.equal(0);
    }
  });

  it('a NameNode restart keeps pools and directives (expiries, ids); -removeDirectives, -removePool', async () => {
    const pools = await ca('nn', '-listPools', '-stats');
    const directives = await ca('nn', '-listDirectives', '-stats');
    await hdfs.restartNameNode();
    expect(await ca('nn', '-listPools', '-stats')).to.deep.equal(pools);
    expect(await ca('nn', '-listDirectives', '-stats')).to.deep.equal(directives);
    expect(await ca('alice', '-addDirective', '-path', '/user/alice/c', '-pool', 'p1')).to.deep.equal(ok('Added cache directive 5\n'));
    expect(await ca('alice', '-removeDirectives', '-path', '/user/alice/c')).to.deep.equal(ok('Removed cache directive 2\nRemoved cache directive 5\nRemoved every cache directive with path /user/alice/c\n'));
    expect(await ca('nn', '-removePool', 'p2')).to.deep.equal(ok('Successfully removed cache pool p2.\n'));
    await hdfs.restartNameNode();
    expect((await ca('nn', '-listDirectives')).out).to.match(/^Found 1 entry\n ID POOL   REPL EXPIRY +PATH +\n  1 p1        1 \S+ +\/user\/alice\/c\/f \n$/);
    expect((await ca('nn', '-listPools')).out.split('\n').slice(2, -1).map((l) => l.split(' ')[0])).to.deep.equal(['p1', 'tiny']);
    expect(await ca('nn', '-removePool', 'p2')).to.deep.equal(failed('InvalidRequestException: Cannot remove non-existent cache pool p2'));
  });
});
