// AS exchange against the real MIT KDC (MiniKdc): keytab and password logins for each AES
// enctype the KDC issues, with and without required pre-authentication; wrong password, unknown
// principal, stale keytab, unreachable KDCs with failover, and clock skew measured from the KDC.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectsCode } from '../../../support/errors.ts';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { MiniKdc } from '../../../../cluster/mini/mini-kdc.ts';
import { loadKrb5Config, parseKrb5Conf, type Krb5Config } from '../../../../security/kerberos/config/index.ts';
import { readKeytabSync } from '../../../../security/kerberos/keytab/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { requestInitialTicket } from '../../../../security/kerberos/client/as-exchange.ts';
import { decodeTicket, TICKET_FLAGS } from '../../../../security/kerberos/messages/index.ts';
import { freePort } from '../../../../cluster/mini/ports.ts';

const ENCTYPES: Array<[string, number]> = [
  ['aes256-cts-hmac-sha1-96', 18],
  ['aes128-cts-hmac-sha1-96', 17],
  ['aes256-cts-hmac-sha384-192', 20],
  ['aes128-cts-hmac-sha256-128', 19],
];

describe('kerberos/client: AS exchange against MIT krb5kdc', function () {
  this.timeout(120_000);
  let kdc: MiniKdc;
  let conf: Krb5Config;
  const dir = mkdtempSync(join(tmpdir(), 'hsec-as-'));

  before(async () => {
    kdc = await MiniKdc.start();
    conf = loadKrb5Config(kdc.krb5ConfPath);
  });
  after(async () => {
    await kdc?.stop();
  });

  for (const [name, etype] of ENCTYPES) {
    it(`gets a TGT with a keytab and with a password for ${name} (pre-auth required)`, async () => {
      const user = `u${etype}`;
      await kdc.kadmin(`addprinc -e ${name}:normal -pw secret-${etype} +requires_preauth ${user}`);
      const keytab = join(dir, `${user}.keytab`);
      await kdc.createKeytab(keytab, user);
      const client = parsePrincipal(kdc.principal(user));
      expect(readKeytabSync(keytab).entries.map((e) => e.key.etype)).to.deep.equal([etype]);
      const viaKeytab = await requestInitialTicket({ client, secret: { keytab: readKeytabSync(keytab) }, conf });
      expect(viaKeytab.credential.client).to.deep.equal(client);
      expect(viaKeytab.credential.server.name.components).to.deep.equal(['krbtgt', kdc.realm]);
      expect(viaKeytab.credential.sessionKey.value.length).to.be.greaterThan(15);
      expect(viaKeytab.credential.flags & TICKET_FLAGS.PRE_AUTHENT).to.not.equal(0);
      expect(viaKeytab.credential.flags & TICKET_FLAGS.INITIAL).to.not.equal(0);
      expect(viaKeytab.kdc).to.equal(`${kdc.address}/udp`);
      const viaPassword = await requestInitialTicket({ client, secret: { password: `secret-${etype}` }, conf });
      expect(viaPassword.credential.endTime).to.be.greaterThan(Date.now());
      // The KDC encrypts the TGT in its own key; the AS reply key was the user's single enctype.
      expect(decodeTicket(viaPassword.credential.ticket).realm).to.equal(kdc.realm);
    });
  }

  it('logs in without pre-authentication when the principal does not require it', async () => {
    await kdc.addPrincipal('nopreauth', { password: 'pw-1' });
    const r = await requestInitialTicket({ client: parsePrincipal(kdc.principal('nopreauth')), secret: { password: 'pw-1' }, conf });
    expect(r.credential.flags & TICKET_FLAGS.PRE_AUTHENT).to.equal(0);
  });

  it('reports a wrong password as KRB_PREAUTH_FAILED, with and without required pre-auth', async () => {
    await kdc.kadmin('addprinc -pw right +requires_preauth wrongpw');
    const e1 = await rejectsCode(requestInitialTicket({ client: parsePrincipal(kdc.principal('wrongpw')), secret: { password: 'Xyzzy-bad-pw' }, conf }), 'KRB_PREAUTH_FAILED', KerberosError);
    expect(e1.message).to.match(/Wrong password for wrongpw@EXAMPLE\.TEST/);
    expect(e1.details.errorName).to.equal('KDC_ERR_PREAUTH_FAILED');
    expect(e1.message + JSON.stringify(e1.details)).to.not.contain('Xyzzy');
    await kdc.addPrincipal('wrongpw2', { password: 'right' });
    await rejectsCode(requestInitialTicket({ client: parsePrincipal(kdc.principal('wrongpw2')), secret: { password: 'nope' }, conf }), 'KRB_PREAUTH_FAILED', KerberosError);
  });

  it('reports an unknown principal as KRB_PRINCIPAL_UNKNOWN naming it and the realm', async () => {
    const e = await rejectsCode(requestInitialTicket({ client: parsePrincipal(kdc.principal('ghost')), secret: { password: 'x' }, conf }), 'KRB_PRINCIPAL_UNKNOWN', KerberosError);
    expect(e.message).to.contain('ghost@EXAMPLE.TEST').and.contain('KDC_ERR_C_PRINCIPAL_UNKNOWN').and.contain(kdc.address);
  });

  it('reports a stale keytab (principal re-keyed, kvno bumped) with the kvnos involved', async () => {
    await kdc.kadmin('addprinc -randkey +requires_preauth stale');
    const keytab = join(dir, 'stale.keytab');
    await kdc.createKeytab(keytab, 'stale');
    await kdc.randomizeKey('stale');
    const e = await rejectsCode(requestInitialTicket({ client: parsePrincipal(kdc.principal('stale')), secret: { keytab: readKeytabSync(keytab) }, conf }), 'KRB_PREAUTH_FAILED', KerberosError);
    expect(e.message).to.match(/kvno 1/).and.match(/stale/);
    // Without pre-auth the KDC answers, but MIT leaves kvno out of the AS-REP enc-part: the reply
    // fails to decrypt and the keytab's kvno is reported.
    await kdc.kadmin('addprinc -randkey stale2');
    const keytab2 = join(dir, 'stale2.keytab');
    await kdc.createKeytab(keytab2, 'stale2');
    await kdc.randomizeKey('stale2');
    const e2 = await rejectsCode(requestInitialTicket({ client: parsePrincipal(kdc.principal('stale2')), secret: { keytab: readKeytabSync(keytab2) }, conf }), 'KRB_PREAUTH_FAILED', KerberosError);
    expect(e2.message).to.match(/kvno 1/).and.match(/stale/);
    expect(e2.details.kvno).to.equal(1);
  });

  it('fails over from a dead KDC to a live one, and names every KDC when none answers', async () => {
    await kdc.addPrincipal('failover', { password: 'pw' });
    const dead1 = await freePort();
    const dead2 = await freePort();
    const text = (kdcs: string[]) =>
      `[libdefaults]\n default_realm = ${kdc.realm}\n kdc_timeout = 2s\n[realms]\n ${kdc.realm} = {\n${kdcs.map((k) => `  kdc = ${k}\n`).join('')} }\n`;
    const withFailover = parseKrb5Conf(text([`127.0.0.1:${dead1}`, kdc.address]));
    const ok = await requestInitialTicket({ client: parsePrincipal(kdc.principal('failover')), secret: { password: 'pw' }, conf: withFailover });
    expect(ok.kdc).to.equal(`${kdc.address}/udp`);
    const allDead = parseKrb5Conf(text([`127.0.0.1:${dead1}`, `127.0.0.1:${dead2}`]));
    const e = await rejectsCode(requestInitialTicket({ client: parsePrincipal(kdc.principal('failover')), secret: { password: 'pw' }, conf: allDead }), 'KRB_KDC_UNREACHABLE', KerberosError);
    expect(e.message).to.contain(`127.0.0.1:${dead1}`).and.contain(`127.0.0.1:${dead2}`).and.contain(kdc.realm);
    expect(e.details.kdcs).to.deep.equal([`127.0.0.1:${dead1}`, `127.0.0.1:${dead2}`]);
  });

  it('uses TCP when the request exceeds udp_preference_limit', async () => {
    const tcpConf = parseKrb5Conf(`[libdefaults]\n udp_preference_limit = 1\n[realms]\n ${kdc.realm} = {\n  kdc = ${kdc.address}\n }\n`);
    const r = await requestInitialTicket({ client: parsePrincipal(kdc.principal('failover')), secret: { password: 'pw' }, conf: tcpConf });
    expect(r.kdc).to.equal(`${kdc.address}/tcp`);
  });

  it('reports no common enctype as KRB_ENCTYPE_UNSUPPORTED listing what we offered', async () => {
    await kdc.kadmin('addprinc -e aes128-cts-hmac-sha1-96:normal -pw pw onlyaes128');
    const e = await rejectsCode(
      requestInitialTicket({ client: parsePrincipal(kdc.principal('onlyaes128')), secret: { password: 'pw' }, conf, etypes: [18, 20] }),
      'KRB_ENCTYPE_UNSUPPORTED',      KerberosError,
    );
    expect(e.message).to.contain('KDC_ERR_ETYPE_NOSUPP').and.contain('18 (aes256-cts-hmac-sha1-96)').and.contain('20 (aes256-cts-hmac-sha384-192)');
    // With pre-auth required MIT leaves PA-ENC-TIMESTAMP out of METHOD-DATA instead.
    await kdc.kadmin('addprinc -e aes128-cts-hmac-sha1-96:normal -pw pw +requires_preauth onlyaes128p');
    const p = await rejectsCode(
      requestInitialTicket({ client: parsePrincipal(kdc.principal('onlyaes128p')), secret: { password: 'pw' }, conf, etypes: [18, 20] }),
      'KRB_ENCTYPE_UNSUPPORTED',      KerberosError,
    );
    expect(p.message).to.contain('onlyaes128p@EXAMPLE.TEST').and.contain('[18, 20]');
  });

  it('reports clock skew with the skew measured from the KDC time', async () => {
    await kdc.kadmin('addprinc -pw pw +requires_preauth skewed');
    const clock = new ManualClock(Date.now() + 3600_000);
    const e = await rejectsCode(requestInitialTicket({ client: parsePrincipal(kdc.principal('skewed')), secret: { password: 'pw' }, conf, clock }), 'KRB_CLOCK_SKEW', KerberosError);
    const skew = e.details.skewMs as number;
    expect(skew).to.be.within(-3605_000, -3595_000);
    expect(e.message).to.match(/-36\d\d s/);
  });
});
