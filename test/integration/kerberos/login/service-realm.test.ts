// A realm-less `service/host` asked of a KerberosLogin takes the host's realm from krb5.conf
// [domain_realm], else default_realm (MIT krb5_sname_to_principal, JDK KRB_NT_SRV_HST), against
// two real MIT KDCs joined by a cross-realm krbtgt (audit G6).
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiniKdc } from '../../../../cluster/mini/mini-kdc.ts';
import { loadKrb5Config } from '../../../../security/kerberos/config/index.ts';
import { getProfile, KEY_USAGE } from '../../../../security/kerberos/crypto/index.ts';
import { readKeytabSync } from '../../../../security/kerberos/keytab/index.ts';
import { loginFromKeytab } from '../../../../security/kerberos/login/index.ts';
import { decodeEncTicketPart, decodeTicket } from '../../../../security/kerberos/messages/index.ts';

describe('kerberos/login: service realm from [domain_realm] against MIT krb5kdc', function () {
  this.timeout(120_000);
  let kdc: MiniKdc;
  let other: MiniKdc | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'hsec-svcrealm-'));

  before(async () => {
    kdc = await MiniKdc.start();
    other = await MiniKdc.start({ realm: 'OTHER.TEST' });
    for (const k of [kdc, other]) await k.kadmin(`addprinc -pw xrealm-secret krbtgt/OTHER.TEST@${kdc.realm}`);
    await kdc.createKeytab(join(dir, 'app.keytab'), 'app/localhost');
    await kdc.addPrincipal('svc/localhost');
    await other.createKeytab(join(dir, 'nn.keytab'), 'nn/nn1.other.test');
  });
  after(async () => {
    await other?.stop();
    await kdc?.stop();
  });

  it('nn/nn1.other.test goes to OTHER.TEST by [domain_realm]; svc/localhost to default_realm', async () => {
    const confPath = join(dir, 'krb5.conf');
    writeFileSync(
      confPath,
      `[libdefaults]\n default_realm = ${kdc.realm}\n[realms]\n ${kdc.realm} = {\n  kdc = ${kdc.address}\n }\n OTHER.TEST = {\n  kdc = ${other!.address}\n }\n` +
        '[domain_realm]\n .other.test = OTHER.TEST\n',
    );
    const login = await loginFromKeytab('app/localhost', join(dir, 'app.keytab'), { conf: loadKrb5Config(confPath), autoRefresh: false });
    try {
      const nn = await login.getServiceTicket('nn/nn1.other.test');
      expect(nn.server.realm).to.equal('OTHER.TEST');
      const ticket = decodeTicket(nn.ticket);
      const key = readKeytabSync(join(dir, 'nn.keytab')).requireKey(nn.server, ticket.encPart.etype);
      expect(decodeEncTicketPart(getProfile(key.etype).decrypt(key.value, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher)).crealm).to.equal(kdc.realm);
      const svc = await login.getServiceTicket('svc/localhost');
      expect(svc.server.realm).to.equal(kdc.realm);
    } finally {
      login.close();
    }
  });
});
