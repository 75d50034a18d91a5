/**
 * Delegation-token lifetime in real time (issue 4, "Done when": a renewer that keeps renewing keeps
 * a token alive until its max lifetime, and not a moment longer). The hsec NameNode runs on the
 * system clock with short intervals (dfs.namenode.delegation.token.renew-interval 4 s,
 * .max-lifetime 15 s, dfs.namenode.delegation.key.update-interval 3 s), over a real MIT KDC at
 * auth-conf. Hadoop's AbstractDelegationTokenSecretManager semantics checked end to end:
 * renewToken returns min(maxDate, now + renewInterval); after maxDate renewal fails with
 * "tried to renew an expired token" and TOKEN (DIGEST-MD5) authentication with "has expired", both
 * as typed InvalidTokenErrors; a token nobody renews stops authenticating after its renew interval.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { InvalidTokenError } from '../../../lib/errors/index.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import type { Token } from '../../../security/token/token.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { kerberosClient, loginUser, rejection, tokenClient } from './namenode-fixture.ts';
import type { TestClient } from './namenode-fixture.ts';

const RENEW_MS = 4_000;
const MAX_MS = 15_000;
const KEY_UPDATE_MS = 3_000;

describe('namenode endurance: a token renewed every 2 s lives until its max lifetime, and not a moment longer (real clock)', function () {
  this.timeout(90_000);
  const realm = useMiniKdc();
  let dir: string;
  let nn: NameNode;
  const cc: Record<string, string> = {};
  const clients: TestClient[] = [];

  before(async () => {
    const kdc = realm.kdc;
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-lifetime-'));
    await kdc.createKeytab(join(dir, 'nn.keytab'), 'nn/localhost');
    for (const u of ['alice', 'yarn']) cc[u] = await loginUser(kdc, dir, u);
    nn = await NameNode.start(loadConfiguration({
      env: {},
      overrides: {
        'hadoop.security.authentication': 'kerberos',
        'hadoop.rpc.protection': 'privacy',
        'dfs.namenode.rpc-address': '127.0.0.1:0',
        'dfs.namenode.kerberos.principal': `nn/localhost@${kdc.realm}`,
        'dfs.block.access.token.enable': 'true',
        'dfs.namenode.keytab.file': join(dir, 'nn.keytab'),
        'dfs.namenode.name.dir': `file://${join(dir, 'name')}`,
        'dfs.namenode.delegation.token.renew-interval': `${RENEW_MS}`,
        'dfs.namenode.delegation.token.max-lifetime': `${MAX_MS / 1000}s`,
        'dfs.namenode.delegation.key.update-interval': `${KEY_UPDATE_MS}ms`,
      },
    }));
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await nn?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const krb = (user: string): TestClient => {
    const c = kerberosClient(realm.kdc, cc[user]!, user, nn.address, 'privacy');
    clients.push(c);
    return c;
  };
  /** A TOKEN connection made for this one call (authentication is checked when a connection is set up). */
  const viaToken = async (token: Token): Promise<number> => {
    const c = tokenClient(realm.kdc, [token], nn.address, 'privacy');
    try {
      return (await c.nn.getServerDefaults()).replication;
    } finally {
      c.close();
    }
  };
  const until = (t: number): Promise<void> => sleep(Math.max(0, t - Date.now()));

  it('renewals return min(maxDate, now + interval) across master-key rolls; at maxDate renewal and TOKEN auth are refused', async () => {
    expect(nn.settings.tokenRenewInterval).to.equal(RENEW_MS);
    expect(nn.settings.tokenMaxLifetime).to.equal(MAX_MS);
    const alice = krb('alice').nn;
    const yarn = krb('yarn').nn; // one kept Kerberos connection for the renewer
    const renewed = (await alice.getDelegationToken('yarn'))!;
    const idle = (await alice.getDelegationToken('yarn'))!; // never renewed
    const id = DelegationTokenIdentifier.decode(renewed.identifier);
    const idleId = DelegationTokenIdentifier.decode(idle.identifier);
    expect(id.maxDate - id.issueDate).to.equal(MAX_MS);
    expect(idleId.maxDate - idleId.issueDate).to.equal(MAX_MS);
    expect(nn.secretManager.renewDateOf(idle.identifier)).to.equal(idleId.issueDate + RENEW_MS);

    const results: Array<{ before: number; after: number; expiry: number }> = [];
    let idleRefused: Error & { code?: string } | undefined;
    let lastTokenOk = 0;
    // Renew every ~2 s while it is still worth it; a TOKEN connection must work each time.
    for (let round = 1; id.issueDate + round * 2000 < id.maxDate - 800; round++) {
      await until(id.issueDate + round * 2000);
      const before = Date.now();
      const expiry = await yarn.renewDelegationToken(renewed);
      const after = Date.now();
      results.push({ before, after, expiry });
      expect(expiry).to.be.at.most(id.maxDate);
      if (before + RENEW_MS >= id.maxDate) expect(expiry, `renewal at ${before}`).to.equal(id.maxDate);
      else expect(expiry, `renewal at ${before}`).to.be.within(before + RENEW_MS, after + RENEW_MS);
      expect(nn.secretManager.renewDateOf(renewed.identifier)).to.equal(expiry);
      expect(await viaToken(renewed)).to.equal(3);
      lastTokenOk = Date.now();
      // The unrenewed token: fine before its renew date, refused after it.
      if (Date.now() < idleId.issueDate + RENEW_MS - 500) expect(await viaToken(idle)).to.equal(3);
      else if (Date.now() > idleId.issueDate + RENEW_MS + 50 && !idleRefused) idleRefused = await rejection(viaToken(idle));
    }
    expect(results.length).to.be.at.least(6);
    expect(results.filter((r) => r.expiry === id.maxDate).length, 'renewals clamped to maxDate').to.be.at.least(1);
    expect(results.filter((r) => r.expiry < id.maxDate).length, 'renewals by the interval').to.be.at.least(4);
    // The master key rolled several times during the run; the token (keyed by an older key) still renewed.
    expect(nn.secretManager.currentKeyId).to.be.at.least(id.masterKeyId + 2);

    // Without renewing: refused once its renew interval had passed (checked while the other still worked).
    expect(idleRefused, 'the unrenewed token was never tried after its renew date').to.not.equal(undefined);
    expect(idleRefused).to.be.instanceOf(InvalidTokenError);
    expect(idleRefused!.message).to.contain('has expired');

    // Just before maxDate the token still authenticates...
    await until(id.maxDate - 600);
    expect(await viaToken(renewed)).to.equal(3);
    lastTokenOk = Date.now();
    expect(lastTokenOk).to.be.below(id.maxDate);
    // ...and right after it, neither renewal nor authentication works.
    await until(id.maxDate + 20);
    const e1 = await rejection(yarn.renewDelegationToken(renewed));
    const e2 = await rejection(viaToken(renewed));
    expect(Date.now() - id.maxDate, 'both refusals observed right after maxDate').to.be.below(2000);
    expect(e1).to.be.instanceOf(InvalidTokenError);
    // The server raised TOKEN_EXPIRED; over the wire the client only sees Hadoop's InvalidToken class.
    expect(e1.code).to.match(/^TOKEN_(INVALID|EXPIRED)$/);
    expect(e1.message).to.contain('yarn tried to renew an expired token');
    expect(e1.details?.['exceptionClassName']).to.equal('org.apache.hadoop.security.token.SecretManager$InvalidToken');
    expect(e2).to.be.instanceOf(InvalidTokenError);
    expect(e2.message).to.contain('has expired');
    // The Kerberos connection of the renewer is fine: only the token is dead.
    const fresh = (await alice.getDelegationToken('yarn'))!;
    expect(await viaToken(fresh)).to.equal(3);
  });
});
