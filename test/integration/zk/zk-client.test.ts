/**
 * ZkClient against a real ZooKeeper 3.8 (Debian package, MiniZooKeeper): create (persistent,
 * sequential, ephemeral, with parents), read, compare-and-set conflicts between two sessions,
 * delete with versions, children, exists, ACL read/write, atomic multi (a failed transaction
 * applies nothing), the SharedCount-compatible counter under concurrent writers, a chrooted
 * client, long-lived data and children watches that fire well under 250 ms, and close().
 */
import { expect } from 'chai';
import { ZkClient, ZkSharedCount, Perms, READ_ACL_UNSAFE, decodeSharedCount, type ZNode, type ZChildren } from '../../../lib/zk/index.ts';
import { useMiniZooKeeper } from '../../support/fixtures.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Resolves with the first value `predicate` accepts among those pushed to the returned sink. */
function nextValue<T>(predicate: (v: T) => boolean): { sink: (v: T) => void; value: Promise<{ v: T; at: number }> } {
  let resolve!: (r: { v: T; at: number }) => void;
  const value = new Promise<{ v: T; at: number }>((r) => (resolve = r));
  return { sink: (v) => predicate(v) && resolve({ v, at: performance.now() }), value };
}

describe('ZkClient (real ZooKeeper)', function () {
  this.timeout(60_000);
  const fixture = useMiniZooKeeper();
  let a: ZkClient;
  let b: ZkClient;

  before(async function () {
    a = await ZkClient.connect({ connectString: fixture.zk.connectString });
    b = await ZkClient.connect({ connectString: fixture.zk.connectString });
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it('connects with a session and the timeout the server granted', () => {
    expect(a.state).to.equal('connected');
    expect(a.sessionId).to.not.equal(0n);
    expect(a.sessionId).to.not.equal(b.sessionId);
    expect(a.negotiatedSessionTimeoutMs).to.equal(10_000);
  });

  it('creates, reads, updates and deletes a node; missing and existing nodes are typed errors', async () => {
    expect(await a.create('/crud', enc('one'))).to.equal('/crud');
    const read = await b.getData('/crud');
    expect(dec(read.data)).to.equal('one');
    expect(read.stat.version).to.equal(0);
    const stat = await a.setData('/crud', enc('two'));
    expect(stat.version).to.equal(1);
    expect(dec((await b.getData('/crud')).data)).to.equal('two');
    await rejectsWithCode(a.create('/crud'), 'ZK_NODE_EXISTS');
    await rejectsWithCode(a.getData('/crud-missing'), 'ZK_NO_NODE');
    await rejectsWithCode(a.create('/no/parent'), 'ZK_NO_NODE');
    expect(await a.exists('/crud-missing')).to.equal(undefined);
    await a.delete('/crud', { version: 1 });
    expect(await b.exists('/crud')).to.equal(undefined);
  });

  it('refuses a compare-and-set whose version another session already moved (ZK_BAD_VERSION), for setData and delete', async () => {
    await a.create('/cas', enc('0'));
    const seenByA = await a.getData('/cas');
    const seenByB = await b.getData('/cas');
    await b.setData('/cas', enc('b'), { version: seenByB.stat.version });
    const err = await rejectsWithCode(a.setData('/cas', enc('a'), { version: seenByA.stat.version }), 'ZK_BAD_VERSION');
    expect(err.message).to.include('/cas').and.include('expected version 0');
    expect(dec((await a.getData('/cas')).data)).to.equal('b');
    await rejectsWithCode(a.delete('/cas', { version: 0 }), 'ZK_BAD_VERSION');
    await a.delete('/cas', { version: 1 });
  });

  it('creates parents, sequential and ephemeral nodes, and lists children', async () => {
    expect(await a.create('/tree/x/y', enc('leaf'), { createParents: true })).to.equal('/tree/x/y');
    const s1 = await a.create('/tree/x/seq-', undefined, { mode: 'persistent-sequential' });
    const s2 = await a.create('/tree/x/seq-', undefined, { mode: 'persistent-sequential' });
    expect(s1).to.match(/^\/tree\/x\/seq-\d{10}$/);
    expect(Number(s2.slice(-10))).to.equal(Number(s1.slice(-10)) + 1);
    const eph = await b.create('/tree/x/eph', undefined, { mode: 'ephemeral' });
    expect((await a.exists(eph))!.ephemeralOwner).to.equal(b.sessionId);
    const kids = await a.getChildren('/tree/x');
    expect([...kids.children].sort()).to.deep.equal(['eph', s1.split('/').pop(), s2.split('/').pop(), 'y'].sort());
    await rejectsWithCode(a.delete('/tree/x'), 'ZK_NOT_EMPTY');
  });

  it('reads and sets ACLs; a read-only ACL refuses writes with ZK_NO_AUTH', async () => {
    await a.create('/ro', enc('r'), { acl: READ_ACL_UNSAFE });
    const { acl } = await b.getAcl('/ro');
    expect(acl).to.deep.equal([{ perms: Perms.READ, scheme: 'world', id: 'anyone' }]);
    expect(dec((await b.getData('/ro')).data)).to.equal('r');
    await rejectsWithCode(b.setData('/ro', enc('w')), 'ZK_NO_AUTH');
    await a.create('/rw', enc('r'));
    const readAdmin = [{ perms: Perms.READ | Perms.ADMIN, scheme: 'world', id: 'anyone' }];
    expect((await a.setAcl('/rw', readAdmin, { version: 0 })).aversion).to.equal(1);
    await rejectsWithCode(a.setAcl('/rw', readAdmin, { version: 0 }), 'ZK_BAD_VERSION');
    await rejectsWithCode(a.setData('/rw', enc('w')), 'ZK_NO_AUTH');
  });

  it('runs a multi atomically: all operations apply, or none when one fails', async () => {
    await a.create('/tx', enc('v0'));
    const ok = await a.multi([
      { type: 'check', path: '/tx', version: 0 },
      { type: 'setData', path: '/tx', data: enc('v1'), version: 0 },
      { type: 'create', path: '/tx/child', data: enc('c') },
    ]);
    expect(ok.map((r) => r.type)).to.deep.equal(['check', 'setData', 'create']);
    expect(ok[2]).to.deep.equal({ type: 'create', path: '/tx/child' });
    const err = await rejectsWithCode(
      a.multi([
        { type: 'create', path: '/tx/second' },
        { type: 'setData', path: '/tx', data: enc('v2'), version: 0 },
      ]),
      'ZK_BAD_VERSION',
    );
    expect(err.message).to.include('operation 1').and.include('/tx');
    expect(await a.exists('/tx/second')).to.equal(undefined);
    expect(dec((await a.getData('/tx')).data)).to.equal('v1');
  });

  it('keeps a SharedCount-compatible counter exact under concurrent adds from two sessions', async () => {
    const ca = new ZkSharedCount(a, '/counters/seq', { seed: 0 });
    const cb = new ZkSharedCount(b, '/counters/seq', { seed: 0 });
    expect((await ca.start()).value).to.equal(0);
    expect((await cb.start()).value).to.equal(0);
    const adds = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? ca : cb).add(5)));
    const previous = adds.map((r) => r.previous).sort((x, y) => x - y);
    expect(previous).to.deep.equal(Array.from({ length: 20 }, (_, i) => i * 5));
    expect(decodeSharedCount((await a.getData('/counters/seq')).data)).to.equal(100);
    const v = await ca.get();
    expect(await cb.trySet(v, 7)).to.equal(true);
    expect(await ca.trySet(v, 8)).to.equal(false);
  });

  it('serves a chrooted client under its root', async () => {
    await a.create('/chroot-base', enc(''));
    const c = await ZkClient.connect({ connectString: `${fixture.zk.connectString}/chroot-base` });
    try {
      expect(await c.create('/inside', enc('in'))).to.equal('/inside');
      expect(dec((await a.getData('/chroot-base/inside')).data)).to.equal('in');
      const seq = await c.create('/s-', undefined, { mode: 'persistent-sequential' });
      expect(seq).to.match(/^\/s-\d{10}$/);
      const seen = nextValue<ZNode | undefined>((n) => n !== undefined && dec(n.data) === 'changed');
      const w = await c.watchData('/inside', seen.sink);
      await a.setData('/chroot-base/inside', enc('changed'));
      await seen.value;
      w.close();
    } finally {
      await c.close();
    }
  });

  it('delivers data changes, deletion and re-creation to a long-lived watch well under 250 ms', async () => {
    await a.create('/watched', enc('v0'));
    const values: Array<string | undefined> = [];
    let waiter = nextValue<ZNode | undefined>(() => true);
    const w = await b.watchData('/watched', (n) => {
      values.push(n && dec(n.data));
      waiter.sink(n);
    });
    expect(dec(w.current!.data)).to.equal('v0');
    for (const next of ['v1', 'v2', 'v3']) {
      waiter = nextValue<ZNode | undefined>(() => true);
      const t0 = performance.now();
      await a.setData('/watched', enc(next));
      const { at } = await waiter.value;
      expect(at - t0, `latency of ${next}`).to.be.below(250);
    }
    waiter = nextValue<ZNode | undefined>(() => true);
    await a.delete('/watched');
    expect((await waiter.value).v).to.equal(undefined);
    waiter = nextValue<ZNode | undefined>(() => true);
    await a.create('/watched', enc('again'));
    await waiter.value;
    expect(values).to.deep.equal(['v1', 'v2', 'v3', undefined, 'again']);
    w.close();
    await a.setData('/watched', enc('after-close'));
    await new Promise((r) => setTimeout(r, 200));
    expect(values).to.have.length(5);
  });

  it('watches children, including a node that does not exist yet', async () => {
    const seen: Array<readonly string[] | undefined> = [];
    let waiter = nextValue<ZChildren | undefined>(() => true);
    const w = await b.watchChildren('/kids', (c) => {
      seen.push(c && [...c.children].sort());
      waiter.sink(c);
    });
    expect(w.current).to.equal(undefined);
    await a.create('/kids');
    await waiter.value;
    waiter = nextValue<ZChildren | undefined>(() => true);
    await a.create('/kids/one');
    await waiter.value;
    waiter = nextValue<ZChildren | undefined>(() => true);
    await a.setData('/kids/one', enc('data changes are not child changes'));
    await a.create('/kids/two');
    await waiter.value;
    expect(seen).to.deep.equal([[], ['one'], ['one', 'two']]);
    w.close();
  });

  it('fails calls after close() with ZK_CLOSED, and the closed session is gone on the server', async () => {
    const c = await ZkClient.connect({ connectString: fixture.zk.connectString });
    const eph = await c.create('/closing', undefined, { mode: 'ephemeral' });
    await c.close();
    expect(c.state).to.equal('closed');
    await rejectsWithCode(c.getData('/'), 'ZK_CLOSED');
    expect(await a.exists(eph)).to.equal(undefined);
  });
});
