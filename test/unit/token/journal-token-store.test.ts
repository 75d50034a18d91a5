import { expect } from 'chai';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError, StorageError } from '../../../lib/errors/index.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { createPassword } from '../../../security/token/keys/hmac.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import { JournalTokenStore } from '../../../security/token/store/journal/journal-token-store.ts';
import type { JournalTokenStoreOptions } from '../../../security/token/store/journal/journal-token-store.ts';
import { TokenCache } from '../../../security/token/store/token-cache.ts';
import { Token } from '../../../security/token/token.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const legacy = JSON.parse(readFileSync(new URL('../../vectors/legacy-token-store.json', import.meta.url), 'utf8')) as {
  clockAfter: number;
  live: Array<{ owner: string; url: string; renewDate: number }>;
  cancelled: Array<{ url: string }>;
  sequenceNumber: number;
  currentKeyId: number;
  file: unknown;
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hsec-journal-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function manager(clock: ManualClock, options: Partial<JournalTokenStoreOptions> = {}): Promise<{ sm: DelegationTokenSecretManager; store: JournalTokenStore }> {
  const store = new JournalTokenStore({ dir: join(root, 'store'), ...options });
  const sm = new DelegationTokenSecretManager({ clock, store });
  await sm.start(false);
  return { sm, store };
}

