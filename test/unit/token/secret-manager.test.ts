import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ManualClock } from '../../../lib/time/clock.ts';
import { AccessControlError, InvalidTokenError, ProtocolError } from '../../../lib/errors/index.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import { Token } from '../../../security/token/token.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { JournalTokenStore } from '../../../security/token/store/journal/journal-token-store.ts';
import { MemoryTokenStore } from '../../../security/token/store/memory-token-store.ts';
import { ACCESS_CONTROL_CLASS, INVALID_TOKEN_CLASS } from '../../../security/token/token-errors.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function seqRandom(): (n: number) => Uint8Array {
  let i = 0;
  return (n) => Uint8Array.from({ length: n }, () => (i++ * 37 + 11) & 0xff);
}

async function started(clock: ManualClock, extra: Partial<ConstructorParameters<typeof DelegationTokenSecretManager>[0]> = {}) {
  const sm = new DelegationTokenSecretManager({ clock, random: seqRandom(), ...extra });
  await sm.start(false);
  return sm;
}

async function rejects(p: Promise<unknown>): Promise<Error & { code: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

describe('token/DelegationTokenSecretManager (AbstractDelegationTokenSecretManager behaviour)', () => {
  it('issuing before start() or after stop() is a typed SERVICE_NOT_RUNNING error', async () => {
    const clock = new ManualClock();
    const idle = new DelegationTokenSecretManager({ clock, random: seqRandom() });
    const e1 = await rejects(idle.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'yarn' }));
    expect(e1.code).to.equal('SERVICE_NOT_RUNNING');
    expect(e1.details['service']).to.equal('DelegationTokenSecretManager');
    const sm = await started(clock);
    await sm.stop();
    expect((await rejects(sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'yarn' }))).code).to.equal('SERVICE_NOT_RUNNING');
  });

  it('starts with key 1 then rolls to key 2 on the first poll, as Hadoop does; keys are 8 bytes', async () => {
    const clock = new ManualClock();
    const sm = await started(clock);
    expect(sm.currentKeyId).to.equal(2);
    const keys = sm.allKeys().sort((a, b) => a.keyId - b.keyId);
    expect(keys.map((k) => k.keyId)).to.deep.equal([1, 2]);
    expect(keys[0]!.expiryDate).to.equal(clock.now() + 7 * DAY); // retired: now + maxLifetime
    expect(keys[1]!.expiryDate).to.equal(clock.now() + DAY + 7 * DAY); // current: now + update + maxLifetime
    expect(keys[1]!.key!.length).to.equal(8);
    await sm.stop();
  });

  it('issues tokens with pre-incremented sequence numbers, HMAC-SHA1 over the identifier bytes', async () => {
    const clock = new ManualClock();
    const sm = await started(clock);
    const a = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'yarn/rm.example.com@EXAMPLE.COM', service: '127.0.0.1:8020' });
    const b = await sm.createToken({ owner: 'bob@EXAMPLE.COM', renewer: '' });
    expect(a.identifier.sequenceNumber).to.equal(1);
    expect(b.identifier.sequenceNumber).to.equal(2);
    expect(a.identifier.renewer).to.equal('yarn'); // normalised to the short name
    expect(a.identifier.issueDate).to.equal(clock.now());
    expect(a.identifier.maxDate).to.equal(clock.now() + 7 * DAY);
    expect(a.identifier.masterKeyId).to.equal(2);
    expect(a.renewDate).to.equal(clock.now() + DAY);
    const key = sm.allKeys().find((k) => k.keyId === 2)!.key!;
    const mac = createHmac('sha1', key).update(a.token.identifier).digest();
    expect(Buffer.from(a.token.password).equals(mac)).to.equal(true);
    expect(a.token.password.length).to.equal(20);
    expect(a.token.kind).to.equal('HDFS_DELEGATION_TOKEN');
    expect(a.token.service).to.equal('127.0.0.1:8020');
    expect(Buffer.from(await sm.retrievePassword(a.token.identifier)).equals(mac)).to.equal(true);
    await sm.verifyToken(a.identifier, a.token.password);
    await sm.stop();
  });

  it('retrievePassword: unknown token, expired renew date, wrong password', async () => {
    const clock = new ManualClock();
    const sm = await started(clock);
    const { token, identifier } = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'alice' });
    // a correctly-shaped identifier the server never issued
    const forged = DelegationTokenIdentifier.create('HDFS_DELEGATION_TOKEN', { ...identifier.fields(), sequenceNumber: 99 });
    let err = await rejects(sm.retrievePassword(forged));
    expect(err).to.be.instanceOf(InvalidTokenError);
    expect(err.code).to.equal('TOKEN_UNKNOWN');
    expect(err.message).to.equal("Token for real user: , can't be found in cache");
    expect(err.details['exceptionClassName']).to.equal(INVALID_TOKEN_CLASS);
    err = await rejects(sm.verifyToken(identifier, new Uint8Array(20)));
    expect(err.code).to.equal('TOKEN_INVALID');
    expect(err.message).to.match(/password doesn't match/);
    clock.advance(DAY); // renewDate == now: still valid (expired only when renewDate < now)
    await sm.retrievePassword(token.identifier);
    clock.advance(1);
    err = await rejects(sm.retrievePassword(token.identifier));
    expect(err.code).to.equal('TOKEN_EXPIRED');
    expect(err.message).to.match(/^Token  has expired, current time: .* expected renewal time: /);
    await sm.stop();
  });

  it('renew: new date = min(maxDate, now + renewInterval), every check in Hadoop\'s order', async () => {
    const clock = new ManualClock();
    const sm = await started(clock);
    const { token, identifier } = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'yarn@EXAMPLE.COM' });
    clock.advance(12 * HOUR);
    expect(await sm.renewToken(token, 'yarn')).to.equal(clock.now() + DAY);
    expect(sm.renewDateOf(identifier)).to.equal(clock.now() + DAY);
    clock.set(identifier.maxDate - HOUR);
    expect(await sm.renewToken(token, 'yarn')).to.equal(identifier.maxDate);

    let err = await rejects(sm.renewToken(token, 'mallory'));
    expect(err).to.be.instanceOf(AccessControlError);
    expect(err.code).to.equal('ACCESS_DENIED');
    expect(err.details['exceptionClassName']).to.equal(ACCESS_CONTROL_CLASS);
    expect(err.message).to.match(/^mallory tries to renew a token \(token for alice: HDFS_DELEGATION_TOKEN owner=alice@EXAMPLE\.COM, renewer=yarn, realUser=, issueDate=\d+, maxDate=\d+, sequenceNumber=1, masterKeyId=2\) with non-matching renewer yarn$/);

    const tampered = new Token(token.identifier, Uint8Array.from(token.password, (b, i) => (i === 0 ? b ^ 1 : b)), token.kind, token.service);
    err = await rejects(sm.renewToken(tampered, 'yarn'));
    expect(err).to.be.instanceOf(AccessControlError);
    expect(err.message).to.match(/yarn is trying to renew a token .* with wrong password$/);

    const noRenewer = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: '' });
    err = await rejects(sm.renewToken(noRenewer.token, 'yarn'));
    expect(err).to.be.instanceOf(AccessControlError);
    expect(err.message).to.match(/without a renewer$/);

    clock.set(identifier.maxDate + 1);
    err = await rejects(sm.renewToken(token, 'yarn'));
    expect(err).to.be.instanceOf(InvalidTokenError);
    expect(err.code).to.equal('TOKEN_EXPIRED');
    expect(err.message).to.match(/^yarn tried to renew an expired token \(.*\) max expiration date: .* currentTime: /);
    await sm.stop();
  });

  it('renew: unknown master key, and a cancelled (unknown) token with a valid password', async () => {
    const clock = new ManualClock();
    const sm = await started(clock);
    const { token, identifier } = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'alice' });
    const otherKey = DelegationTokenIdentifier.create('HDFS_DELEGATION_TOKEN', { ...identifier.fields(), masterKeyId: 77 });
    let err = await rejects(sm.renewToken(new Token(otherKey.bytes, token.password, token.kind, ''), 'alice'));
    expect(err).to.be.instanceOf(InvalidTokenError);
    expect(err.message).to.match(/^Unable to find master key for keyId=77 from cache/);
    await sm.cancelToken(token, 'alice@EXAMPLE.COM');
    err = await rejects(sm.renewToken(token, 'alice'));
    expect(err.code).to.equal('TOKEN_UNKNOWN');
    expect(err.message).to.match(/^Renewal request for unknown token/);
    await sm.stop();
  });

  it('cancel: owner full name or renewer short name; others refused; twice is "Token not found"', async () => {
    const clock = new ManualClock();
    const sm = await started(clock);
    const t1 = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'yarn' });
    const t2 = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'yarn' });
    const t3 = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: '' });
    let err = await rejects(sm.cancelToken(t1.token, 'alice')); // short name is not the owner's full name
    expect(err).to.be.instanceOf(AccessControlError);
    expect(err.message).to.match(/^alice is not authorized to cancel the token \(token for alice: HDFS_DELEGATION_TOKEN owner=alice@EXAMPLE\.COM, renewer=yarn, .*sequenceNumber=1, masterKeyId=2\)$/);
    err = await rejects(sm.cancelToken(t3.token, 'yarn/rm@EXAMPLE.COM'));
    expect(err).to.be.instanceOf(AccessControlError);
    expect((await sm.cancelToken(t1.token, 'alice@EXAMPLE.COM')).sequenceNumber).to.equal(1);
    expect((await sm.cancelToken(t2.token, 'yarn/rm.example.com@EXAMPLE.COM')).sequenceNumber).to.equal(2);
    err = await rejects(sm.cancelToken(t1.token, 'alice@EXAMPLE.COM'));
    expect(err).to.be.instanceOf(InvalidTokenError);
    expect(err.message).to.match(/^Token not found/);
    expect((await rejects(sm.retrievePassword(t1.identifier))).code).to.equal('TOKEN_UNKNOWN');
    const noOwner = await sm.createToken({ owner: '', renewer: 'yarn' });
    err = await rejects(sm.cancelToken(noOwner.token, 'yarn'));
    expect(err.message).to.match(/^Token with no owner/);
    await sm.stop();
  });

  it('polls: rolls the key every keyUpdateInterval, keeps old keys until maxLifetime, scans expired tokens', async () => {
    const clock = new ManualClock();
    const sm = await started(clock, { keyUpdateInterval: HOUR, tokenMaxLifetime: 3 * HOUR, tokenRenewInterval: HOUR, removerScanInterval: 2 * HOUR });
    const t0 = clock.now();
    const { token } = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'alice' });
    clock.advance(HOUR); // lastRoll + interval == now: not yet
    await sm.tick();
    expect(sm.currentKeyId).to.equal(2);
    clock.advance(1);
    await sm.tick();
    expect(sm.currentKeyId).to.equal(3);
    expect(await sm.renewToken(token, 'alice')).to.equal(clock.now() + HOUR); // signed with key 2, still held
    // key 1 retired at t0 with expiry t0+3h; it is removed at the first roll after that
    clock.set(t0 + 3 * HOUR + 10);
    await sm.tick();
    expect(sm.allKeys().map((k) => k.keyId)).to.not.include(1);
    expect(sm.allKeys().map((k) => k.keyId)).to.include(2);
    // the token's renew date (t0+2h+1) has passed: the scan (due after 2h) removed it
    expect(sm.tokenCount).to.equal(0);
    await sm.stop();
  });

  it('persists keys, tokens and counters in a 0600 journal store and resumes after restart', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hsec-dtsm-')), 'store');
    const clock = new ManualClock();
    const sm = await started(clock, { store: new JournalTokenStore({ dir }) });
    const a = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'alice' });
    const b = await sm.createToken({ owner: 'bob@EXAMPLE.COM', renewer: 'bob' });
    await sm.cancelToken(b.token, 'bob@EXAMPLE.COM');
    await sm.renewToken(a.token, 'alice');
    await sm.stop();
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777, f).to.equal(0o600);

    clock.advance(HOUR);
    const sm2 = await started(clock, { store: new JournalTokenStore({ dir }) });
    expect(Buffer.from(await sm2.retrievePassword(a.token.identifier)).equals(a.token.password)).to.equal(true);
    expect((await rejects(sm2.retrievePassword(b.token.identifier))).code).to.equal('TOKEN_UNKNOWN');
    expect(sm2.currentKeyId).to.equal(4); // key ids continue: 1,2 then 3,4 after restart
    const c = await sm2.createToken({ owner: 'carol@EXAMPLE.COM', renewer: '' });
    expect(c.identifier.sequenceNumber).to.equal(3);
    expect(await sm2.renewToken(a.token, 'alice')).to.equal(clock.now() + DAY);
    await sm2.stop();
    rmSync(dirname(dir), { recursive: true, force: true });
  });

  it('a persisted token whose master key is gone is removed at start (Hadoop skips it in addPersistedDelegationToken)', async () => {
    const clock = new ManualClock();
    const store = new MemoryTokenStore();
    const sm = await started(clock, { store });
    const { token, identifier } = await sm.createToken({ owner: 'alice@EXAMPLE.COM', renewer: 'alice' });
    await sm.stop();
    await store.removeKey(identifier.masterKeyId);
    const sm2 = await started(clock, { store });
    expect((await rejects(sm2.retrievePassword(token.identifier))).code).to.equal('TOKEN_UNKNOWN');
    expect(store.tokenCount).to.equal(0);
    expect(sm2.currentKeyId).to.equal(4);
    expect((await sm2.createToken({ owner: 'bob@EXAMPLE.COM', renewer: '' })).identifier.sequenceNumber).to.equal(2);
    await sm2.stop();
  });

  it('the background poll rolls keys on its own (real timer, short interval)', async () => {
    const sm = new DelegationTokenSecretManager({ keyUpdateInterval: 40, tokenMaxLifetime: 1000, tokenRenewInterval: 500 });
    await sm.start();
    try {
      const first = sm.currentKeyId;
      const deadline = Date.now() + 5000;
      while (sm.currentKeyId < first + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(sm.currentKeyId).to.be.at.least(first + 2);
    } finally {
      await sm.stop();
    }
  });

  it('a corrupted store file is a clear error naming it, not an empty store', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hsec-dtsm-')), 'store');
    const sm = await started(new ManualClock(), { store: new JournalTokenStore({ dir }) });
    await sm.stop();
    const snapshot = join(dir, readdirSync(dir).find((f) => f.startsWith('snapshot.'))!);
    writeFileSync(snapshot, 'HSEC-DTS\0\0\0\x01 not records');
    const err = await rejects(new DelegationTokenSecretManager({ store: new JournalTokenStore({ dir }) }).start(false));
    expect(err).to.be.instanceOf(ProtocolError);
    expect(err.code).to.equal('PROTOCOL_MALFORMED');
    expect(err.message).to.contain(snapshot);
    rmSync(dirname(dir), { recursive: true, force: true });
  });
});
