/**
 * Nothing outlives its owner: a process holding a MiniKdc and a MiniZooKeeper that is interrupted
 * (SIGINT, SIGTERM; the fixtures run in their own process groups, so only the owner gets the
 * signal) kills both children by pid and removes their temp dirs before it dies.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidAlive } from '../../../cluster/mini/managed-process.ts';
import { waitUntil } from '../../../cluster/mini/ports.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('mini fixtures leave no process behind', function () {
  this.timeout(120_000);

  before(function () {
    requireBinariesOrSkip(this, 'krb5kdc', 'kdb5_util', 'kadmin.local', 'java');
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`kills the KDC and ZooKeeper when their owner gets ${signal}`, async function () {
      const holder = spawn(process.execPath, ['--import', 'tsx', 'test/support/mini-holder.ts'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      holder.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
      holder.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => holder.once('exit', (_code, sig) => resolve(sig)));
      try {
        const failure = await waitUntil(async () => /^pids \d+ \d+/m.test(out), { timeoutMs: 90_000, giveUp: () => (holder.exitCode !== null ? `holder exited: ${err}` : undefined) });
        expect(failure, err).to.equal(undefined);
        const m = /^pids (\d+) (\d+) dirs (\S+) (\S+)/m.exec(out)!;
        const [kdcPid, zkPid] = [Number(m[1]), Number(m[2])];
        const dirs = [m[3]!, m[4]!];
        expect(dirs.every((d) => existsSync(d))).to.equal(true);
        expect(pidAlive(kdcPid)).to.equal(true);
        expect(pidAlive(zkPid)).to.equal(true);
        holder.kill(signal);
        expect(await exited).to.equal(signal);
        const gone = await waitUntil(async () => !pidAlive(kdcPid) && !pidAlive(zkPid), { timeoutMs: 10_000 });
        expect(gone, `KDC ${kdcPid} or ZooKeeper ${zkPid} still running`).to.equal(undefined);
        expect(dirs.filter((d) => existsSync(d)), 'temp dirs left behind').to.deep.equal([]);
      } finally {
        if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
      }
    });
  }
});
