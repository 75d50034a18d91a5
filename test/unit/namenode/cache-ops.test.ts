// Centralized cache management on the namesystem without RPC (a real journal store, a ManualClock),
// as Hadoop 3.4.1's FSNamesystem / FSNDNCacheOp / CacheManager / CachePool / CacheReplicationMonitor:
// pool defaults and validation texts, superuser and pool permission checks, directive validation
// and the pool limit (with and without force), listings with filters and batches, statistics as
// the monitor computes them with nothing cached, expiry, safe mode, audit lines, the retry cache,
// and pools and directives surviving a restart from the journal and from a snapshot.
import { expect } from 'chai';
import { CacheOps, directiveFromProto, pathOf, poolFromProto } from '../../../cluster/namenode/cache-ops.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import type { CallerInfo } from '../../../cluster/namenode/namesystem.ts';
import { cacheDirectiveInfoString, dateToIso8601String, durationToString, LIMIT_UNLIMITED, MAX_RELATIVE_EXPIRY_MS } from '../../../cluster/protocol/cache-format.ts';
import { refused } from '../../support/expect-code.ts';
import { auditLines } from '../../support/log-lines.ts';
import { alice, bob, carol, datanode, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const IRE = HadoopException.INVALID_REQUEST;
const ACE = HadoopException.ACCESS_CONTROL;
const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

describe('namenode/cache: pools and directives (CacheManager, FSNDNCacheOp)', () => {
  let t: TestNamesystem;
  let c: CacheOps;
  beforeEach(async () => {
    t = await namesystem();
    datanode(t.ns, 'dn-1');
    c = new CacheOps(t.ns);
    await t.ns.mkdirs('/d', { perm: 0o777 }, true, hdfsUser);
    await writeFile(t, '/d/f', 10);
    await writeFile(t, '/d/g', 5);
    await writeFile(t, '/d/empty', 0);
    await t.ns.mkdirs('/d/sub', { perm: 0o755 }, true, alice);
    await writeFile(t, '/d/sub/deep', 1000);
  });
  afterEach(() => t.ns.store.close());

  const pools = (caller: CallerInfo = hdfsUser, prev = '') => c.listCachePools(prev, caller);
  const directives = (filter = {}, caller: CallerInfo = hdfsUser, prevId: number | bigint = 0) => c.listCacheDirectives(prevId, filter, caller);
  const stats = (id: number) => directives({ id }).elements[0]!.stats;

  it('addCachePool: superuser only; defaults owner = caller, group = primary group, 0755, unlimited, replication 1, never', async () => {
    const lines = await auditLines(async () => {
      await refused(c.addCachePool({ poolName: 'p' }, alice), ACE, 'Access denied for user alice. Superuser privilege is required');
      await c.addCachePool({ poolName: 'p' }, hdfsUser);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src']])).to.deep.equal([
      [false, 'addCachePool', 'p'],
      [true, 'addCachePool', `{poolName:p, ownerName:hdfs, groupName:hadoop, mode:0755, limit:${LIMIT_UNLIMITED}, defaultReplication:1, maxRelativeExpiryMs:${MAX_RELATIVE_EXPIRY_MS}}`],
    ]);
    expect(pools().entries).to.deep.equal([{
      info: { poolName: 'p', ownerName: 'hdfs', groupName: 'hadoop', mode: 0o755, limit: LIMIT_UNLIMITED, defaultReplication: 1, maxRelativeExpiry: MAX_RELATIVE_EXPIRY_MS },
      stats: { bytesNeeded: 0, bytesCached: 0, bytesOverlimit: 0n, filesNeeded: 0, filesCached: 0 },
    }]);
  });

  it('pool validation: CachePoolInfo.validate texts and order, an existing name, no primary group', async () => {
    await refused(c.addCachePool({ poolName: 'p', limit: -1 }, hdfsUser), IRE, 'Limit is negative.');
    await refused(c.addCachePool({ poolName: 'p', defaultReplication: 2, limit: 5, maxRelativeExpiry: -1 }, hdfsUser), IRE, 'Max relative expiry is negative.');
    await refused(c.addCachePool({ poolName: 'p', maxRelativeExpiry: MAX_RELATIVE_EXPIRY_MS + 1n }, hdfsUser), IRE, 'Max relative expiry is too big.');
    await refused(c.addCachePool({ limit: -1 }, hdfsUser), IRE, 'Limit is negative.');
    await refused(c.addCachePool({}, hdfsUser), HadoopException.IO, 'invalid empty cache pool name');
    await refused(c.addCachePool({ poolName: 'p', defaultReplication: 40000 }, hdfsUser), HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Out of range: 40000');
    const noGroups: CallerInfo = { ...carol, user: 'hdfs' };
    await refused(c.addCachePool({ poolName: 'p' }, noGroups), HadoopException.IO, `There is no primary group for UGI ${carol.ugi}`);
    await c.addCachePool({ poolName: 'p', groupName: 'g' }, noGroups);
    await refused(c.addCachePool({ poolName: 'p' }, hdfsUser), IRE, 'Cache pool p already exists.');
    await refused(c.modifyCachePool({ poolName: 'q', limit: 1 }, hdfsUser), IRE, 'Cache pool q does not exist.');
    await refused(c.removeCachePool('q', hdfsUser), IRE, 'Cannot remove non-existent cache pool q');
    await refused(c.removeCachePool('', hdfsUser), HadoopException.IO, 'invalid empty cache pool name');
  });

  /** A namesystem whose listings answer at most two entries a call. */
  async function smallBatches(): Promise<{ o: CacheOps; close: () => Promise<void> }> {
    const small = await namesystem({ settings: { caching: { enabled: true, maxListCachePoolsResponses: 2, maxListCacheDirectivesResponses: 2, refreshIntervalMs: 30_000 } } });
    return { o: new CacheOps(small.ns), close: () => small.ns.store.close() };
  }

  it('listCachePools: by name, in batches; a pool the caller may not read shows only its name and zero stats', async () => {
    const { o, close } = await smallBatches();
    try {
      for (const name of ['c', 'a', 'b']) await o.addCachePool({ poolName: name, ownerName: 'alice', groupName: 'staff', mode: 0o700 }, hdfsUser);
      const first = o.listCachePools('', bob);
      expect([first.entries.map((e) => e.info), first.hasMore]).to.deep.equal([[{ poolName: 'a' }, { poolName: 'b' }], true]);
      expect(o.listCachePools('b', bob)).to.deep.equal({ entries: [{ info: { poolName: 'c' }, stats: { bytesNeeded: 0, bytesCached: 0, bytesOverlimit: 0n, filesNeeded: 0, filesCached: 0 } }], hasMore: false });
      expect(o.listCachePools('a', alice).entries.map((e) => e.info.poolName === 'b' && 'ownerName' in e.info)).to.deep.equal([true, false]);
      await o.modifyCachePool({ poolName: 'b', mode: 0o750 }, hdfsUser);
      expect('ownerName' in o.listCachePools('', bob).entries[1]!.info).to.equal(true); // bob is in staff
    } finally {
      await close();
    }
  });

  it('modifyCachePool sets only what is asked; audited with {poolName: p} and the request; removeCachePool takes its directives', async () => {
    await c.addCachePool({ poolName: 'p' }, hdfsUser);
    const lines = await auditLines(async () => {
      await refused(c.modifyCachePool({ poolName: 'p', limit: 3 }, alice), ACE);
      await c.modifyCachePool({ poolName: 'p', ownerName: 'alice', limit: 100, mode: 0o1750 }, hdfsUser);
      await refused(c.removeCachePool('p', bob), ACE);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src'], l['dst']])).to.deep.equal([
      [false, 'modifyCachePool', '{poolName: p}', null],
      [true, 'modifyCachePool', '{poolName: p}', '{poolName:p, ownerName:alice, groupName:null, mode:01750, limit:100, defaultReplication:null, maxRelativeExpiryMs:null}'],
      [false, 'removeCachePool', '{poolName: p}', null],
    ].map(([a, b, s, d]) => [a, b, s, d ?? null]));
    expect(pools().entries[0]!.info).to.deep.include({ ownerName: 'alice', groupName: 'hadoop', mode: 0o1750, limit: 100n, defaultReplication: 1 });
    const id = await c.addCacheDirective({ path: '/d/f', pool: 'p' }, 0, alice);
    await c.removeCachePool('p', hdfsUser);
    expect(pools().entries).to.deep.equal([]);
    await refused(c.removeCacheDirective(id, hdfsUser), IRE, `No directive with ID ${id} found.`);
  });

  it('addCacheDirective: WRITE on the pool, then path, replication, expiry and limit in CacheManager.addDirective\'s order and words', async () => {
    await c.addCachePool({ poolName: 'p', ownerName: 'alice', groupName: 'staff', mode: 0o750, limit: 25, maxRelativeExpiry: 2 * HOUR }, hdfsUser);
    await refused(c.addCacheDirective({ path: '/d/f' }, 0, alice), IRE, 'No pool specified.');
    await refused(c.addCacheDirective({ path: '/d/f', pool: '' }, 0, alice), IRE, 'Invalid empty pool name.');
    await refused(c.addCacheDirective({ path: '/d/f', pool: 'x' }, 0, alice), IRE, 'Unknown pool x');
    await refused(c.addCacheDirective({ path: '/nope/..bad', pool: 'p' }, 0, bob), ACE, 'Permission denied while accessing pool p: user bob does not have WRITE permissions.');
    await refused(c.addCacheDirective({ pool: 'p' }, 0, alice), IRE, 'No path specified.');
    await refused(c.addCacheDirective({ path: 'rel', pool: 'p' }, 0, alice), IRE, 'Invalid path \'rel\'.');
    await refused(c.addCacheDirective({ path: '', pool: 'p' }, 0, alice), HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Can not create a Path from an empty string');
    await refused(c.addCacheDirective({ path: '/d/f', pool: 'p', replication: 0 }, 0, alice), IRE, 'Invalid replication factor 0 <= 0');
    await refused(c.addCacheDirective({ path: '/d/f', pool: 'p', expiration: { millis: -5, isRelative: true } }, 0, alice), IRE, 'Cannot set a negative expiration: -5');
    await refused(c.addCacheDirective({ path: '/d/f', pool: 'p', expiration: { millis: 3 * HOUR, isRelative: true } }, 0, alice), IRE,
      'Expiration 000:03:00:00.000 exceeds the max relative expiration time of 7200000 ms.');
    await refused(c.addCacheDirective({ path: '/d/f', pool: 'p', expiration: { millis: MAX_RELATIVE_EXPIRY_MS + 1n, isRelative: true } }, 0, alice),
      HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Expiration time is too far in the future!');
    await refused(c.addCacheDirective({ path: '/d/f', pool: 'p', expiration: { millis: 9_000_000_000_000_000_000n, isRelative: false } }, 0, alice), IRE,
      `Expiration ${dateToIso8601String(9_000_000_000_000_000_000n)} is too far in the future!`);
    await refused(c.addCacheDirective({ id: 4, path: '/d/f', pool: 'p' }, 0, alice), HadoopException.IO, 'addDirective: you cannot specify an ID for this operation.');
    // 10 bytes x 3 = 30 > 25: refused unless forced
    await refused(c.addCacheDirective({ path: '/d/f', pool: 'p', replication: 3 }, 0, alice), IRE,
      'Caching path /d/f of size 10 bytes at replication 3 would exceed pool p\'s remaining capacity of 25 bytes.');
    const lines = await auditLines(async () => {
      expect(await c.addCacheDirective({ path: '/d//f/', pool: 'p', replication: 2, expiration: { millis: HOUR, isRelative: true } }, 0, alice)).to.equal(1);
      expect(await c.addCacheDirective({ path: '/d/f', pool: 'p', replication: 3 }, 1, alice)).to.equal(2);
      await refused(c.addCacheDirective({ path: '/d/f', pool: 'p' }, 0, bob), ACE);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src']])).to.deep.equal([
      [true, 'addCacheDirective', `{id: 1, path: /d/f, replication: 2, pool: p, expiration: ${dateToIso8601String(BigInt(NOW + HOUR))}}`],
      [true, 'addCacheDirective', `{id: 2, path: /d/f, replication: 3, pool: p, expiration: ${dateToIso8601String(BigInt(NOW + 2 * HOUR))}}`],
      [false, 'addCacheDirective', null],
    ]);
    // the pool now needs 20 + 30 = 50 of its 25: a third directive does not fit, the pool is over its limit
    await refused(c.addCacheDirective({ path: '/d/g', pool: 'p' }, 0, alice), IRE, 'Caching path /d/g of size 5 bytes at replication 1 would exceed pool p\'s remaining capacity of -25 bytes.');
    expect(pools().entries[0]!.stats).to.deep.equal({ bytesNeeded: 50, bytesCached: 0, bytesOverlimit: 25n, filesNeeded: 2, filesCached: 0 });
  });

  it('statistics as CacheReplicationMonitor.rescan computes them with nothing cached: files directly under a directory, empty files cached, expiry', async () => {
    await c.addCachePool({ poolName: 'p' }, hdfsUser);
    await c.addCachePool({ poolName: 'small', limit: 12 }, hdfsUser);
    const dir = await c.addCacheDirective({ path: '/d', pool: 'p', replication: 2 }, 0, hdfsUser);
    const file = await c.addCacheDirective({ path: '/d/g', pool: 'p', expiration: { millis: 1000, isRelative: true } }, 0, hdfsUser);
    const missing = await c.addCacheDirective({ path: '/nope', pool: 'p' }, 0, hdfsUser);
    const over = await c.addCacheDirective({ path: '/d', pool: 'small' }, 1, hdfsUser);
    // /d holds f (10), g (5) and empty (0) directly; sub/deep is not counted
    expect(stats(dir)).to.deep.equal({ bytesNeeded: 30, bytesCached: 0, filesNeeded: 3, filesCached: 1, hasExpired: false });
    expect(stats(file)).to.deep.equal({ bytesNeeded: 5, bytesCached: 0, filesNeeded: 1, filesCached: 0, hasExpired: false });
    expect(stats(missing)).to.deep.equal({ bytesNeeded: 0, bytesCached: 0, filesNeeded: 0, filesCached: 0, hasExpired: false });
    // the small pool (limit 12) passes its limit at g, its last file by name: the empty file, scanned first, counts as cached
    expect(stats(over)).to.deep.equal({ bytesNeeded: 15, bytesCached: 0, filesNeeded: 3, filesCached: 1, hasExpired: false });
    expect(pools().entries.map((e) => e.stats)).to.deep.equal([
      { bytesNeeded: 35, bytesCached: 0, bytesOverlimit: 0n, filesNeeded: 4, filesCached: 1 },
      { bytesNeeded: 15, bytesCached: 0, bytesOverlimit: 3n, filesNeeded: 3, filesCached: 1 },
    ]);
    // a namespace change shows at the next rescan (the refresh interval), an expired directive counts nothing
    await writeFile(t, '/d/h', 7, hdfsUser);
    t.clock.advance(1001);
    expect(stats(dir).bytesNeeded).to.equal(30);
    t.clock.advance(30_000);
    expect(stats(dir)).to.deep.include({ bytesNeeded: 44, filesNeeded: 4 });
    expect(stats(file)).to.deep.equal({ bytesNeeded: 0, bytesCached: 0, filesNeeded: 0, filesCached: 0, hasExpired: true });
  });

  it('without dfs.namenode.caching.enabled there is no rescan: an added directive needs its bytes (computeNeeded), files needed stay 0', async () => {
    const off = await namesystem({ settings: { caching: { enabled: false, maxListCachePoolsResponses: 100, maxListCacheDirectivesResponses: 100, refreshIntervalMs: 30_000 } } });
    try {
      datanode(off.ns, 'dn-1');
      await writeFile(off, '/f', 10, hdfsUser);
      const o = new CacheOps(off.ns);
      await o.addCachePool({ poolName: 'p' }, hdfsUser);
      const id = await o.addCacheDirective({ path: '/f', pool: 'p', replication: 3 }, 0, hdfsUser);
      expect(o.listCacheDirectives(0, { id }, hdfsUser).elements[0]!.stats).to.deep.equal({ bytesNeeded: 30, bytesCached: 0, filesNeeded: 0, filesCached: 0, hasExpired: false });
      await o.removeCacheDirective(id, hdfsUser);
      expect(o.listCachePools('', hdfsUser).entries[0]!.stats.bytesNeeded).to.equal(0);
    } finally {
      await off.ns.store.close();
    }
  });

  it('listCacheDirectives: pool, path and id filters, READ on the pool, batches; refusals of a bad filter', async () => {
    const { o, close } = await smallBatches();
    const list = (filter = {}, caller: CallerInfo = hdfsUser, prevId = 0) => o.listCacheDirectives(prevId, filter, caller);
    try {
      await o.addCachePool({ poolName: 'p', mode: 0o777 }, hdfsUser);
      await o.addCachePool({ poolName: 'q', mode: 0o700 }, hdfsUser);
      for (const [path, pool] of [['/d/f', 'p'], ['/d/g', 'q'], ['/d/f', 'q'], ['/d', 'p'], ['/d/f', 'p']] as const) await o.addCacheDirective({ path, pool }, 0, hdfsUser);
      const ids = (r: { elements: { info: { id?: number | bigint } }[]; hasMore: boolean }) => [r.elements.map((e) => e.info.id), r.hasMore];
      expect(ids(list())).to.deep.equal([[1, 2], true]);
      expect(ids(list({}, hdfsUser, 2))).to.deep.equal([[3, 4], true]);
      expect(ids(list({}, hdfsUser, 4))).to.deep.equal([[5], false]);
      expect(ids(list({}, alice))).to.deep.equal([[1, 4], true]); // q is not readable: skipped, the batch still counts only what it holds
      expect(ids(list({ pool: 'p' }, hdfsUser, 1))).to.deep.equal([[4, 5], false]);
      expect(ids(list({ path: '/d/./f' }))).to.deep.equal([[1, 3], true]);
      expect(ids(list({ id: 3 }))).to.deep.equal([[3], false]);
      expect(ids(list({ id: 2 }, alice))).to.deep.equal([[], false]);
      expect(list({ id: 5 }).elements[0]!.info).to.deep.equal({ id: 5, path: '/d/f', replication: 1, pool: 'p', expiration: { millis: BigInt(NOW) + MAX_RELATIVE_EXPIRY_MS, isRelative: false } });
      const lines = await auditLines(async () => {
        expect(() => list({ id: 9 })).to.throw('Did not find requested id 9');
        expect(() => list({ replication: 2 })).to.throw('Filtering by replication is unsupported.');
        expect(() => list({ path: 'x' })).to.throw('Invalid path \'x\'.');
        list({ pool: 'p', path: '/d' });
      });
      expect(lines.map((l) => [l['cmd'], l['src']])).to.deep.equal([['listCacheDirectives', '{path: /d, pool: p}']]);
    } finally {
      await close();
    }
  });

  it('modifyCacheDirective and removeCacheDirective: ids, WRITE on the old and new pool, the limit of the new pool, expiry against it', async () => {
    await c.addCachePool({ poolName: 'p', ownerName: 'alice', mode: 0o700 }, hdfsUser);
    await c.addCachePool({ poolName: 'q', limit: 15, maxRelativeExpiry: HOUR }, hdfsUser);
    const id = await c.addCacheDirective({ path: '/d/f', pool: 'p', replication: 2 }, 0, alice);
    await refused(c.modifyCacheDirective({ pool: 'q' }, 0, alice), IRE, 'Must supply an ID.');
    await refused(c.modifyCacheDirective({ id: -1, pool: 'q' }, 0, alice), IRE, 'Invalid negative ID.');
    await refused(c.modifyCacheDirective({ id: 9, pool: 'q' }, 0, alice), IRE, 'No directive with ID 9 found.');
    await refused(c.modifyCacheDirective({ id, replication: 1 }, 0, bob), ACE, 'Permission denied while accessing pool p: user bob does not have WRITE permissions.');
    await refused(c.modifyCacheDirective({ id, pool: 'q' }, 0, alice), ACE, 'Permission denied while accessing pool q: user alice does not have WRITE permissions.');
    await refused(c.modifyCacheDirective({ id, pool: 'q' }, 0, hdfsUser), IRE, 'Caching path /d/f of size 10 bytes at replication 2 would exceed pool q\'s remaining capacity of 15 bytes.');
    // forced past the limit, but the pool's maximum expiry still holds (the directive never expired)
    await refused(c.modifyCacheDirective({ id, pool: 'q' }, 1, hdfsUser), IRE, /^Expiration \d{4,}-.* exceeds the max relative expiration time of 3600000 ms\.$/);
    const lines = await auditLines(async () => {
      await c.modifyCacheDirective({ id, pool: 'q', replication: 1, expiration: { millis: 60_000, isRelative: true } }, 0, hdfsUser);
      await refused(c.removeCacheDirective(id, alice), ACE);
      await c.removeCacheDirective(id, hdfsUser);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src'], l['dst']])).to.deep.equal([
      [true, 'modifyCacheDirective', `{id: ${id}}`, '{id: 1, replication: 1, pool: q, expiration: 000:00:01:00.000}'],
      [false, 'removeCacheDirective', `{id: ${id}}`, null],
      [true, 'removeCacheDirective', `{id: ${id}}`, null],
    ]);
    await refused(c.removeCacheDirective(0, hdfsUser), IRE, 'Invalid negative ID.');
    // any Java long a caller names: past 2^53 it names no directive, said with every digit
    await refused(c.removeCacheDirective(9223372036854775807n, hdfsUser), IRE, 'No directive with ID 9223372036854775807 found.');
    await refused(c.modifyCacheDirective({ id: 9007199254740993n, replication: 1 }, 0, hdfsUser), IRE, 'No directive with ID 9007199254740993 found.');
    expect(() => directives({ id: 9007199254740993n })).to.throw('Did not find requested id 9007199254740993');
    expect(directives({}, hdfsUser, 9223372036854775807n).elements).to.deep.equal([]);
    // ids are never reused
    expect(await c.addCacheDirective({ path: '/d/g', pool: 'p' }, 0, alice)).to.equal(2);
  });

  it('safe mode refuses every change with FSNamesystem\'s text; listings go on', async () => {
    await c.addCachePool({ poolName: 'p' }, hdfsUser);
    const id = await c.addCacheDirective({ path: '/d/f', pool: 'p' }, 0, hdfsUser);
    await t.ns.enterSafeMode();
    const sm = HadoopException.SAFE_MODE;
    await refused(c.addCachePool({ poolName: 'q' }, hdfsUser), sm, /^Cannot add cache poolq\. Name node is in safe mode\./);
    await refused(c.modifyCachePool({ poolName: 'p', limit: 1 }, hdfsUser), sm, /^Cannot modify cache poolp\. Name node/);
    await refused(c.removeCachePool('p', hdfsUser), sm, /^Cannot modify cache poolp\. Name node/);
    await refused(c.addCacheDirective({ path: '/d/g', pool: 'p' }, 0, hdfsUser), sm, /^Cannot add cache directive\. Name node/);
    await refused(c.modifyCacheDirective({ id, replication: 2 }, 0, hdfsUser), sm, /^Cannot add cache directive\. Name node/);
    await refused(c.removeCacheDirective(id, hdfsUser), sm, /^Cannot remove cache directives\. Name node/);
    expect(directives().elements).to.have.length(1);
    // the superuser check comes first
    await refused(c.addCachePool({ poolName: 'q' }, alice), ACE);
  });

  it('a retried call (same client id and call id) answers as the first time: no second directive, no "already exists"', async () => {
    const call = { clientId: new Uint8Array(16).fill(7), callId: 42 };
    await c.addCachePool({ poolName: 'p' }, hdfsUser, call);
    await c.addCachePool({ poolName: 'p' }, hdfsUser, call);
    const d = { clientId: call.clientId, callId: 43 };
    expect(await c.addCacheDirective({ path: '/d/f', pool: 'p' }, 0, hdfsUser, d)).to.equal(1);
    expect(await c.addCacheDirective({ path: '/d/f', pool: 'p' }, 0, hdfsUser, d)).to.equal(1);
    expect(directives().elements).to.have.length(1);
    await refused(c.addCachePool({ poolName: 'p' }, hdfsUser, { clientId: call.clientId, callId: 44 }), IRE, 'Cache pool p already exists.');
    // after 10 minutes the entry is gone
    t.clock.advance(600_001);
    expect(await c.addCacheDirective({ path: '/d/f', pool: 'p' }, 0, hdfsUser, d)).to.equal(2);
  });

  it('pools and directives survive a restart, from the journal and from a snapshot; the next id continues', async () => {
    await c.addCachePool({ poolName: 'p', ownerName: 'alice', groupName: 'g', mode: 0o1751, limit: 1000, defaultReplication: 2, maxRelativeExpiry: 5 * HOUR }, hdfsUser);
    await c.addCachePool({ poolName: 'q' }, hdfsUser);
    await c.addCacheDirective({ path: '/d/f', pool: 'p', expiration: { millis: HOUR, isRelative: true } }, 0, hdfsUser);
    const second = await c.addCacheDirective({ path: '/d', pool: 'q' }, 0, hdfsUser);
    await c.addCacheDirective({ path: '/d/g', pool: 'q' }, 0, hdfsUser);
    // the directive never expires: moved into p it must take an expiry within p's maximum (CacheManager.modifyDirective)
    await refused(c.modifyCacheDirective({ id: second, pool: 'p' }, 0, hdfsUser), IRE, /exceeds the max relative expiration time of 18000000 ms\.$/);
    await c.modifyCacheDirective({ id: second, pool: 'p', replication: 3, expiration: { millis: 2 * HOUR, isRelative: true } }, 0, hdfsUser);
    await c.removeCacheDirective(3, hdfsUser);
    await c.modifyCachePool({ poolName: 'q', limit: 7 }, hdfsUser);
    const before = [pools(), directives()];
    t = await t.restart();
    c = new CacheOps(t.ns);
    expect([pools(), directives()]).to.deep.equal(before);
    await t.ns.write(() => t.ns.store.compact(t.ns.fsd));
    t = await t.restart();
    c = new CacheOps(t.ns);
    expect([pools(), directives()]).to.deep.equal(before);
    expect(await c.addCacheDirective({ path: '/d/f', pool: 'q' }, 1, hdfsUser)).to.equal(4);
    await c.removeCachePool('p', hdfsUser);
    t = await t.restart();
    c = new CacheOps(t.ns);
    expect(directives().elements.map((e) => [e.info.id, e.info.pool])).to.deep.equal([[4, 'q']]);
  });

  it('the translator\'s conversions and the texts of CacheDirectiveInfo / durations', () => {
    expect(['/a//b/', 'hdfs://nn:8020/a/./b', '/a/../b', '/'].map(pathOf)).to.deep.equal(['/a/b', '/a/b', '/b', '/']);
    expect(poolFromProto({ poolName: 'p', mode: 0o17777 }).mode).to.equal(0o1777);
    expect(directiveFromProto({ expiration: { millis: 5, isRelative: false } })).to.deep.equal({ expiration: { millis: 5n, isRelative: false } });
    expect(durationToString(90_061_001n)).to.equal('001:01:01:01.001');
    expect(durationToString(-1500n)).to.equal('-000:00:00:01.500');
    expect(cacheDirectiveInfoString({})).to.equal('{}');
    expect(dateToIso8601String(0n)).to.match(/^1970-01-01T00:00:00\+0000$|^19(69|70)-/);
    // never: now + Long.MAX_VALUE / 4, in the year 73 million (SimpleDateFormat prints every digit)
    expect(dateToIso8601String(BigInt(NOW) + MAX_RELATIVE_EXPIRY_MS)).to.match(/^7307128\d-\d\d-\d\dT\d\d:\d\d:33[+-]\d{4}$/);
    if (new Date().getTimezoneOffset() === 0) {
      expect(dateToIso8601String(BigInt(NOW) + MAX_RELATIVE_EXPIRY_MS)).to.equal('73071280-01-10T18:01:33+0000');
      for (const ms of [0, 951_782_400_000, 1_700_000_000_000, -86_400_001, 253_402_300_799_000]) {
        expect(dateToIso8601String(BigInt(ms))).to.equal(`${new Date(ms).toISOString().slice(0, 19)}+0000`);
      }
    }
  });
});
