// Logins that last, against the real MIT KDC: keytab, password and ticket-cache logins; service
// tickets cached and decryptable by the service; refresh on demand after expiry; a ccache renewed
// by MIT `kinit -R` is picked up; and (once, ~3 minutes) a keytab login on a realm with 60-second
// tickets keeps handing out valid service tickets across several TGT expiries.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { MiniKdc } from '../../../../cluster/mini/mini-kdc.ts';
import { loadKrb5Config, type Krb5Config } from '../../../../security/kerberos/config/index.ts';
import { ConfiguredTransport } from '../../../../security/kerberos/client/index.ts';
import { getProfile, KEY_USAGE } from '../../../../security/kerberos/crypto/index.ts';
import { readKeytabSync } from '../../../../security/kerberos/keytab/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { loginFromCcache, loginFromKeytab, loginFromPassword, type LoginEvent, type ReloginEvent } from '../../../../security/kerberos/login/index.ts';
import { decodeEncTicketPart, decodeTicket } from '../../../../security/kerberos/messages/index.ts';
import type { Credential } from '../../../../security/kerberos/types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openWithKeytab(cred: Credential, keytabPath: string) {
  const ticket = decodeTicket(cred.ticket);
  const key = readKeytabSync(keytabPath).requireKey(cred.server, ticket.encPart.etype);
  return decodeEncTicketPart(getProfile(key.etype).decrypt(key.value, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher));
}

function record<T>(name: string): { events: T[]; stop: () => void } {
  const events: T[] = [];
  const fn = (m: unknown) => events.push(m as T);
  subscribe(name, fn);
  return { events, stop: () => unsubscribe(name, fn) };
}

