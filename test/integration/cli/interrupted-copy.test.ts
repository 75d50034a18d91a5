/**
 * Ctrl-C during `hsec fs -put` and `-get`, as a real child process of bin/hsec against the hsec
 * NameNode and DataNode over the MIT KDC: the half-written TARGET._COPYING_ is deleted (in HDFS for
 * -put, on the local disk for -get), as Hadoop's FsShell does through FileSystem.deleteOnExit, and
 * the process exits 130 as one SIGINT killed, printing no stack.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
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
});
