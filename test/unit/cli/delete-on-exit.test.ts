/**
 * DeleteOnExit (cluster/cli/delete-on-exit.ts): what `hsec fs` deletes when interrupted, as Hadoop's
 * FileSystem.deleteOnExit. The signal is delivered with process.emit (the handlers are the ones a
 * real SIGINT runs); the process exit is the injected function. The end-to-end Ctrl-C of a real
 * `hsec fs -put` is in test/integration/cli/interrupted-copy.test.ts.
 */
import { expect } from 'chai';
import { DeleteOnExit } from '../../../cluster/cli/delete-on-exit.ts';

describe('cli/DeleteOnExit', () => {
  it('runs the clean-ups still registered, not the ones forgotten, and only once', async () => {
    const d = new DeleteOnExit();
    const ran: string[] = [];
    d.add('a._COPYING_', async () => void ran.push('a'));
    const forget = d.add('b._COPYING_', async () => void ran.push('b'));
    expect(d.pending).to.deep.equal(['a._COPYING_', 'b._COPYING_']);
    forget();
    await d.runAll();
    await d.runAll();
    expect(ran).to.deep.equal(['a']);
    expect(d.pending).to.deep.equal([]);
  });

  it('a failing clean-up does not stop the others; a hanging one is given up after the timeout', async () => {
    const d = new DeleteOnExit();
    const ran: string[] = [];
    d.add('bad', () => Promise.reject(new Error('NameNode gone')));
    d.add('hangs', () => new Promise(() => undefined));
    d.add('good', async () => void ran.push('good'));
    const t0 = Date.now();
    await d.runAll(50);
    expect(ran).to.deep.equal(['good']);
    expect(Date.now() - t0).to.be.lessThan(2000);
  });

  it('SIGINT runs the clean-ups, then exits 130 (SIGTERM 143); a second signal exits at once; stopping removes the handlers', async () => {
    const d = new DeleteOnExit();
    const codes: number[] = [];
    let release!: () => void;
    const deleted = new Promise<void>((resolve) => {
      release = resolve;
    });
    let ran = false;
    d.add('x._COPYING_', async () => {
      await deleted;
      ran = true;
    });
    const before = process.listenerCount('SIGINT');
    const stop = d.onSignals((code) => void codes.push(code));
    try {
      expect(process.listenerCount('SIGINT')).to.equal(before + 1);
      process.emit('SIGINT', 'SIGINT');
      expect(codes).to.deep.equal([]); // waiting for the clean-up
      process.emit('SIGTERM', 'SIGTERM');
      expect(codes).to.deep.equal([143]); // the second signal does not wait
      release();
      await new Promise((r) => setTimeout(r, 10));
      expect(ran).to.equal(true);
      expect(codes).to.deep.equal([143, 130]);
    } finally {
      stop();
    }
    expect(process.listenerCount('SIGINT')).to.equal(before);
  });
});

describe('cli/DeleteOnExit after a signal', () => {
  it('aborts `signal` before the clean-ups run, refuses new registrations, and `settled` waits for the clean-ups', async () => {
    const d = new DeleteOnExit();
    expect(d.interrupted).to.equal(false);
    let abortedWhenRun: boolean | undefined;
    d.add('a._COPYING_', async () => void (abortedWhenRun = d.signal.aborted));
    let settled = false;
    const done = d.runAll(1000, 'interrupted by SIGINT');
    void d.settled.then(() => void (settled = true));
    expect(d.interrupted).to.equal(true);
    // a copy that would start only now never creates its file
    expect(() => d.add('b._COPYING_', async () => undefined)).to.throw('interrupted by SIGINT');
    expect(d.pending).to.deep.equal([]);
    await done;
    await Promise.resolve();
    expect(abortedWhenRun).to.equal(true);
    expect(settled).to.equal(true);
    expect(d.runAll()).to.equal(done); // once
  });

  it('a clean-up may wait for its copy to stop: the copy sees the abort first', async () => {
    const d = new DeleteOnExit();
    const order: string[] = [];
    const copy = new Promise<void>((_, reject) => d.signal.addEventListener('abort', () => (order.push('copy stopped'), reject(new Error('aborted')))));
    d.add('x._COPYING_', () => copy.catch(() => undefined).then(() => void order.push('deleted')));
    await d.runAll(1000);
    expect(order).to.deep.equal(['copy stopped', 'deleted']);
  });
});