describe('kerberos/login: logins against MIT krb5kdc', function () {
  this.timeout(120_000);
  let kdc: MiniKdc;
  let conf: Krb5Config;
  const dir = mkdtempSync(join(tmpdir(), 'hsec-login-'));
  const svcKeytab = join(dir, 'svc.keytab');

  before(async () => {
    kdc = await MiniKdc.start();
    conf = loadKrb5Config(kdc.krb5ConfPath);
    await kdc.createKeytab(svcKeytab, 'svc/localhost');
    await kdc.createKeytab(join(dir, 'app.keytab'), 'app/localhost');
    await kdc.addPrincipal('bob', { password: 'bob-pw' });
  });
  after(async () => {
    await kdc?.stop();
  });

  it('keytab login: publishes hsec:kerberos:login, caches service tickets, refreshes explicitly', async () => {
    const logins = record<LoginEvent>('hsec:kerberos:login');
    const relogins = record<ReloginEvent>('hsec:kerberos:relogin');
    const login = await loginFromKeytab(kdc.principal('app/localhost'), join(dir, 'app.keytab'), { conf });
    try {
      expect(login.source).to.equal('keytab');
      expect(login.expiresAt).to.equal(login.tgt.endTime).and.be.greaterThan(Date.now());
      expect(logins.events).to.have.length(1);
      expect(logins.events[0]).to.include({ principal: 'app/localhost@EXAMPLE.TEST', source: 'keytab' });
      const a = await login.getServiceTicket('svc/localhost');
      const b = await login.getServiceTicket(parsePrincipal(kdc.principal('svc/localhost')));
      expect(b).to.equal(a);
      expect(openWithKeytab(a, svcKeytab).cname.components).to.deep.equal(['app', 'localhost']);
      const [c, d] = await Promise.all([login.getServiceTicket('other1/localhost').catch((e) => e), login.getServiceTicket('other1/localhost').catch((e) => e)]);
      expect(c).to.equal(d);
      const oldTgt = login.tgt;
      await login.refresh();
      expect(login.tgt.ticket.equals(oldTgt.ticket)).to.equal(false);
      expect(relogins.events.map((e) => [e.reason, e.ok])).to.deep.equal([['explicit', true]]);
      const e = await login.getServiceTicket('svc/localhost');
      expect(e).to.not.equal(a);
    } finally {
      login.close();
      logins.stop();
      relogins.stop();
    }
    const closed = await login.getServiceTicket('svc/localhost').catch((e: Error) => e);
    expect(closed).to.be.instanceOf(Error).with.property('code', 'KRB_NO_CREDENTIALS');
  });

  it('refreshes an expired TGT on demand when a ticket is asked for (injected clock)', async () => {
    const clock = new ManualClock(Date.now());
    const relogins = record<ReloginEvent>('hsec:kerberos:relogin');
    const login = await loginFromKeytab('app/localhost', join(dir, 'app.keytab'), { conf, clock, lifetimeMs: 60_000, autoRefresh: false });
    try {
      expect(login.expiresAt - clock.now()).to.be.within(50_000, 61_000);
      const first = login.tgt;
      const st1 = await login.getServiceTicket('svc/localhost');
      clock.advance(30_000);
      expect(await login.getServiceTicket('svc/localhost')).to.equal(st1);
      clock.advance(31_000);
      const st2 = await login.getServiceTicket('svc/localhost');
      expect(relogins.events.map((e) => [e.reason, e.ok])).to.deep.equal([['on-demand', true]]);
      expect(login.tgt.ticket.equals(first.ticket)).to.equal(false);
      expect(st2).to.not.equal(st1);
      expect(openWithKeytab(st2, svcKeytab).cname.components).to.deep.equal(['app', 'localhost']);
    } finally {
      login.close();
      relogins.stop();
    }
  });

  it('reaches a service in another realm through a cached cross-realm TGT', async () => {
    const other = await MiniKdc.start({ realm: 'OTHER.TEST' });
    const sent: Record<string, number> = {};
    const login = await (async () => {
      for (const k of [kdc, other]) await k.kadmin('addprinc -pw xrealm-secret krbtgt/OTHER.TEST@EXAMPLE.TEST');
      await other.createKeytab(join(dir, 'remote.keytab'), 'remote/localhost');
      const confPath = join(dir, 'two-realms.conf');
      writeFileSync(confPath, `[libdefaults]\n default_realm = EXAMPLE.TEST\n[realms]\n EXAMPLE.TEST = {\n  kdc = ${kdc.address}\n }\n OTHER.TEST = {\n  kdc = ${other.address}\n }\n`);
      const both = loadKrb5Config(confPath);
      const real = new ConfiguredTransport(both);
      const transport = { send: (realm: string, req: Buffer) => ((sent[realm] = (sent[realm] ?? 0) + 1), real.send(realm, req)) };
      return loginFromKeytab('app/localhost', join(dir, 'app.keytab'), { conf: both, transport });
    })().catch(async (e) => {
      await other.stop();
      throw e;
    });
    try {
      const remote = await login.getServiceTicket('remote/localhost@OTHER.TEST');
      expect(openWithKeytab(remote, join(dir, 'remote.keytab')).crealm).to.equal('EXAMPLE.TEST');
      const cross = await login.getServiceTicket('krbtgt/OTHER.TEST@EXAMPLE.TEST');
      expect(cross.server.name.components).to.deep.equal(['krbtgt', 'OTHER.TEST']);
      expect(await login.getServiceTicket('krbtgt/OTHER.TEST@EXAMPLE.TEST')).to.equal(cross);
      expect(sent).to.deep.equal({ 'EXAMPLE.TEST': 2, 'OTHER.TEST': 1 });
      // A second remote service reuses the cached cross-realm TGT: only the remote KDC is asked.
      await other.addPrincipal('remote2/localhost');
      const again = await login.getServiceTicket('remote2/localhost@OTHER.TEST');
      expect(again.server.realm).to.equal('OTHER.TEST');
      expect(sent).to.deep.equal({ 'EXAMPLE.TEST': 2, 'OTHER.TEST': 2 });
    } finally {
      login.close();
      await other.stop();
    }
  });

  it('password login renews its renewable TGT instead of keeping the password', async () => {
    const login = await loginFromPassword('bob', 'bob-pw', { conf, lifetimeMs: 60_000, renewLifetimeMs: 3600_000, autoRefresh: false });
    try {
      expect(login.principal).to.deep.equal(parsePrincipal('bob@EXAMPLE.TEST'));
      const first = login.tgt;
      await sleep(1100);
      await login.refresh();
      expect(login.tgt.endTime).to.be.greaterThan(first.endTime);
      expect(login.tgt.renewTill).to.equal(first.renewTill);
      const st = await login.getServiceTicket('svc/localhost');
      expect(openWithKeytab(st, svcKeytab).cname.components).to.deep.equal(['bob']);
    } finally {
      login.close();
    }
  });

  it('ccache login: uses tickets from MIT kinit and re-reads the cache after kinit -R', async () => {
    const cc = join(dir, 'ccache-login');
    const env = kdc.env(`FILE:${cc}`);
    execFileSync('kinit', ['-l', '1m', '-r', '1h', '-k', '-t', join(dir, 'app.keytab'), kdc.principal('app/localhost')], { env });
    execFileSync('kvno', ['svc/localhost@EXAMPLE.TEST'], { env });
    const relogins = record<ReloginEvent>('hsec:kerberos:relogin');
    const login = await loginFromCcache(cc, { conf });
    try {
      expect(login.source).to.equal('ccache');
      const fromFile = await login.getServiceTicket('svc/localhost');
      expect(openWithKeytab(fromFile, svcKeytab).cname.components).to.deep.equal(['app', 'localhost']);
      const before = login.tgt;
      await sleep(1100);
      execFileSync('kinit', ['-R'], { env });
      const tgt = await login.getTgt();
      expect(tgt.ticket.equals(before.ticket)).to.equal(false);
      expect(tgt.endTime).to.be.greaterThan(before.endTime);
      expect(relogins.events.map((e) => e.reason)).to.deep.equal(['ccache-changed']);
      const fresh = await login.getServiceTicket('svc/localhost');
      expect(openWithKeytab(fresh, svcKeytab).cname.components).to.deep.equal(['app', 'localhost']);
    } finally {
      login.close();
      relogins.stop();
    }
  });
});