async function rejects(p: Promise<unknown>): Promise<Error & { code: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

/** Every token the store holds, with each password checked against its master key (nothing half-written). */
async function contents(dir: string): Promise<Map<number, number>> {
  const store = new JournalTokenStore({ dir });
  const cache = new TokenCache();
  const state = await store.open(cache);
  const keys = new Map(state.keys.map((k) => [k.keyId, k.key!]));
  const out = new Map<number, number>();
  for (const t of cache.entries()) {
    const bytes = Buffer.from(t.keyBytes);
    const id = DelegationTokenIdentifier.decode(bytes);
    expect(Buffer.from(createPassword(bytes, keys.get(id.masterKeyId)!)).equals(Buffer.from(t.password))).to.equal(true);
    out.set(id.sequenceNumber, t.renewDate);
  }
  await store.close();
  return out;
}

describe('token/store JournalTokenStore (journal + group commit + compaction)', function () {
  this.timeout(60_000);

  it('group commit: 300 concurrent issues become durable in a handful of fsyncs, not 300 (or 600)', async () => {
    const { sm, store } = await manager(new ManualClock());
    const before = store.stats;
    await Promise.all(Array.from({ length: 300 }, (_, i) => sm.createToken({ owner: `u${i}@EXAMPLE.TEST`, renewer: 'yarn' })));
    const after = store.stats;
    expect(after.records - before.records).to.equal(300);
    expect(after.commits - before.commits).to.be.at.most(5);
    expect(sm.tokenCount).to.equal(300);
    await sm.stop();
  });

  it('an issue appends one record whose size does not depend on how many tokens are stored', async () => {
    const { sm, store } = await manager(new ManualClock());
    const issueBytes = async (): Promise<number> => {
      const b = store.stats.bytes;
      await sm.createToken({ owner: 'zed@EXAMPLE.TEST', renewer: 'yarn' });
      return store.stats.bytes - b;
    };
    const few = await issueBytes();
    await Promise.all(Array.from({ length: 5000 }, (_, i) => sm.createToken({ owner: `u${i}@EXAMPLE.TEST`, renewer: 'yarn' })));
    expect(await issueBytes()).to.be.within(few - 4, few + 4); // the sequence number's vint may grow
    expect(few).to.be.below(150);
    await sm.stop();
  });

  it('start-up replays, then removes every expired token in a few commits (no rewrite per token)', async () => {
    const clock = new ManualClock();
    const first = await manager(clock);
    await Promise.all(Array.from({ length: 2000 }, (_, i) => first.sm.createToken({ owner: `u${i}@EXAMPLE.TEST`, renewer: 'yarn' })));
    await first.sm.stop();
    clock.advance(DAY + 1);
    const second = await manager(clock);
    expect(second.sm.tokenCount).to.equal(0);
    expect(second.store.stats.records).to.be.at.least(2000);
    expect(second.store.stats.commits).to.be.at.most(12);
    expect(readdirSync(join(root, 'store')).sort()).to.deep.equal(['journal.0000000001', 'snapshot.0000000001']);
    await second.sm.stop();
    expect((await contents(join(root, 'store'))).size).to.equal(0);
  });

  it('compaction: a new journal + snapshot while writes go on; old files go; a restart sees exactly the same state', async () => {
    const clock = new ManualClock();
    const { sm, store } = await manager(clock, { compactionMinBytes: 8 * 1024 });
    const issued = [];
    for (let round = 0; round < 6; round++) {
      issued.push(...(await Promise.all(Array.from({ length: 150 }, (_, i) => sm.createToken({ owner: `u${round}-${i}@EXAMPLE.TEST`, renewer: 'yarn' })))));
      clock.advance(1000);
      await Promise.all(issued.filter((_, i) => i % 7 === round).map((t) => sm.renewToken(t.token, 'yarn').catch(() => undefined))); // some were cancelled
      await Promise.all(issued.filter((_, i) => i % 11 === round).map((t) => sm.cancelToken(t.token, t.identifier.owner).catch(() => undefined)));
    }
    const expected = new Map<number, number>();
    for (const t of issued) {
      const r = sm.renewDateOf(t.identifier);
      if (r !== undefined) expected.set(t.identifier.sequenceNumber, r);
    }
    await sm.stop();
    expect(store.stats.compactions).to.be.at.least(1);
    const files = readdirSync(join(root, 'store'));
    expect(files.filter((f) => f.startsWith('snapshot.'))).to.have.length(1);
    expect(files.some((f) => f.endsWith('.tmp'))).to.equal(false);
    expect(await contents(join(root, 'store'))).to.deep.equal(expected);
    const again = await manager(clock);
    expect(again.sm.tokenCount).to.equal(expected.size);
    expect((await again.sm.createToken({ owner: 'next@EXAMPLE.TEST', renewer: '' })).identifier.sequenceNumber).to.equal(901);
    await again.sm.stop();
  });

  it('a torn last record (length or checksum fails) is dropped and cut off; later writes survive the next restart', async () => {
    const clock = new ManualClock();
    const first = await manager(clock);
    const a = await first.sm.createToken({ owner: 'alice@EXAMPLE.TEST', renewer: 'yarn' });
    const b = await first.sm.createToken({ owner: 'bob@EXAMPLE.TEST', renewer: 'yarn' });
    await first.sm.stop();
    const journal = join(root, 'store', 'journal.0000000001');
    const size = statSync(journal).size;
    truncateSync(journal, size - 7); // the last record (bob's token) cut short by a crash mid-write
    const second = await manager(clock);
    expect(Buffer.from(await second.sm.retrievePassword(a.token.identifier)).equals(Buffer.from(a.token.password))).to.equal(true);
    expect((await rejects(second.sm.retrievePassword(b.token.identifier))).code).to.equal('TOKEN_UNKNOWN');
    const c = await second.sm.createToken({ owner: 'carol@EXAMPLE.TEST', renewer: 'yarn' });
    await second.sm.stop();
    appendFileSync(journal, Buffer.from([0, 0, 0, 40, 1, 2, 3])); // garbage after the last good record
    const third = await manager(clock);
    expect(Buffer.from(await third.sm.retrievePassword(c.token.identifier)).equals(Buffer.from(c.token.password))).to.equal(true);
    await third.sm.stop();
  });

  it('a damaged snapshot, a journal without a snapshot, and a foreign file are PROTOCOL_MALFORMED naming the file', async () => {
    const { sm } = await manager(new ManualClock());
    await Promise.all(Array.from({ length: 50 }, (_, i) => sm.createToken({ owner: `u${i}@EXAMPLE.TEST`, renewer: 'yarn' })));
    await sm.stop();
    const dir = join(root, 'store');
    const snapshot = join(dir, 'snapshot.0000000001');
    const bytes = readFileSync(snapshot);
    writeFileSync(snapshot, bytes.subarray(0, bytes.length - 3)); // no end record
    let err = await rejects(manager(new ManualClock()));
    expect(err).to.be.instanceOf(ProtocolError);
    expect(err.message).to.contain(snapshot);
    rmSync(snapshot);
    err = await rejects(manager(new ManualClock()));
    expect(err).to.be.instanceOf(ProtocolError);
    expect(err.message).to.contain('journal.0000000001');
    expect(err.message).to.contain('has no snapshot before it');
    writeFileSync(snapshot, 'not a snapshot at all');
    err = await rejects(manager(new ManualClock()));
    expect(err.message).to.contain('is not a HSEC-DTS file');
  });

  it('an unusable directory (a path component is a file) is STORAGE_IO naming the path, the OS error and the config key', async () => {
    writeFileSync(join(root, 'name'), 'a file where a directory should be');
    const store = new JournalTokenStore({ dir: join(root, 'name', 'tokens'), configKey: 'dfs.namenode.name.dir' });
    const err = await rejects(new DelegationTokenSecretManager({ store }).start(false));
    expect(err).to.be.instanceOf(StorageError);
    expect(err.code).to.equal('STORAGE_IO');
    expect(err.details['errno']).to.equal('ENOTDIR');
    expect(err.details['path']).to.equal(join(root, 'name', 'tokens'));
    expect(err.details['configKey']).to.equal('dfs.namenode.name.dir');
    expect(err.message).to.contain('dfs.namenode.name.dir');
    expect(err.message).to.contain('ENOTDIR');
    expect(err.message).to.contain('not a directory');
  });

  it('migrates the whole-file JSON store of earlier versions on first start (bytes written by the old FileTokenStore)', async () => {
    const nameDir = join(root, 'name');
    mkdirSync(nameDir);
    const json = join(nameDir, 'hsec-delegation-tokens.json');
    writeFileSync(json, JSON.stringify(legacy.file), { mode: 0o600 });
    const clock = new ManualClock(legacy.clockAfter);
    const options = { dir: join(nameDir, 'hsec-delegation-tokens'), legacyJsonFile: json };
    const store = new JournalTokenStore(options);
    const sm = new DelegationTokenSecretManager({ clock, store });
    await sm.start(false);
    for (const t of legacy.live) {
      const token = Token.decodeFromUrlString(t.url);
      expect(Buffer.from(await sm.retrievePassword(token.identifier)).equals(Buffer.from(token.password))).to.equal(true);
      expect(sm.renewDateOf(token.identifier)).to.equal(t.renewDate);
    }
    for (const t of legacy.cancelled) expect((await rejects(sm.retrievePassword(Token.decodeFromUrlString(t.url).identifier))).code).to.equal('TOKEN_UNKNOWN');
    expect(sm.currentKeyId).to.equal(legacy.currentKeyId + 2); // start + first roll
    expect((await sm.createToken({ owner: 'dave@EXAMPLE.TEST', renewer: '' })).identifier.sequenceNumber).to.equal(legacy.sequenceNumber + 1);
    const alice = Token.decodeFromUrlString(legacy.live[0]!.url);
    expect(await sm.renewToken(alice, 'yarn')).to.equal(clock.now() + DAY);
    await sm.stop();
    expect(readdirSync(nameDir)).to.deep.equal(['hsec-delegation-tokens']);
    for (const f of readdirSync(options.dir)) expect(statSync(join(options.dir, f)).mode & 0o777).to.equal(0o600);

    // a crash after the snapshot but before the JSON file was deleted: the snapshot wins, the JSON goes
    writeFileSync(json, JSON.stringify(legacy.file), { mode: 0o600 });
    const again = new DelegationTokenSecretManager({ clock, store: new JournalTokenStore(options) });
    await again.start(false);
    expect(again.tokenCount).to.equal(3); // alice, carol, dave: not re-imported
    expect(readdirSync(nameDir)).to.deep.equal(['hsec-delegation-tokens']);
    await again.stop();
  });
});
