// Unit tests for KRB-ERROR -> typed KerberosError mapping (RFC 4120 section 7.5.9 codes): stable
// codes, the RFC name and number, realm and KDC, measured skew, enctype lists, keytab kvno advice.
import { expect } from 'chai';
import { kdcErrorToException } from '../../../../security/kerberos/client/kdc-errors.ts';
import { KRB_ERROR_CODE } from '../../../../security/kerberos/messages/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';

const T = Date.UTC(2026, 10, 22, 8, 0, 0);
const base = { stime: T, susec: 0, realm: 'EX.TEST', sname: { nameType: 2, components: ['krbtgt', 'EX.TEST'] } };
const ctx = { realm: 'EX.TEST', kdc: '127.0.0.1:88/udp', client: parsePrincipal('alice@EX.TEST'), now: T, operation: 'AS exchange', requestedEtypes: [18, 17] };

describe('kerberos/client: KRB-ERROR mapping', () => {
  it('maps C_PRINCIPAL_UNKNOWN and S_PRINCIPAL_UNKNOWN to KRB_PRINCIPAL_UNKNOWN naming the principal', () => {
    const c = kdcErrorToException({ ...base, errorCode: KRB_ERROR_CODE.KDC_ERR_C_PRINCIPAL_UNKNOWN }, ctx);
    expect(c.code).to.equal('KRB_PRINCIPAL_UNKNOWN');
    expect(c.message).to.contain('alice@EX.TEST').and.contain('KDC_ERR_C_PRINCIPAL_UNKNOWN (6)').and.contain('127.0.0.1:88/udp').and.contain('EX.TEST');
    expect(c.details).to.include({ errorCode: 6, errorName: 'KDC_ERR_C_PRINCIPAL_UNKNOWN', realm: 'EX.TEST', kdc: '127.0.0.1:88/udp' });
    const s = kdcErrorToException({ ...base, errorCode: 7 }, { ...ctx, server: parsePrincipal('nn/host@EX.TEST'), operation: 'TGS exchange' });
    expect(s.code).to.equal('KRB_PRINCIPAL_UNKNOWN');
    expect(s.message).to.contain('nn/host@EX.TEST');
  });

  it('maps PREAUTH_FAILED to KRB_PREAUTH_FAILED: wrong password, or stale keytab with its kvno', () => {
    const pw = kdcErrorToException({ ...base, errorCode: 24 }, ctx);
    expect(pw.code).to.equal('KRB_PREAUTH_FAILED');
    expect(pw.message).to.contain('Wrong password for alice@EX.TEST');
    const kt = kdcErrorToException({ ...base, errorCode: 24 }, { ...ctx, keytab: '/etc/a.keytab', kvno: 3 });
    expect(kt.message).to.contain('/etc/a.keytab').and.contain('kvno 3').and.contain('stale');
    expect(kt.details.kvno).to.equal(3);
  });

  it('maps KRB_AP_ERR_SKEW to KRB_CLOCK_SKEW with the skew measured from stime/susec', () => {
    const e = kdcErrorToException({ ...base, stime: T - 600_000, susec: 500_000, errorCode: 37 }, ctx);
    expect(e.code).to.equal('KRB_CLOCK_SKEW');
    expect(e.details.skewMs).to.equal(-599_500);
    expect(e.message).to.contain('-600 s');
    // The principal is named too: a skew found by a keytab login must say whose login it was.
    expect(e.message).to.contain('Clock skew too great for alice@EX.TEST');
  });

  it('maps ETYPE_NOSUPP to KRB_ENCTYPE_UNSUPPORTED listing what we offered', () => {
    const e = kdcErrorToException({ ...base, errorCode: 14 }, ctx);
    expect(e.code).to.equal('KRB_ENCTYPE_UNSUPPORTED');
    expect(e.message).to.contain('18 (aes256-cts-hmac-sha1-96)').and.contain('17 (aes128-cts-hmac-sha1-96)');
  });

  it('keeps e-text and falls back to KRB_KDC_ERROR with the RFC name', () => {
    const e = kdcErrorToException({ ...base, errorCode: 12, eText: 'policy says no' }, ctx);
    expect(e.code).to.equal('KRB_KDC_ERROR');
    expect(e.message).to.contain('KDC_ERR_POLICY (12)').and.contain('"policy says no"');
    expect(kdcErrorToException({ ...base, errorCode: 32 }, ctx).code).to.equal('KRB_EXPIRED');
  });
});