describe('kerberos/login: a keytab login outlives 60-second tickets (~3 minutes)', function () {
  this.timeout(300_000);
  let kdc: MiniKdc;
  const dir = mkdtempSync(join(tmpdir(), 'hsec-login-long-'));

  before(async () => {
    kdc = await MiniKdc.start({ maxTicketLifeSeconds: 60, maxRenewableLifeSeconds: 0 });
    await kdc.createKeytab(join(dir, 'svc.keytab'), 'svc/localhost');
    await kdc.createKeytab(join(dir, 'client.keytab'), 'client/localhost');
  });
  after(async () => {
    await kdc?.stop();
  });

  it('keeps getting valid service tickets across several TGT expiries', async () => {
    const conf = loadKrb5Config(kdc.krb5ConfPath);
    const relogins = record<ReloginEvent>('hsec:kerberos:relogin');
    const login = await loginFromKeytab('client/localhost', join(dir, 'client.keytab'), { conf, refresh: { minIntervalMs: 5_000 } });
    const tgts = new Set<string>();
    const services = new Set<string>();
    try {
      expect(login.expiresAt - Date.now()).to.be.at.most(61_000);
      const end = Date.now() + 170_000;
      while (Date.now() < end) {
        const st = await login.getServiceTicket('svc/localhost');
        const now = Date.now();
        expect(st.endTime, 'service ticket expired').to.be.greaterThan(now);
        expect(login.tgt.endTime, 'TGT expired').to.be.greaterThan(now);
        expect(openWithKeytab(st, join(dir, 'svc.keytab')).cname.components).to.deep.equal(['client', 'localhost']);
        tgts.add(login.tgt.ticket.toString('hex'));
        services.add(st.ticket.toString('hex'));
        await sleep(4_000);
      }
      expect(tgts.size).to.be.at.least(3);
      expect(services.size).to.be.at.least(3);
      const scheduled = relogins.events.filter((e) => e.reason === 'scheduled' && e.ok);
      expect(scheduled.length).to.be.at.least(2);
    } finally {
      login.close();
      relogins.stop();
    }
  });
});
