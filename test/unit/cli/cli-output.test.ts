/**
 * What `bin/hsec` (a real child process) prints when its output or its command line goes wrong: a
 * reader of stdout that goes away (`hsec dtutil print big.token | head -1`) ends the command quietly
 * with exit 0, as Hadoop's commands do, instead of an unhandled EPIPE with a stack; a malformed
 * generic option is one error line and a pointer to --help, not the whole help text.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { keepServingWhenStdoutCloses, stopWhenStdoutCloses } from '../../../cluster/cli/index.ts';
import { runProgram } from '../../../cluster/mini/binaries.ts';
import { Credentials } from '../../../security/token/credentials.ts';
import { writeTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { Token } from '../../../security/token/token.ts';

const HSEC = resolve('bin/hsec');

describe('cli: bin/hsec output when stdout closes or an option is malformed', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-cli-out-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hsec dtutil print | head -1: exit 0, nothing on stderr, when the reader has gone', async () => {
    let creds = new Credentials();
    for (let i = 0; i < 5000; i++) creds = creds.addToken(`host${i}:8020`, new Token(Uint8Array.of(i & 0xff, i >> 8), Uint8Array.of(1), 'HDFS_DELEGATION_TOKEN', `host${i}:8020`));
    const file = join(dir, 'many.token');
    await writeTokenStorageFile(file, creds);
    const child = spawn(HSEC, ['dtutil', 'print', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HSEC_LOG_LEVEL: 'warn' } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy()); // head -1 has its line and exits
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
  });

  it('-D without =: one error line and where to find the options, exit 2, no help dump', async () => {
    const r = await runProgram(HSEC, ['-D', 'hadoop.rpc.protection', 'klist'], { timeoutMs: 60_000 });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('-D needs key=value');
    expect(r.stderr).to.contain('hsec --help lists the commands and options');
    expect(r.stderr).to.not.contain('Commands:');
    expect(r.stderr.trim().split('\n')).to.have.length(2);
  });

  it("a command's stdout: EPIPE (the reader has gone) exits 0, another write error exits 1", () => {
    const codes: number[] = [];
    const stdout = new EventEmitter() as unknown as NodeJS.WriteStream;
    stopWhenStdoutCloses(stdout, (c) => void codes.push(c));
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const write = process.stderr.write;
    process.stderr.write = () => true; // the one line it prints for the other error
    try {
      stdout.emit('error', Object.assign(new Error('write ENOSPC'), { code: 'ENOSPC' }));
    } finally {
      process.stderr.write = write;
    }
    expect(codes).to.deep.equal([0, 1]);
  });

  it("a daemon's stdout: an EPIPE is not an uncaught exception (it would kill the daemon), and does not exit", () => {
    const stdout = new EventEmitter() as unknown as NodeJS.WriteStream;
    keepServingWhenStdoutCloses(stdout);
    expect(() => {
      stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    }).to.not.throw();
    expect(stdout.listenerCount('error')).to.equal(1);
  });

  it('importing the library entry points (hsec, hsec/hdfs, hsec/kerberos, ...) installs no signal, exit or stdout handler', async () => {
    const entries = ['index', 'hdfs', 'kerberos', 'tokens', 'config', 'rpc', 'errors'].map((n) => resolve(`api/${n}.ts`));
    // counted before and after the imports: the loader (tsx) has listeners of its own
    const count = `['SIGINT', 'SIGTERM', 'SIGHUP', 'exit', 'uncaughtException', 'unhandledRejection'].map((s) => process.listenerCount(s)).concat(process.stdout.listenerCount('error'))`;
    const script = `const before = ${count}; for (const e of ${JSON.stringify(entries)}) await import(e); process.stdout.write(JSON.stringify({ before, after: ${count} }));`;
    const r = await runProgram(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).to.equal(0);
    const { before, after } = JSON.parse(r.stdout) as { before: number[]; after: number[] };
    expect(after).to.deep.equal(before);
    expect(before.slice(0, 3)).to.deep.equal([0, 0, 0]);
  });
});
