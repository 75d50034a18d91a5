/**
 * LongLivedWatch (lib/zk/watches.ts) driven by scripted arming reads: a change is delivered once,
 * a re-read that finds the same key delivers nothing (a notification and a resync that see the
 * same version), triggers during a read cause exactly one more read, connection-level errors are
 * left to the next reconnect while others reach onError, and a throwing listener is contained.
 */
import { expect } from 'chai';
import { ZooKeeperError } from '../../../lib/errors/index.ts';
import { LongLivedWatch, type WatchRead } from '../../../lib/zk/watches.ts';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function scripted(reads: Array<WatchRead<string> | ZooKeeperError>): { read: () => Promise<WatchRead<string>>; calls: () => number } {
  let n = 0;
  return {
    read: async () => {
      const next = reads[Math.min(n, reads.length - 1)]!;
      n++;
      await tick();
      if (next instanceof ZooKeeperError) throw next;
      return next;
    },
    calls: () => n,
  };
}

describe('LongLivedWatch', () => {
  it('delivers a changed read once and ignores a re-read of the same version', async () => {
    const s = scripted([{ value: 'v1', key: '1' }, { value: 'v2', key: '2' }, { value: 'v2', key: '2' }]);
    const seen: Array<string | undefined> = [];
    const w = new LongLivedWatch<string>('/p', s.read, (v) => seen.push(v), undefined, () => {});
    await w.start();
    expect(w.current).to.equal('v1');
    w.trigger();
    for (let i = 0; i < 2; i++) await tick();
    w.trigger();
    for (let i = 0; i < 2; i++) await tick();
    expect(seen).to.deep.equal(['v2']);
    expect(s.calls()).to.equal(3);
  });

  it('runs one more read when triggered during a read, and delivers deletion as undefined', async () => {
    const s = scripted([{ value: 'a', key: '1' }, { value: 'b', key: '2' }, { value: undefined, key: 'none' }]);
    const seen: Array<string | undefined> = [];
    const w = new LongLivedWatch<string>('/p', s.read, (v) => seen.push(v), undefined, () => {});
    await w.start();
    w.trigger();
    w.trigger();
    w.trigger();
    for (let i = 0; i < 6; i++) await tick();
    expect(s.calls()).to.equal(3);
    expect(seen).to.deep.equal(['b', undefined]);
  });

  it('leaves connection-level errors to the reconnect resync and reports the others', async () => {
    const lost = new ZooKeeperError('ZK_CONNECTION_LOSS', 'lost');
    const denied = new ZooKeeperError('ZK_NO_AUTH', 'denied');
    const s = scripted([{ value: 'a', key: '1' }, lost, denied]);
    const errors: string[] = [];
    const w = new LongLivedWatch<string>('/p', s.read, () => {}, (e) => errors.push(e.code), () => {});
    await w.start();
    w.trigger();
    for (let i = 0; i < 3; i++) await tick();
    w.trigger();
    for (let i = 0; i < 3; i++) await tick();
    expect(errors).to.deep.equal(['ZK_NO_AUTH']);
  });

  it('contains a throwing listener and stops after close()', async () => {
    const s = scripted([{ value: 'a', key: '1' }, { value: 'b', key: '2' }, { value: 'c', key: '3' }]);
    let closed = 0;
    const w = new LongLivedWatch<string>('/p', s.read, () => { throw new Error('listener bug'); }, undefined, () => closed++);
    await w.start();
    w.trigger();
    for (let i = 0; i < 3; i++) await tick();
    expect(w.current).to.equal('b');
    w.close();
    w.close();
    w.trigger();
    for (let i = 0; i < 3; i++) await tick();
    expect(closed).to.equal(1);
    expect(s.calls()).to.equal(2);
  });
});

describe('LongLivedWatch start', () => {
  it('reads once more when triggered during its first read, delivering what changed meanwhile', async () => {
    const s = scripted([{ value: 'old', key: '1' }, { value: 'new', key: '2' }]);
    const seen: Array<string | undefined> = [];
    const w = new LongLivedWatch<string>('/p', s.read, (v) => seen.push(v), undefined, () => {});
    const started = w.start();
    w.trigger();
    await started;
    for (let i = 0; i < 4; i++) await tick();
    expect(s.calls()).to.equal(2);
    expect(seen).to.deep.equal(['new']);
  });
});
