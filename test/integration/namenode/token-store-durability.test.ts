// Durability of the NameNode's delegation token store (JournalTokenStore) against real failures:
//  - a real full file system (a small tmpfs this test mounts; root or CAP_SYS_ADMIN needed, as in
//    CI): issue, renew, cancel, key roll and expired-token removal that cannot be written fail with
//    STORAGE_IO naming the journal and ENOSPC and change nothing in memory; over RPC the client gets
//    java.io.IOException with that message, the token stays valid, the retry works once there is
//    room, and a restart agrees with what clients were told;
//  - a NameNode whose name dir is full, read-only or not a directory refuses to start with
//    STORAGE_IO naming the path and dfs.namenode.name.dir (`hsec namenode` prints it, no stack);
//  - kill -9 of a process in the middle of bursts of issue/renew/cancel (and of compactions): every
//    acknowledged operation survives, and everything the store holds is whole.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fillUp, mountTmpfs, remount, unmount } from '../../support/tmpfs.ts';
import { waitForOutput } from '../../support/child-output.ts';
import { runProgram } from '../../../cluster/mini/binaries.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { InvalidTokenError, StorageError } from '../../../lib/errors/index.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { createPassword } from '../../../security/token/keys/hmac.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import type { IssuedToken } from '../../../security/token/secret-manager.ts';
import { JournalTokenStore } from '../../../security/token/store/journal/journal-token-store.ts';
import { TokenCache } from '../../../security/token/store/token-cache.ts';
import { Token } from '../../../security/token/token.ts';
import { kerberosClient, loginUser, nnConf, rejection, tokenClient } from './namenode-fixture.ts';
import type { TestClient } from './namenode-fixture.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DAY = 86_400_000;
const IO_EXCEPTION = 'java.io.IOException';

type Failure = Error & { code?: string; details?: Record<string, unknown> };

/**
 * Runs `op(i)` for i = 0, 1, ... until one fails (the journal's last page still has room for a few
 * records on a full tmpfs). Each op gets `before()` called first so the caller can snapshot state.
 */
async function untilItFails<S>(before: () => S, op: (i: number) => Promise<unknown>, max = 400): Promise<{ error: Failure; state: S; index: number }> {
  for (let i = 0; i < max; i++) {
    const state = before();
    try {
      await op(i);
    } catch (e) {
      return { error: e as Failure, state, index: i };
    }
  }
  throw new Error(`no failure after ${max} operations on a full file system`);
}

function expectEnospc(e: Failure, dir: string): void {
  expect(e, e.stack).to.be.instanceOf(StorageError);
  expect(e.code).to.equal('STORAGE_IO');
  expect(e.details?.['errno']).to.equal('ENOSPC');
  expect(String(e.details?.['path'])).to.match(new RegExp(`^${dir}/journal\\.\\d{10}$`));
  expect(e.message).to.contain(String(e.details?.['path']));
  expect(e.message).to.contain('ENOSPC');
  expect(e.message).to.contain('nothing was changed');
}

