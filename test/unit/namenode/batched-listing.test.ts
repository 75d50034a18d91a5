// getBatchedListing on a namesystem without RPC, as Hadoop 3.4.1's FSNamesystem.getBatchedListing:
// dfs.batched.ls.limit, the page limit (dfs.ls.limit, checked after each path), the opaque
// startAfter key (MD5 of the paths, path index, last name; an empty name skips a finished path),
// per-path exceptions carried in the answer, and the audit lines of the paths walked.
import { expect } from 'chai';
import {
  BatchedListing, decodeBatchedListingKey, encodeBatchedListingKey, srcPathsHash, type BatchedListingResult,
} from '../../../cluster/namenode/batched-listing.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { refused } from '../../support/expect-code.ts';
import { auditLines } from '../../support/log-lines.ts';
import { alice, bob, datanode, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const sync = (f: () => unknown) => Promise.resolve().then(f);
const names = (r: BatchedListingResult) =>
  r.listings.map((l) => `${l.parentIdx}:${l.exception ? `!${l.exception.className}` : (l.partialListing ?? []).map((s) => Buffer.from(s.path).toString()).join(',')}`);
const brief = (lines: Record<string, unknown>[]) =>
  lines.map((l) => String(l['line']).replace(/^allowed=(\w+)\tugi=([^ @]+)\S* [^\t]+\tip=[^\t]+\tcmd=([^\t]+)\tsrc=([^\t]+)\t.*$/, '$1 $2 $3 $4'));

describe('namenode/getBatchedListing', () => {
  let t: TestNamesystem;
  let b: BatchedListing;
  beforeEach(async () => {
    t = await namesystem({ settings: { lsLimit: 3, batchedListingLimit: 4 } });
    b = new BatchedListing(t.ns);
    await t.ns.mkdirs('/x', { perm: 0o777 }, true, hdfsUser);
    for (const d of ['/x/a', '/x/b', '/x/c', '/x/p']) await t.ns.mkdirs(d, { perm: d === '/x/p' ? 0o700 : 0o755 }, true, alice);
    for (const f of ['1', '2']) await writeFile(t, `/x/a/${f}`, 0);
    for (const f of ['1', '2', '3', '4']) await writeFile(t, `/x/b/${f}`, 0);
    await writeFile(t, '/x/f', 0);
  });
  afterEach(() => t.ns.store.close());

  it('lists path after path until dfs.ls.limit entries are in the page (checked after each path), then goes on from the key', () => {
    const paths = ['/x/a', '/x/f', '/x/b', '/x/c'];
    const p1 = b.getBatchedListing(paths, new Uint8Array(0), false, alice);
    expect(names(p1)).to.deep.equal(['0:1,2', '1:']); // 3 entries: the limit (the file lists itself with an empty name)
    expect(p1.hasMore).to.equal(true);
    const k1 = decodeBatchedListingKey(p1.startAfter);
    expect(k1.pathIndex).to.equal(1);
    expect(k1.startAfter).to.deep.equal(new Uint8Array(0)); // a file: done, skipped next time
    expect(Buffer.from(k1.checksum).equals(srcPathsHash(paths))).to.equal(true);
    const p2 = b.getBatchedListing(paths, p1.startAfter, false, alice);
    expect(names(p2)).to.deep.equal(['2:1,2,3']); // one directory's page of dfs.ls.limit
    const k2 = decodeBatchedListingKey(p2.startAfter);
    expect([k2.pathIndex, Buffer.from(k2.startAfter).toString()]).to.deep.equal([2, '3']);
    const p3 = b.getBatchedListing(paths, p2.startAfter, false, alice);
    expect(names(p3)).to.deep.equal(['2:4', '3:']);
    expect(p3).to.deep.include({ hasMore: false });
    expect(p3.startAfter).to.have.length(0);
  });

  it('the last path ending exactly at the limit with nothing left: hasMore false', () => {
    const r = b.getBatchedListing(['/x/c', '/x/a', '/x/f'], new Uint8Array(0), false, alice);
    expect(names(r)).to.deep.equal(['0:', '1:1,2', '2:']);
    expect(r.hasMore).to.equal(false);
    const one = b.getBatchedListing(['/x/c', '/x/b'], new Uint8Array(0), false, alice);
    expect(names(one)).to.deep.equal(['0:', '1:1,2,3']);
    expect(one.hasMore).to.equal(true); // /x/b has a fourth entry
  });

  it('a failing path carries its exception (canonical class name, message) in the answer; the others are listed', () => {
    const r = b.getBatchedListing(['/x/none', '/x/p', '/x/f/g', '/x/a'], new Uint8Array(0), false, bob);
    expect(r.listings.map((l) => [l.parentIdx, l.exception])).to.deep.equal([
      [0, { className: 'java.io.FileNotFoundException', message: 'Path /x/none does not exist' }],
      [1, { className: 'org.apache.hadoop.security.AccessControlException', message: 'Permission denied: user=bob, access=READ_EXECUTE, inode="/x/p":alice:supergroup:drwx------' }],
      [2, { className: 'org.apache.hadoop.security.AccessControlException', message: '/x/f (is not a directory)' }],
      [3, undefined],
    ]);
    expect(r.hasMore).to.equal(false);
  });

  it('audit: each path walked as listStatus (refused ones also as allowed=false); the path the limit stopped at waits for the next page', async () => {
    const paths = ['/x/p', '/x/a', '/x/b', '/x/c'];
    let first: BatchedListingResult | undefined;
    const lines = await auditLines(async () => {
      first = b.getBatchedListing(paths, new Uint8Array(0), false, bob);
    });
    expect(names(first!)).to.deep.equal(['0:!org.apache.hadoop.security.AccessControlException', '1:1,2', '2:1,2,3']); // 5 entries: the limit is checked after each path
    expect(brief(lines)).to.deep.equal(['false bob listStatus /x/p', 'true bob listStatus /x/p', 'true bob listStatus /x/a']);
    const next = await auditLines(async () => {
      b.getBatchedListing(paths, first!.startAfter, false, bob);
    });
    expect(brief(next)).to.deep.equal(['true bob listStatus /x/b', 'true bob listStatus /x/c']);
  });

  it('needLocation: files carry their block locations (no block tokens)', async () => {
    const dn = datanode(t.ns, 'dn-1');
    await writeFile(t, '/x/c/data', 700, alice, dn);
    const r = b.getBatchedListing(['/x/c'], new Uint8Array(0), true, alice);
    const st = r.listings[0]!.partialListing![0]!;
    expect(st.locations).to.deep.include({ fileLength: 700 });
    expect(st.locations!.blocks![0]!.locs![0]!.id.datanodeUuid).to.equal('dn-1');
    expect(st.locations!.blocks![0]!.blockToken.identifier).to.have.length(0);
    expect(b.getBatchedListing(['/x/c'], new Uint8Array(0), false, alice).listings[0]!.partialListing![0]!.locations).to.equal(undefined);
  });

  it('refusals of the call: too many paths first, a key of other paths, a key that does not parse', async () => {
    await refused(sync(() => b.getBatchedListing(['/1', '/2', '/3', '/4', '/5'], new Uint8Array([1]), false, alice)),
      HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Too many source paths (5 > 4)');
    const key = encodeBatchedListingKey({ checksum: srcPathsHash(['/x/a']), pathIndex: 0, startAfter: Buffer.from('1') });
    await refused(sync(() => b.getBatchedListing(['/x/b'], key, false, alice)), HadoopException.JAVA_ILLEGAL_ARGUMENT, 'java.lang.IllegalArgumentException');
    expect(names(b.getBatchedListing(['/x/a'], key, false, alice))).to.deep.equal(['0:2']);
    await refused(sync(() => b.getBatchedListing(['/x/a'], Buffer.from('0a0531', 'hex'), false, alice)), HadoopException.INVALID_PROTOCOL_BUFFER,
      /^While parsing a protocol message, the input ended unexpectedly in the middle of a field/);
    await refused(sync(() => b.getBatchedListing(['/x/a'], Buffer.from('1001', 'hex'), false, alice)), HadoopException.INVALID_PROTOCOL_BUFFER,
      'Message missing required fields: checksum, startAfter');
  });

  it('no paths: an empty answer; the key round-trips (fields 1 checksum, 2 pathIndex, 3 startAfter)', () => {
    expect(b.getBatchedListing([], new Uint8Array(0), false, alice)).to.deep.equal({ listings: [], hasMore: false, startAfter: new Uint8Array(0) });
    const bytes = encodeBatchedListingKey({ checksum: new Uint8Array([0xaa]), pathIndex: 2, startAfter: Buffer.from('n') });
    expect(Buffer.from(bytes).toString('hex')).to.equal('0a01aa' + '1002' + '1a016e');
    // an unknown field is skipped, as protobuf-java keeps it aside
    expect(decodeBatchedListingKey(Buffer.concat([Buffer.from(bytes), Buffer.from('2001', 'hex')]))).to.deep.equal({ checksum: new Uint8Array([0xaa]), pathIndex: 2, startAfter: new Uint8Array(Buffer.from('n')) });
  });
});
