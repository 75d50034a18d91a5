// The KDC reply checks MIT makes (audit G6): an AS reply encrypted in an enctype the request did
// not offer is refused (get_in_tkt.c check_reply_enctype, KRB5_CONFIG_ETYPE_NOSUPP), and a reply
// whose starttime is outside clockskew of the request time is KRB_CLOCK_SKEW (KRB5_KDCREP_SKEW).
// The scripted KDC below plays a forged reply no real KDC sends; the real MIT KDC checks are in
// test/integration/kerberos/client/reply-policy.test.ts.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { requestInitialTicket } from '../../../../security/kerberos/client/as-exchange.ts';
import { checkReplyEnctype, checkReplySkew } from '../../../../security/kerberos/client/kdc-reply.ts';
import { parseKrb5Conf } from '../../../../security/kerberos/config/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { encodeKdcRep, MSG_TYPE, type EncKdcRepPart, type KdcRep } from '../../../../security/kerberos/messages/index.ts';

const alice = parsePrincipal('alice@EX.TEST');
const tgs = parsePrincipal('krbtgt/EX.TEST@EX.TEST');
const rep = (etype: number): KdcRep => ({
  msgType: MSG_TYPE.AS_REP,
  crealm: alice.realm,
  cname: alice.name,
  ticket: { realm: tgs.realm, sname: tgs.name, encPart: { etype: 18, kvno: 1, cipher: randomBytes(64) } },
  encPart: { etype, cipher: randomBytes(64) },
});
const part = (authTime: number, startTime?: number): EncKdcRepPart => ({
  key: { etype: 18, value: Buffer.alloc(32) },
  lastReq: [],
  nonce: 1,
  flags: 0,
  authTime,
  ...(startTime !== undefined ? { startTime } : {}),
  endTime: authTime + 3_600_000,
  srealm: tgs.realm,
  sname: tgs.name,
});

describe('kerberos/client: MIT reply checks', () => {
  it('checkReplyEnctype accepts an offered etype and refuses another, naming both', () => {
    expect(() => checkReplyEnctype(rep(18), [18, 17], { kdc: 'k:88/udp', client: alice })).not.to.throw();
    try {
      checkReplyEnctype(rep(17), [18, 20], { kdc: 'k:88/udp', client: alice });
      expect.fail('accepted');
    } catch (e) {
      const err = e as KerberosError;
      expect(err.code).to.equal('KRB_ENCTYPE_UNSUPPORTED');
      expect(err.details).to.deep.include({ etype: 17, requested: ['18', '20'], kdc: 'k:88/udp' });
      expect(err.message).to.contain('etype 17').and.contain('[18, 20]').and.contain('default_tkt_enctypes');
    }
  });

  it('requestInitialTicket refuses an AS-REP in an etype the AS-REQ did not offer (default_tkt_enctypes)', async () => {
    const conf = parseKrb5Conf('[libdefaults]\n default_realm = EX.TEST\n default_tkt_enctypes = aes256-cts-hmac-sha1-96\n');
    let requests = 0;
    const transport = { send: async () => (requests++, { reply: encodeKdcRep(rep(17)), kdc: 'scripted:88/udp' }) };
    const err = await requestInitialTicket({ client: alice, secret: { password: 'pw' }, conf, transport, clock: new ManualClock() }).catch((e: KerberosError) => e);
    expect(err).to.be.instanceOf(KerberosError);
    expect((err as KerberosError).code).to.equal('KRB_ENCTYPE_UNSUPPORTED');
    expect((err as KerberosError).details).to.deep.include({ etype: 17, requested: ['18'] });
    expect(requests).to.equal(1);
  });

  it('checkReplySkew: starttime (else authtime) within clockskew of the request time', () => {
    const t = Date.UTC(2026, 10, 22, 8, 0, 0);
    const x = { kdc: 'k:88/tcp', client: alice };
    expect(() => checkReplySkew(part(t + 299_000), t, 300_000, x)).not.to.throw();
    expect(() => checkReplySkew(part(t - 3_600_000, t + 5_000), t, 10_000, x)).not.to.throw();
    try {
      checkReplySkew(part(t - 3_600_000, t - 60_000), t, 10_000, x);
      expect.fail('accepted');
    } catch (e) {
      const err = e as KerberosError;
      expect(err.code).to.equal('KRB_CLOCK_SKEW');
      expect(err.details).to.deep.include({ skewSeconds: 60, maxSkewSeconds: 10 });
      expect(err.message).to.contain('60 s behind').and.contain('clockskew');
    }
  });

  it('krb5.conf kdc_timesync defaults on (MIT DEFAULT_KDC_TIMESYNC) and reads 0 / false as off', () => {
    expect(parseKrb5Conf('[libdefaults]\n default_realm = EX.TEST\n').kdcTimesync).to.equal(true);
    expect(parseKrb5Conf('[libdefaults]\n kdc_timesync = 0\n').kdcTimesync).to.equal(false);
    expect(parseKrb5Conf('[libdefaults]\n kdc_timesync = false\n').kdcTimesync).to.equal(false);
    expect(parseKrb5Conf('[libdefaults]\n kdc_timesync = 1\n').kdcTimesync).to.equal(true);
  });
});
