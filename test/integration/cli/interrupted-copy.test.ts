/**
 * Ctrl-C during `hsec fs -put` and `-get`, as a real child process of bin/hsec against the hsec
 * NameNode and DataNode over the MIT KDC: the half-written TARGET._COPYING_ is deleted (in HDFS for
 * -put, on the local disk for -get), as Hadoop's FsShell does through FileSystem.deleteOnExit, and
 * the process exits 130 as one SIGINT killed, printing no stack; a local file already at the target
 * stays as it was. In-process (runFs with the DeleteOnExit the SIGINT handler drives): of several
 * sources, the interrupted copy stops before its file is deleted and the later ones never start;
 * a TARGET._COPYING_ this copy did not open is not deleted.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { DeleteOnExit } from '../../../cluster/cli/delete-on-exit.ts';
import { runFs } from '../../../cluster/cli/commands/fs.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';

const HSEC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'hsec');
const SIZE = 256 * 1024 * 1024;

describe('cli: Ctrl-C during hsec fs -put / -get deletes the ._COPYING_ file (bin/hsec child, hsec NameNode and DataNode, MIT KDC)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  let shell: FsShellUser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-intr-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'privacy', 'dfs.replication': '1' } });
    alice = await hdfs.client('alice');
    shell = await fsShellUser(hdfs, 'alice');
    writeFileSync(join(dir, 'big.bin'), randomBytes(SIZE));
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs bin/hsec fs ARGS, sends SIGINT once `started()` holds, and resolves to its exit code and stderr. */
  async function interrupt(args: string[], started: () => Promise<boolean>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    const child = spawn(HSEC, ['fs', ...args], { env: { ...process.env, ...shell.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => void (stderr += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let running = true;
    void exited.then(() => void (running = false));
    const deadline = Date.now() + 60_000;
    while (running && Date.now() < deadline && !(await started())) await new Promise((r) => setTimeout(r, 20));
    expect(running, `the copy ended before it could be interrupted: ${stderr}`).to.equal(true);
    child.kill('SIGINT');
    const end = await exited;
    return { ...end, stderr };
  }

  it('-put: big.bin._COPYING_ is gone from HDFS after SIGINT, exit 130', async () => {
    const r = await interrupt(['-put', join(dir, 'big.bin'), '/user/alice/big.bin'], () => alice.exists('/user/alice/big.bin._COPYING_'));
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.not.match(/\n\s+at /);
    expect(await alice.exists('/user/alice/big.bin._COPYING_')).to.equal(false);
    expect(await alice.exists('/user/alice/big.bin')).to.equal(false);
  });

  it('-get: the local ._COPYING_ file is gone after SIGINT, exit 130', async () => {
    await alice.writeFile('/user/alice/whole.bin', randomBytes(SIZE));
    const local = join(dir, 'got.bin');
    const r = await interrupt(['-get', '/user/alice/whole.bin', local], async () => existsSync(`${local}._COPYING_`));
    expect(r.code, r.stderr).to.equal(130);
    expect(existsSync(`${local}._COPYING_`)).to.equal(false);
    expect(existsSync(local)).to.equal(false);
  });

  it('-get -f over a local file already there: SIGINT leaves that file as it was and deletes only the ._COPYING_ file', async () => {
    const local = join(dir, 'kept.bin');
    writeFileSync(local, 'the file that was there');
    const r = await interrupt(['-get', '-f', '/user/alice/whole.bin', local], async () => existsSync(`${local}._COPYING_`));
    expect(r.code, r.stderr).to.equal(130);
    expect(existsSync(`${local}._COPYING_`)).to.equal(false);
    expect(readFileSync(local, 'utf8')).to.equal('the file that was there');
  });

  it('-put of several sources, interrupted during the first: its ._COPYING_ is deleted once the copy has stopped, the later sources never start, no error line', async () => {
    writeFileSync(join(dir, 'small.bin'), 'small');
    await alice.mkdir('/user/alice/many');
    const deleteOnExit = new DeleteOnExit();
    let err = '';
    const run = runFs(shell.confDir, ['-put', join(dir, 'big.bin'), join(dir, 'small.bin'), '/user/alice/many'], { deleteOnExit, env: shell.env, out: () => undefined, err: (x) => void (err += x) });
    const outcome = run.then((code) => ({ code }), (e: unknown) => ({ error: e }));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(await alice.exists('/user/alice/many/big.bin._COPYING_'))) await new Promise((r) => setTimeout(r, 20));
    expect(deleteOnExit.pending).to.have.length(1);
    await deleteOnExit.runAll(); // what the SIGINT handler does before it exits 130
    expect(await outcome).to.have.property('error'); // interrupted: the exit code is the signal's
    expect(err).to.equal('');
    expect((await alice.list('/user/alice/many')).map((s) => s.path)).to.deep.equal([]);
  });

  it('-get: a TARGET._COPYING_ this copy could not open (not its file) is left where it was', async () => {
    await alice.writeFile('/user/alice/small.txt', 'small');
    const local = join(dir, 'loop.txt');
    symlinkSync(`${local}._COPYING_`, `${local}._COPYING_`); // a link to itself: ELOOP when opened
    const r = await shell.fs('-get', '/user/alice/small.txt', local);
    expect(r.code, r.err).to.equal(1);
    expect(lstatSync(`${local}._COPYING_`).isSymbolicLink()).to.equal(true);
    expect(existsSync(local)).to.equal(false);
  });
});
