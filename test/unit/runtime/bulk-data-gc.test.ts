// lib/runtime/bulk-data-gc.ts: processes that move bulk data run with V8's incremental marking off,
// unless node's command line chose. The effect is checked in child processes (the flag is
// process-wide): a workload of 64 KiB Buffers, as a DataNode or client allocates them, starts
// incremental marking several times in a control child and never once the function ran; and the
// hsec CLI applies it to `hsec fs` but leaves an operator's `node --incremental-marking` alone.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bulkDataGcChoice } from '../../../lib/runtime/bulk-data-gc.ts';

const MODULE = pathToFileURL(resolve('lib/runtime/bulk-data-gc.ts')).href;
const HSEC = resolve('bin/hsec');

/** Runs the Buffer workload in a child traced by V8; `call` decides whether preferBulkDataGc runs first. */
function workload(call: boolean, nodeFlags: readonly string[] = []): { starts: number; choice: string } {
  const script = `
    import { preferBulkDataGc } from ${JSON.stringify(MODULE)};
    const choice = ${call ? 'preferBulkDataGc()' : "'not called'"};
    const inFlight = []; let sum = 0;
    for (let i = 0; i < 6000; i++) {
      const b = Buffer.allocUnsafe(65536); b[0] = i & 0xff;
      inFlight.push({ b, seq: i });
      if (inFlight.length > 1500) sum += inFlight.shift().b[0];
    }
    console.log('choice=' + choice + ' sum=' + sum);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--trace-incremental-marking', ...nodeFlags, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).to.equal(0);
  return { starts: (r.stdout.match(/\[IncrementalMarking\] Start \(/g) ?? []).length, choice: /choice=(\S+)/.exec(r.stdout)?.[1] ?? '' };
}

describe('runtime: V8 garbage collection for bulk data', () => {
  it('leaves the flag to node’s command line when it names it, in either polarity or spelling', () => {
    expect(bulkDataGcChoice([])).to.equal('off');
    expect(bulkDataGcChoice(['--import', 'tsx', '--max-semi-space-size=4'])).to.equal('off');
    expect(bulkDataGcChoice(['--incremental-marking'])).to.equal('operator');
    expect(bulkDataGcChoice(['--no-incremental-marking'])).to.equal('operator');
    expect(bulkDataGcChoice(['--no_incremental_marking'])).to.equal('operator');
    expect(bulkDataGcChoice(['--incremental-marking=false'])).to.equal('operator');
    expect(bulkDataGcChoice(['--incremental-marking-wrapper'])).to.equal('off');
  });

  it('stops the incremental collections a stream of 64 KiB Buffers starts', function () {
    this.timeout(120_000);
    const control = workload(false);
    expect(control.starts, 'the workload starts incremental marking by default').to.be.greaterThan(0);
    const tuned = workload(true);
    expect(tuned.choice).to.equal('off');
    expect(tuned.starts).to.equal(0);
  });

  it('keeps incremental marking when node was started with --incremental-marking', function () {
    this.timeout(120_000);
    const kept = workload(true, ['--incremental-marking']);
    expect(kept.choice).to.equal('operator');
    expect(kept.starts).to.be.greaterThan(0);
  });

  it('hsec fs applies it (logged at info), and reports an operator’s choice', function () {
    this.timeout(120_000);
    const run = (nodeFlags: readonly string[]): string => {
      const env = { ...process.env, HSEC_LOG_LEVEL: 'info', HSEC_LOG_FORMAT: 'json', HADOOP_CONF_DIR: resolve('test/unit/runtime/no-such-conf-dir') };
      const r = spawnSync(process.execPath, [...nodeFlags, HSEC, 'fs', '-D', 'fs.defaultFS=hdfs://127.0.0.1:1', '-ls', '/'], { env, encoding: 'utf8', timeout: 60_000 });
      const line = r.stderr.split('\n').find((l) => l.includes('V8 garbage collection for bulk data'));
      expect(line, r.stderr).to.be.a('string');
      return (JSON.parse(line!) as { incrementalMarking: string }).incrementalMarking;
    };
    expect(run([])).to.equal('off');
    expect(run(['--incremental-marking'])).to.equal('as on the node command line');
  });
});
