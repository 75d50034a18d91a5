// krb5.conf clockskew / kdc_timesync in the KDC client, against the real MIT KDC (audit G6), as
// MIT's client behaves: with kdc_timesync off an AS reply whose time is outside our clockskew is
// KRB_CLOCK_SKEW (verify_as_reply); with it on (the default) the offset is learnt instead and TGS
// replies are checked against our time plus that offset (gc_via_tkt.c). The client clock is 60 s
// ahead: inside the KDC's own 300 s, outside our configured 10 s.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { MiniKdc } from '../../../../cluster/mini/mini-kdc.ts';
import { loadKrb5Config, type Krb5Config } from '../../../../security/kerberos/config/index.ts';
import { requestInitialTicket, requestServiceTicket } from '../../../../security/kerberos/client/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { loginFromPassword } from '../../../../security/kerberos/login/index.ts';

const ahead = { now: () => Date.now() + 60_000 };

describe('kerberos/client: krb5.conf clockskew and kdc_timesync against MIT krb5kdc', function () {
  this.timeout(120_000);
  let kdc: MiniKdc;
  const dir = mkdtempSync(join(tmpdir(), 'hsec-replypol-'));
  const confWith = (extra: string): Krb5Config => {
    const path = join(dir, `krb5-${Math.random().toString(36).slice(2)}.conf`);
    writeFileSync(path, `[libdefaults]\n default_realm = ${kdc.realm}\n${extra}\n[realms]\n ${kdc.realm} = {\n  kdc = ${kdc.address}\n }\n`);
    return loadKrb5Config(path);
  };

  before(async () => {
    kdc = await MiniKdc.start();
    await kdc.addPrincipal('carol', { password: 'carol-pw' });
    await kdc.addPrincipal('svc/localhost');
  });
  after(async () => {
    await kdc?.stop();
  });

  it('kdc_timesync = 0: an AS reply 60 s off is KRB_CLOCK_SKEW under clockskew = 10', async () => {
    const conf = confWith(' clockskew = 10\n kdc_timesync = 0');
    const e = await requestInitialTicket({ client: parsePrincipal(kdc.principal('carol')), secret: { password: 'carol-pw' }, conf, clock: ahead }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(KerberosError);
    expect((e as KerberosError).code, (e as Error).message).to.equal('KRB_CLOCK_SKEW');
    expect((e as KerberosError).details.skewSeconds).to.be.within(58, 62);
    expect((e as KerberosError).details.maxSkewSeconds).to.equal(10);
    // the default clockskew (300 s) takes the same reply
    const ok = await requestInitialTicket({ client: parsePrincipal(kdc.principal('carol')), secret: { password: 'carol-pw' }, conf: confWith(' kdc_timesync = 0'), clock: ahead });
    expect(ok.credential.client.realm).to.equal(kdc.realm);
  });

  it('kdc_timesync on (default): the AS offset is learnt and TGS replies are checked against it', async () => {
    const conf = confWith(' clockskew = 10');
    const as = await requestInitialTicket({ client: parsePrincipal(kdc.principal('carol')), secret: { password: 'carol-pw' }, conf, clock: ahead });
    expect(as.kdcOffsetMs).to.be.within(-62_000, -58_000);
    const svc = parsePrincipal(kdc.principal('svc/localhost'));
    const st = await requestServiceTicket({ tgt: as.credential, conf, clock: ahead, kdcOffsetMs: as.kdcOffsetMs }, svc);
    expect(st.credential.server.name.components).to.deep.equal(['svc', 'localhost']);
    const e = await requestServiceTicket({ tgt: as.credential, conf, clock: ahead }, svc).catch((x: unknown) => x);
    expect((e as KerberosError).code, String(e)).to.equal('KRB_CLOCK_SKEW');
    expect((e as KerberosError).details.maxSkewSeconds).to.equal(10);
  });

  it('a KerberosLogin carries the learnt offset into its TGS exchanges', async () => {
    const login = await loginFromPassword(kdc.principal('carol'), 'carol-pw', { conf: confWith(' clockskew = 10'), clock: ahead, autoRefresh: false });
    try {
      const st = await login.getServiceTicket('svc/localhost');
      expect(st.server.realm).to.equal(kdc.realm);
    } finally {
      login.close();
    }
  });
});
