// The pure parts of `hsec kdiag`: KDiag's report and failure semantics (verify / failif / warn,
// --nofail, categories, exit 41) and the verdicts (key length, keytab mode, usable enctypes, clock
// offset against clockskew, short names, the probe's offset arithmetic).
import { expect } from 'chai';
import { clockSkewProblem, formatOffset, keyBits, keytabModeProblem, maxAesKeyBits, redactJvmOptions, shortNameProblem, usableEnctypes } from '../../../cluster/cli/kdiag/checks.ts';
import { clockOffsetMs, etypeInfoEtypes, probeTransports } from '../../../cluster/cli/kdiag/kdc-probe.ts';
import { KDIAG_FAILURE, KdiagReport, KerberosDiagsFailure } from '../../../cluster/cli/kdiag/report.ts';

const AES256_SHA1 = 18;
const AES128_SHA1 = 17;
const AES256_SHA2 = 20;
const RC4 = 23;

describe('hsec kdiag report (KDiag semantics)', () => {
  const capture = (nofail: boolean) => {
    let out = '';
    return { report: new KdiagReport((s) => void (out += s), nofail), text: () => out };
  };

  it('prints sections as KDiag does', () => {
    const { report, text } = capture(false);
    report.title('Environment Variables');
    report.value('KRB5CCNAME', undefined);
    report.value('KRB5_CONFIG', '/etc/krb5.conf');
    report.endln();
    expect(text()).to.equal('\n\n== Environment Variables ==\n\nKRB5CCNAME = (unset)\nKRB5_CONFIG = "/etc/krb5.conf"\n\n-----\n');
  });

  it('stops at the first failure without --nofail, with the category in the error', () => {
    const { report, text } = capture(false);
    expect(report.verify(true, 'KERBEROS', 'never printed')).to.equal(true);
    let thrown: unknown;
    try {
      report.verify(false, 'LOGIN', 'login as a@B failed');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(KerberosDiagsFailure);
    expect((thrown as KerberosDiagsFailure).category).to.equal('LOGIN');
    expect((thrown as KerberosDiagsFailure).code).to.equal('KRB_DIAGNOSTICS');
    expect((thrown as KerberosDiagsFailure).message).to.equal('LOGIN: login as a@B failed');
    expect(text()).to.equal('ERROR: LOGIN: login as a@B failed\n').and.not.contain('never printed');
    expect(report.failed).to.equal(true);
    expect(KDIAG_FAILURE).to.equal(41);
  });

  it('goes on with --nofail and remembers every failure; warnings do not fail', () => {
    const { report, text } = capture(true);
    report.warn('KERBEROS', 'Host has no default realm');
    expect(report.failed).to.equal(false);
    expect(report.verify(false, 'TOKEN', 'token file is empty: /t')).to.equal(false);
    expect(report.verify(false, 'JAAS', () => 'No JAAS file')).to.equal(false);
    expect(report.failed).to.equal(true);
    expect(report.failures).to.deep.equal(['TOKEN: token file is empty: /t', 'JAAS: No JAAS file']);
    expect(report.warnings).to.deep.equal(['KERBEROS: Host has no default realm']);
    expect(text()).to.equal('WARNING: KERBEROS: Host has no default realm\nERROR: TOKEN: token file is empty: /t\nERROR: JAAS: No JAAS file\n');
  });

  it('failif stops the scan even with --nofail', () => {
    const { report } = capture(true);
    report.failif(false, 'CONFIG', 'not raised');
    expect(() => report.failif(true, 'CONFIG', 'Hadoop authentication is disabled')).to.throw(KerberosDiagsFailure, 'CONFIG: Hadoop authentication is disabled');
    expect(report.failed).to.equal(true);
  });
});

describe('hsec kdiag verdicts', () => {
  it('key lengths come from the Kerberos profiles and the runtime ciphers (--keylen)', () => {
    expect(keyBits(AES256_SHA1)).to.equal(256);
    expect(keyBits(AES128_SHA1)).to.equal(128);
    expect(keyBits(RC4)).to.equal(undefined);
    expect(maxAesKeyBits()).to.equal(256);
    expect(maxAesKeyBits(['aes-128-cbc'])).to.equal(128);
    expect(maxAesKeyBits([])).to.equal(0);
  });

  it('warns about keytabs group or others can read or write, not about 0600 or 0400', () => {
    expect(keytabModeProblem('/k', 0o100600)).to.equal(undefined);
    expect(keytabModeProblem('/k', 0o100400)).to.equal(undefined);
    expect(keytabModeProblem('/k', 0o100644)).to.contain('mode 0644: its group and every user can read it').and.contain('chmod 600 /k');
    expect(keytabModeProblem('/k', 0o100640)).to.contain('its group can read it');
    expect(keytabModeProblem('/k', 0o100602)).to.contain('every user can write it');
  });

  it('usable enctypes are implemented, in default_tkt_enctypes and permitted', () => {
    expect(usableEnctypes([AES256_SHA1, AES128_SHA1, RC4, AES256_SHA1], [AES256_SHA1, AES128_SHA1, RC4], [AES128_SHA1, RC4])).to.deep.equal([AES128_SHA1]);
    expect(usableEnctypes([RC4], [RC4], [RC4])).to.deep.equal([]);
    expect(usableEnctypes([AES256_SHA2], [AES256_SHA2], [AES256_SHA2])).to.deep.equal([AES256_SHA2]);
  });

  it('formats offsets with a sign, tenths below ten seconds', () => {
    expect(formatOffset(0)).to.equal('+0.0 s');
    expect(formatOffset(-20)).to.equal('+0.0 s');
    expect(formatOffset(-1500)).to.equal('-1.5 s');
    expect(formatOffset(612_400)).to.equal('+612 s');
    expect(formatOffset(-1_200_000)).to.equal('-1200 s');
  });

  it('a clock offset beyond clockskew fails, naming the KDC, the offset and the limit', () => {
    expect(clockSkewProblem('kdc:88/udp', 299_000, 300_000)).to.equal(undefined);
    expect(clockSkewProblem('kdc:88/udp', -300_000, 300_000)).to.equal(undefined);
    const text = clockSkewProblem('kdc:88/udp', -301_000, 300_000)!;
    expect(text).to.contain('clock offset to KDC kdc:88/udp is -301 s (KDC behind this host), more than the allowed skew of 300 s').and.contain('clockskew');
    expect(clockSkewProblem('kdc:88/tcp', 900_000, 300_000)).to.contain('+900 s (KDC ahead of this host)');
  });

  it('a short name holding / or @ is not simple (KDiag.nonSimplePattern)', () => {
    expect(shortNameProblem('nn/h@R', 'nn')).to.equal(undefined);
    expect(shortNameProblem('nn/h@R', 'nn/h')).to.equal('nn/h@R short name: nn/h still contains @ or /');
    expect(shortNameProblem('a@R', 'a@R')).to.contain('still contains @ or /');
  });

  it('the probe offset is the KDC time against the middle of the round trip', () => {
    // KDC said 1000.250 s; we sent at 999.000 s and heard back at 1001.000 s: the middle is 1000.000 s.
    expect(clockOffsetMs(1_000_000, 250_000, 999_000, 1_001_000)).to.equal(250);
    expect(clockOffsetMs(1_000_000, 0, 2_200_000, 2_200_010)).to.equal(-1_200_005);
  });

  it('probes the transports a kdc entry allows', () => {
    expect(probeTransports({ host: 'k', port: 88 })).to.deep.equal(['udp', 'tcp']);
    expect(probeTransports({ host: 'k', port: 88, transport: 'tcp' })).to.deep.equal(['tcp']);
  });

  it('redacts secret-looking -D values of HADOOP_OPTS, keeping the rest', () => {
    const opts = '-Xmx1g -Djavax.net.ssl.keyStorePassword=hunter2 -Djava.security.auth.login.config=/etc/jaas.conf -Dmy.secret="a b" -Dssl.server.keystore.password=x';
    const out = redactJvmOptions(opts);
    expect(out).to.equal('-Xmx1g -Djavax.net.ssl.keyStorePassword=<redacted> -Djava.security.auth.login.config=/etc/jaas.conf -Dmy.secret=<redacted> -Dssl.server.keystore.password=<redacted>');
  });

  it('reads the KDC\'s enctypes from ETYPE-INFO2, and nothing from bytes that are not METHOD-DATA', () => {
    expect(etypeInfoEtypes(undefined)).to.deep.equal([]);
    expect(etypeInfoEtypes(Buffer.from([0x30, 0x03, 0x01]))).to.deep.equal([]);
  });
});
