// `hsec fs -text`'s decoding (printText) on in-memory files, and copyInto, the copy every
// multi-operand fs command makes into stdout: what a file decodes to, that the destination is
// left with no listeners however many streams went in, and that its failure rejects.
import { expect } from 'chai';
import { Readable, Writable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { HsecError } from '../../../lib/errors/index.ts';
import { printText, type TextSource } from '../../../cluster/cli/fs-text.ts';
import { copyInto } from '../../../cluster/cli/stream-copy.ts';

function file(path: string, content: Buffer, length = content.length): TextSource {
  return { path, length, open: (r = {}) => Readable.from([content.subarray(r.start ?? 0, r.end === undefined ? undefined : r.end + 1)]) };
}

function sink(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const w = new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) });
  return Object.assign(w, { text: () => Buffer.concat(chunks).toString('utf8') });
}

describe('cli/fs -text: printText and copyInto', () => {
  it('a .deflate file of 50 zlib streams prints every one and leaves no listener on stdout (fuzz: pipeline({ end: false }) leaked five per stream)', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => `stream ${i}\n`);
    const out = sink();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await printText(file('/d/x.deflate', Buffer.concat(parts.map((p) => deflateSync(p)))), 'x.deflate', out);
      for (let i = 0; i < 12; i++) await printText(file('/d/plain', Buffer.from(`plain ${i}\n`)), 'plain', out);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(out.text()).to.equal(parts.join('') + Array.from({ length: 12 }, (_, i) => `plain ${i}\n`).join(''));
    for (const event of ['error', 'close', 'finish', 'end', 'drain']) expect(out.listenerCount(event), event).to.equal(0);
    expect(warnings.map((w) => w.name)).to.not.include('MaxListenersExceededWarning');
  });

  it('gzip by its magic number under any name', async () => {
    const out = sink();
    await printText(file('/d/log', gzipSync('zipped\n')), 'log', out);
    expect(out.text()).to.equal('zipped\n');
  });

  it('a file that ends before its stated length is a typed error naming it (the stat and the read disagree)', async () => {
    const e = await printText(file('/d/short', Buffer.from('x'), 10), 'short', sink()).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(HsecError);
    expect((e as HsecError).message).to.equal('the file ended after 1 of its 10 bytes');
    expect((e as HsecError).details['path']).to.equal('short');
  });

  it('copyInto rejects with the destination\'s error (stdout closed: EPIPE) and removes its listener', async () => {
    const broken = new Writable({ write: (_c, _e, done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    const e = await copyInto(Readable.from([Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]), broken).catch((x: unknown) => x);
    expect((e as Error).message).to.equal('write EPIPE');
    expect(broken.listenerCount('error')).to.equal(0);
  });

  it('copyInto into a stream destroyed before it began (an append the NameNode refused) rejects with its error instead of waiting for a drain', async () => {
    for (const before of [true, false]) {
      const refused = new Writable({ highWaterMark: 1, write: (_c, _e, done) => setTimeout(done, 50) });
      refused.on('error', () => {});
      const failure = new Error('Cannot append to directory /user/alice/a; already exists as a directory.');
      if (before) {
        refused.destroy(failure);
        await new Promise((r) => setImmediate(r)); // its 'error' went out before the copy listened
      }
      else setTimeout(() => refused.destroy(failure), 10); // while the copy waits for 'drain'
      const e = await copyInto(Readable.from([Buffer.from('one'), Buffer.from('two')]), refused).catch((x: unknown) => x);
      expect((e as Error).message, `destroyed ${before ? 'before' : 'during'} the copy`).to.equal(failure.message);
      for (const event of ['error', 'close', 'drain']) expect(refused.listenerCount(event), event).to.equal(event === 'error' ? 1 : 0);
    }
  });
});
