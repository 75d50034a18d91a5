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