describe('token store on a full file system: a change that cannot be written changes nothing (tmpfs)', function () {
  this.timeout(120_000);
  let mnt: string | undefined;
  before(function () {
    mnt = mountTmpfs(this, '256k');
  });
  after(() => unmount(mnt));

  it('issue, renew, cancel, key roll and expired-token removal fail with STORAGE_IO (path, ENOSPC) and leave memory as it was; a restart agrees', async () => {
    const dir = join(mnt!, 'store');
    const clock = new ManualClock(Date.now());
    const open = async (): Promise<DelegationTokenSecretManager> => {
      const sm = new DelegationTokenSecretManager({ clock, store: new JournalTokenStore({ dir }), tokenRenewInterval: DAY, tokenMaxLifetime: 7 * DAY });
      await sm.start(false);
      return sm;
    };
    let sm = await open();
    const tokens: IssuedToken[] = [];
    for (let i = 0; i < 300; i++) tokens.push(await sm.createToken({ owner: `u${i}@EXAMPLE.TEST`, renewer: 'yarn' }));
    let filler = fillUp(mnt!);

    const issue = await untilItFails(() => sm.tokenCount, (i) => sm.createToken({ owner: `late${i}@EXAMPLE.TEST`, renewer: 'yarn' }));
    expectEnospc(issue.error, dir);
    expect(sm.tokenCount).to.equal(issue.state);

    clock.advance(1000);
    const renew = await untilItFails(() => undefined, (i) => sm.renewToken(tokens[i]!.token, 'yarn'));
    expectEnospc(renew.error, dir);
    expect(sm.renewDateOf(tokens[renew.index]!.identifier)).to.equal(tokens[renew.index]!.renewDate); // not renewed

    const cancel = await untilItFails(() => undefined, (i) => sm.cancelToken(tokens[100 + i]!.token, tokens[100 + i]!.identifier.owner));
    expectEnospc(cancel.error, dir);
    const kept = tokens[100 + cancel.index]!;
    expect(Buffer.from(await sm.retrievePassword(kept.token.identifier)).equals(Buffer.from(kept.token.password))).to.equal(true);
    expectEnospc((await rejection(sm.cancelToken(kept.token, kept.identifier.owner))) as Failure, dir); // retry: still ENOSPC, not "Token not found"

    const roll = await untilItFails(() => ({ current: sm.currentKeyId, keys: sm.allKeys().map((k) => `${k.keyId}:${k.expiryDate}`).sort() }), () => {
      clock.advance(1);
      return sm.rollMasterKey();
    });
    expectEnospc(roll.error, dir);
    expect(sm.currentKeyId).to.equal(roll.state.current);
    expect(sm.allKeys().map((k) => `${k.keyId}:${k.expiryDate}`).sort()).to.deep.equal(roll.state.keys);

    rmSync(filler);
    for (let i = 0; i < 50; i++) await sm.renewToken(tokens[i]!.token, 'yarn'); // room again: these renewals outlive the others
    filler = fillUp(mnt!);
    clock.advance(DAY - 500); // every token not renewed above is now past its renew date
    const before = sm.tokenCount;
    expectEnospc((await rejection(sm.removeExpiredTokens())) as Failure, dir);
    expect(sm.tokenCount).to.equal(before);

    rmSync(filler);
    const held = new Map<number, number | undefined>();
    for (const t of tokens) held.set(t.identifier.sequenceNumber, sm.renewDateOf(t.identifier));
    await sm.stop();
    sm = await open(); // start-up removes the expired ones now that there is room
    let live = 0;
    for (const t of tokens) {
      const renewed = held.get(t.identifier.sequenceNumber);
      const expected = renewed !== undefined && renewed >= clock.now() ? renewed : undefined;
      expect(sm.renewDateOf(t.identifier), `token ${t.identifier.sequenceNumber}`).to.equal(expected);
      if (expected !== undefined) live++;
    }
    expect(sm.renewDateOf(kept.identifier)).to.equal(undefined); // expired like the others (its cancel never happened)
    expect(live).to.be.at.least(50);
    expect(sm.tokenCount).to.equal(live);
    await sm.stop();
  });
});

