// TGS exchange and renewal against the real MIT KDC: service tickets for each AES enctype (the
// ticket decrypts with the service's keytab key and names our client), unknown service, renewal
// of a renewable TGT, and direct cross-realm through two MIT KDCs sharing krbtgt/B@A.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { MiniKdc } from '../../../../cluster/mini/mini-kdc.ts';
import { loadKrb5Config, type Krb5Config } from '../../../../security/kerberos/config/index.ts';
import { readKeytabSync } from '../../../../security/kerberos/keytab/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { getProfile, KEY_USAGE } from '../../../../security/kerberos/crypto/index.ts';
import { renewTicket, requestInitialTicket, requestServiceTicket } from '../../../../security/kerberos/client/index.ts';
import { decodeEncTicketPart, decodeTicket, TICKET_FLAGS } from '../../../../security/kerberos/messages/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kerberos/client: TGS exchange and renewal against MIT krb5kdc', function () {
  this.timeout(120_000);
  let kdc: MiniKdc;
  let conf: Krb5Config;
  const dir = mkdtempSync(join(tmpdir(), 'hsec-tgs-'));

  before(async () => {
    kdc = await MiniKdc.start();
    conf = loadKrb5Config(kdc.krb5ConfPath);
    await kdc.addPrincipal('alice', { password: 'alice-pw' });
  });
  after(async () => {
    await kdc?.stop();
  });

  for (const [name, etype] of [['aes256-cts-hmac-sha1-96', 18], ['aes128-cts-hmac-sha1-96', 17], ['aes256-cts-hmac-sha384-192', 20], ['aes128-cts-hmac-sha256-128', 19]] as const) {
    it(`gets a service ticket the service can decrypt (${name} service key)`, async () => {
      const svc = `svc${etype}/localhost`;
      await kdc.kadmin(`addprinc -randkey -e ${name}:normal ${svc}`);
      const keytabPath = join(dir, `svc${etype}.keytab`);
      await kdc.createKeytab(keytabPath, svc);
      const { credential: tgt } = await requestInitialTicket({ client: parsePrincipal(kdc.principal('alice')), secret: { password: 'alice-pw' }, conf });
      const { credential, kdc: used } = await requestServiceTicket({ tgt, conf }, parsePrincipal(kdc.principal(svc)));
      expect(used).to.equal(`${kdc.address}/udp`);
      expect(credential.server.name.components).to.deep.equal([`svc${etype}`, 'localhost']);
      const ticket = decodeTicket(credential.ticket);
      expect(ticket.encPart.etype).to.equal(etype);
      const key = readKeytabSync(keytabPath).requireKey(parsePrincipal(kdc.principal(svc)), etype);
      const part = decodeEncTicketPart(getProfile(etype).decrypt(key.value, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher));
      expect(part.cname.components).to.deep.equal(['alice']);
      expect(part.key).to.deep.equal(credential.sessionKey);
      expect(part.endTime).to.equal(credential.endTime);
    });
  }

  it('reports an unknown service as KRB_PRINCIPAL_UNKNOWN naming the service', async () => {
    const { credential: tgt } = await requestInitialTicket({ client: parsePrincipal(kdc.principal('alice')), secret: { password: 'alice-pw' }, conf });
    try {
      await requestServiceTicket({ tgt, conf }, parsePrincipal(kdc.principal('nosuch/localhost')));
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).to.be.instanceOf(KerberosError);
      expect((e as KerberosError).code).to.equal('KRB_PRINCIPAL_UNKNOWN');
      expect((e as Error).message).to.contain('nosuch/localhost@EXAMPLE.TEST').and.contain('KDC_ERR_S_PRINCIPAL_UNKNOWN');
    }
  });

  it('reports a TGS request from a skewed clock as KRB_CLOCK_SKEW with the measured skew', async () => {
    const { credential: tgt } = await requestInitialTicket({ client: parsePrincipal(kdc.principal('alice')), secret: { password: 'alice-pw' }, conf });
    const clock = new ManualClock(Date.now() - 900_000);
    try {
      await requestServiceTicket({ tgt, conf, clock }, parsePrincipal(kdc.principal('svc18/localhost')));
      expect.fail('should have thrown');
    } catch (e) {
      expect((e as KerberosError).code, (e as Error).message).to.equal('KRB_CLOCK_SKEW');
      expect((e as KerberosError).details.skewMs as number).to.be.within(895_000, 905_000);
      expect((e as Error).message).to.contain('KRB_AP_ERR_SKEW').and.match(/\+9\d\d s/);
    }
  });

  it('renews a renewable TGT (later end time, same renew_till) and uses the renewed TGT', async () => {
    const client = parsePrincipal(kdc.principal('alice'));
    const { credential: tgt } = await requestInitialTicket({ client, secret: { password: 'alice-pw' }, conf, lifetimeMs: 60_000, renewLifetimeMs: 3600_000 });
    expect(tgt.flags & TICKET_FLAGS.RENEWABLE).to.not.equal(0);
    expect(tgt.renewTill).to.be.greaterThan(tgt.endTime);
    await sleep(1100);
    const { credential: renewed } = await renewTicket({ ticket: tgt, conf });
    expect(renewed.endTime).to.be.greaterThan(tgt.endTime);
    expect(renewed.renewTill).to.equal(tgt.renewTill);
    expect(renewed.authTime).to.equal(tgt.authTime);
    expect(renewed.sessionKey.value.equals(tgt.sessionKey.value)).to.equal(false);
    await kdc.addPrincipal('after/localhost');
    const st = await requestServiceTicket({ tgt: renewed, conf }, parsePrincipal(kdc.principal('after/localhost')));
    expect(st.credential.client).to.deep.equal(client);
    // A non-renewable ticket is refused locally with KRB_EXPIRED.
    const { credential: plain } = await requestInitialTicket({ client, secret: { password: 'alice-pw' }, conf, renewLifetimeMs: 0 });
    try {
      await renewTicket({ ticket: plain, conf });
      expect.fail('should have thrown');
    } catch (e) {
      expect((e as KerberosError).code).to.equal('KRB_EXPIRED');
    }
  });

  it('gets a service ticket in another realm through a direct cross-realm TGT', async () => {
    const other = await MiniKdc.start({ realm: 'OTHER.TEST' });
    try {
      // The same password gives krbtgt/OTHER.TEST@EXAMPLE.TEST the same keys in both databases.
      for (const k of [kdc, other]) await k.kadmin('addprinc -pw cross-realm-secret krbtgt/OTHER.TEST@EXAMPLE.TEST');
      await other.addPrincipal('remote/localhost');
      const keytabPath = join(dir, 'remote.keytab');
      await other.createKeytab(keytabPath, 'remote/localhost');
      const confPath = join(dir, 'two-realms.conf');
      writeFileSync(confPath, `[libdefaults]\n default_realm = EXAMPLE.TEST\n[realms]\n EXAMPLE.TEST = {\n  kdc = ${kdc.address}\n }\n OTHER.TEST = {\n  kdc = ${other.address}\n }\n`);
      const both = loadKrb5Config(confPath);
      const { credential: tgt } = await requestInitialTicket({ client: parsePrincipal(kdc.principal('alice')), secret: { password: 'alice-pw' }, conf: both });
      const server = parsePrincipal('remote/localhost@OTHER.TEST');
      const { credential, kdc: used } = await requestServiceTicket({ tgt, conf: both }, server);
      expect(used).to.equal(`${other.address}/udp`);
      expect(credential.server).to.deep.equal({ name: { nameType: 1, components: ['remote', 'localhost'] }, realm: 'OTHER.TEST' });
      const ticket = decodeTicket(credential.ticket);
      const key = readKeytabSync(keytabPath).requireKey(server, ticket.encPart.etype);
      const part = decodeEncTicketPart(getProfile(key.etype).decrypt(key.value, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher));
      expect(part.crealm).to.equal('EXAMPLE.TEST');
      expect(part.transited.contents.toString()).to.equal('');
    } finally {
      await other.stop();
    }
  });
});