describe('namenode: a full, read-only or missing name dir (MIT KDC, tmpfs)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let keytab: string;
  let mnt: string | undefined;
  const cc: Record<string, string> = {};
  const clients: TestClient[] = [];

  before(async function () {
    mnt = mountTmpfs(this, '256k');
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-disk-'));
    keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    cc['alice'] = await loginUser(realm.kdc, dir, 'alice');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(() => {
    unmount(mnt);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const conf = (nameDir: string, port = 0) => nnConf(realm.kdc, dir, keytab, 'privacy', port, { 'dfs.namenode.name.dir': `file://${nameDir}` });
  const krb = (nn: NameNode) => {
    const c = kerberosClient(realm.kdc, cc['alice']!, 'alice', nn.address, 'privacy');
    clients.push(c);
    return c.nn;
  };
  const tok = (nn: NameNode, token: Token) => {
    const c = tokenClient(realm.kdc, [token], nn.address, 'privacy');
    clients.push(c);
    return c.nn;
  };

  it('a cancel that cannot be written: IOException naming the journal and ENOSPC; the token still works, the retry succeeds once there is room, a restart agrees', async () => {
    const nameDir = join(mnt!, 'name');
    const storeDir = join(nameDir, 'hsec-delegation-tokens');
    let nn = await NameNode.start(conf(nameDir));
    const port = nn.address.port;
    try {
      let alice = krb(nn);
      const tokens: Token[] = [];
      for (let i = 0; i < 200; i++) tokens.push((await alice.getDelegationToken('yarn'))!);
      let filler = fillUp(mnt!);
      const cancelled: Token[] = [];
      const first = await untilItFails(() => undefined, async (i) => {
        await alice.cancelDelegationToken(tokens[i]!);
        cancelled.push(tokens[i]!);
      });
      const e = first.error;
      expect(e.code).to.equal('RPC_REMOTE');
      expect(e.details?.['exceptionClassName']).to.equal(IO_EXCEPTION);
      expect(e.message).to.match(new RegExp(`${storeDir}/journal\\.\\d{10}: ENOSPC`));
      expect(e.message).to.contain('nothing was changed');
      const failed = tokens[first.index]!;
      expect((await tok(nn, failed).getServerDefaults()).replication).to.equal(3); // still valid
      const retry = await rejection(alice.cancelDelegationToken(failed));
      expect(retry.message).to.contain('ENOSPC'); // the same failure, not "Token not found"
      rmSync(filler);
      await alice.cancelDelegationToken(failed);
      cancelled.push(failed);
      const gone = await rejection(tok(nn, failed).getServerDefaults());
      expect(gone).to.be.instanceOf(InvalidTokenError);

      // a second failed cancel, then a restart before any other token write
      filler = fillUp(mnt!);
      const second = await untilItFails(() => undefined, async (i) => {
        await alice.cancelDelegationToken(tokens[first.index + 1 + i]!);
        cancelled.push(tokens[first.index + 1 + i]!);
      });
      const notCancelled = tokens[first.index + 1 + second.index]!;
      await nn.stop();
      rmSync(filler);
      nn = await NameNode.start(conf(nameDir, port));
      alice = krb(nn);
      expect((await tok(nn, notCancelled).getServerDefaults()).replication).to.equal(3); // as the client was told: not cancelled
      for (const t of cancelled) expect(await rejection(tok(nn, t).getServerDefaults()), 'a cancelled token').to.be.instanceOf(InvalidTokenError);
      await alice.cancelDelegationToken(notCancelled);
      expect(await rejection(tok(nn, notCancelled).getServerDefaults())).to.be.instanceOf(InvalidTokenError);
      expect((await tok(nn, tokens[199]!).getServerDefaults()).replication).to.equal(3);
    } finally {
      await nn.stop();
    }
  });

  it('a full, read-only or non-directory name dir fails the start with STORAGE_IO naming the path and dfs.namenode.name.dir', async () => {
    const cases: Array<{ name: string; errno: string; prepare: () => string; undo: () => void }> = [];
    let filler = '';
    cases.push({
      name: 'full',
      errno: 'ENOSPC',
      prepare: () => {
        filler = fillUp(mnt!);
        return join(mnt!, 'full-name');
      },
      undo: () => rmSync(filler),
    });
    cases.push({
      name: 'read-only',
      errno: 'EROFS',
      prepare: () => {
        remount(mnt!, 'ro'); // the name dir and its store exist (the cancel test used them); the disk went read-only
        return join(mnt!, 'name');
      },
      undo: () => remount(mnt!, 'rw'),
    });
    cases.push({
      name: 'not a directory',
      errno: 'ENOTDIR',
      prepare: () => {
        writeFileSync(join(dir, 'a-file'), 'not a directory');
        return join(dir, 'a-file', 'name');
      },
      undo: () => rmSync(join(dir, 'a-file')),
    });
    for (const c of cases) {
      const nameDir = c.prepare();
      try {
        const e = (await rejection(NameNode.start(conf(nameDir)))) as Failure;
        expect(e, `${c.name}: ${e.stack}`).to.be.instanceOf(StorageError);
        expect(e.code).to.equal('STORAGE_IO');
        expect(e.details?.['errno'], c.name).to.equal(c.errno);
        expect(e.details?.['configKey']).to.equal('dfs.namenode.name.dir');
        expect(e.message).to.contain(join(nameDir, 'hsec-')); // the namespace store, opened first, or the token store
        expect(e.message).to.contain('dfs.namenode.name.dir');
        expect(e.message).to.match(/Free space|writable|not a directory/);

        const cli = await runProgram(join(REPO, 'bin', 'hsec'), [
          'namenode', '--pid-file', join(dir, 'nn.pid'), '-D', 'hadoop.security.authentication=kerberos', '-D', 'dfs.namenode.rpc-address=127.0.0.1:0',
          '-D', `dfs.namenode.kerberos.principal=nn/localhost@${realm.kdc.realm}`, '-D', `dfs.namenode.keytab.file=${keytab}`, '-D', 'dfs.block.access.token.enable=true',
          '-D', `dfs.namenode.name.dir=file://${nameDir}`,
        ], { env: { ...realm.kdc.env(), HSEC_LOG_LEVEL: 'error' }, timeoutMs: 60_000 });
        expect(cli.code, cli.stderr).to.equal(1);
        expect(cli.stderr).to.contain('[STORAGE_IO]');
        expect(cli.stderr).to.contain('dfs.namenode.name.dir');
        expect(cli.stderr).to.contain(c.errno);
        expect(cli.stderr).to.not.contain('unexpected error');
        expect(cli.stderr).to.not.match(/\n\s+at /); // no stack trace
      } finally {
        c.undo();
      }
    }
  });
});

describe('token store: kill -9 in the middle of bursts (child process, real fsync)', function () {
  this.timeout(180_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hsec-crash-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('every acknowledged issue, renew and cancel survives SIGKILL at any point, compactions included; all that the store holds is whole', async () => {
    const dir = join(root, 'store');
    const issued = new Map<string, { token: Token; renewDate: number }>();
    const cancelled = new Set<string>();
    const cancelling = new Set<string>(); // asked for, not acknowledged: may or may not have happened
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/integration/namenode/token-store-crash-child.ts'), dir], {
        cwd: REPO,
        env: { ...process.env, HSEC_LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      let text = '';
      child.stdout!.on('data', (b: Buffer) => (text += b.toString('latin1')));
      await waitForOutput(child, 'READY', 60_000, 'token store child');
      const target = 300 + Math.floor(Math.random() * 1500); // acknowledged operations before the kill
      const deadline = Date.now() + 60_000;
      while (text.split('\n').length < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGKILL');
      expect(await exited).to.equal('SIGKILL');
      const lines = text.split('\n');
      lines.pop(); // a line cut by the kill was never acknowledged
      for (const line of lines) {
        const [op, url, date] = line.split(' ');
        if (op === 'I') issued.set(url!, { token: Token.decodeFromUrlString(url!), renewDate: Number(date) });
        else if (op === 'R') issued.get(url!)!.renewDate = Math.max(issued.get(url!)!.renewDate, Number(date));
        else if (op === 'c') cancelling.add(url!);
        else if (op === 'C') cancelled.add(url!);
      }
      expect(lines.length, `round ${round}`).to.be.at.least(target - 1);

      // what a restarted NameNode sees
      const sm = new DelegationTokenSecretManager({ store: new JournalTokenStore({ dir }) });
      await sm.start(false);
      try {
        for (const [url, { token, renewDate }] of issued) {
          if (cancelled.has(url)) {
            expect((await rejection(sm.retrievePassword(token.identifier))).code, 'an acknowledged cancel').to.equal('TOKEN_UNKNOWN');
          } else if (cancelling.has(url) && sm.renewDateOf(token.identifier) === undefined) {
            cancelled.add(url); // a cancel that became durable just before the kill
          } else {
            expect(Buffer.from(await sm.retrievePassword(token.identifier)).equals(Buffer.from(token.password)), 'an acknowledged issue').to.equal(true);
            expect(sm.renewDateOf(token.identifier), 'an acknowledged renewal').to.be.at.least(renewDate);
          }
        }
      } finally {
        await sm.stop();
      }
      await expectWhole(dir);
    }
    const snapshots = readdirSync(dir).filter((f) => f.startsWith('snapshot.'));
    expect(snapshots).to.have.length(1);
    expect(Number(snapshots[0]!.slice('snapshot.'.length))).to.be.above(1); // compactions happened along the way
  });
});

/** Every token in the store has a password that is the HMAC of its identifier under its master key. */
async function expectWhole(dir: string): Promise<void> {
  const store = new JournalTokenStore({ dir });
  const cache = new TokenCache();
  const state = await store.open(cache);
  try {
    const keys = new Map(state.keys.map((k) => [k.keyId, k.key!]));
    for (const t of cache.entries()) {
      const bytes = Buffer.from(t.keyBytes);
      const id = DelegationTokenIdentifier.decode(bytes);
      expect(id.sequenceNumber).to.equal(t.sequenceNumber);
      expect(Buffer.from(createPassword(bytes, keys.get(id.masterKeyId)!)).equals(Buffer.from(t.password)), `token ${id.sequenceNumber}`).to.equal(true);
      expect(t.renewDate).to.be.above(0);
    }
  } finally {
    await store.close();
  }
}
