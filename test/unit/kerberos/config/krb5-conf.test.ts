// Unit tests for the krb5.conf parser (MIT profile syntax, krb5.conf(5)): sections, subsections,
// comments, quoting, final markers, includes, typed libdefaults with defaults, enctype aliases and
// families, durations, KDC addresses, domain_realm.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../../lib/errors/index.ts';
import {
  hierarchicalPath, kdcsForRealm, loadKrb5Config, realmPath, parseDuration, parseEnctypeList, parseKdcAddress, parseKrb5Conf, parseProfile, realmForHost, values,
} from '../../../../security/kerberos/config/index.ts';

const SAMPLE = `
# a comment
; another comment
[libdefaults]
    default_realm = EXAMPLE.TEST
    default_tkt_enctypes = aes256-cts aes128-sha2 rc4-hmac
    permitted_enctypes = aes -aes128-cts-hmac-sha1-96
    clockskew = 120
    ticket_lifetime = 10h
    renew_lifetime = 7d
    udp_preference_limit = 1
    kdc_timeout = 2s
    dns_lookup_kdc = true
    forwardable = yes
    default_ccache_name = FILE:/tmp/krb5cc_%{uid}
    rdns = false

[realms]
    EXAMPLE.TEST = {
        kdc = kdc1.example.test:8888
        kdc = tcp/kdc2.example.test
        kdc = [::1]:750
        admin_server = kdc1.example.test:749
    }
    OTHER.TEST = {
        kdc = 127.0.0.1:9999
    }*

[domain_realm]
    .other.test = OTHER.TEST
    special.example.test = OTHER.TEST
    .example.test = EXAMPLE.TEST
`;

describe('kerberos/config: krb5.conf', () => {
  it('parses libdefaults into typed values', () => {
    const c = parseKrb5Conf(SAMPLE);
    expect(c.defaultRealm).to.equal('EXAMPLE.TEST');
    expect(c.defaultTktEnctypes).to.deep.equal([18, 19]);
    expect(c.droppedEnctypes).to.deep.equal(['rc4-hmac']);
    expect(c.permittedEnctypes).to.deep.equal([18, 20, 19]);
    expect(c.defaultTgsEnctypes).to.deep.equal([18, 20, 19]);
    expect(c.clockSkewMs).to.equal(120_000);
    expect(c.ticketLifetimeMs).to.equal(36_000_000);
    expect(c.renewLifetimeMs).to.equal(7 * 86_400_000);
    expect(c.udpPreferenceLimit).to.equal(1);
    expect(c.kdcTimeoutMs).to.equal(2000);
    expect(c.forwardable).to.equal(true);
    expect(c.rdns).to.equal(false);
    expect(c.defaultCcacheName).to.equal('FILE:/tmp/krb5cc_%{uid}');
  });

  it('applies MIT defaults when libdefaults is empty', () => {
    const c = parseKrb5Conf('[libdefaults]\n');
    expect(c.defaultRealm).to.equal(undefined);
    expect(c.clockSkewMs).to.equal(300_000);
    expect(c.udpPreferenceLimit).to.equal(1465);
    expect(c.ticketLifetimeMs).to.equal(86_400_000);
    expect(c.renewLifetimeMs).to.equal(0);
    expect(c.defaultTktEnctypes).to.deep.equal([18, 17, 20, 19]);
    expect(c.forwardable).to.equal(false);
  });

  it('reads realms with ordered KDC lists, transports and IPv6, and domain_realm', () => {
    const c = parseKrb5Conf(SAMPLE);
    expect(kdcsForRealm(c, 'EXAMPLE.TEST')).to.deep.equal([
      { host: 'kdc1.example.test', port: 8888 },
      { host: 'kdc2.example.test', port: 88, transport: 'tcp' },
      { host: '::1', port: 750 },
    ]);
    expect(c.realms.get('EXAMPLE.TEST')!.adminServers).to.deep.equal(['kdc1.example.test:749']);
    expect(realmForHost(c, 'nn.example.test')).to.equal('EXAMPLE.TEST');
    expect(realmForHost(c, 'special.example.test')).to.equal('OTHER.TEST');
    expect(realmForHost(c, 'a.b.other.test')).to.equal('OTHER.TEST');
    expect(realmForHost(c, 'localhost')).to.equal('EXAMPLE.TEST');
    expect(() => kdcsForRealm(c, 'NOPE.TEST')).to.throw(ConfigError, /NOPE\.TEST/);
  });

  it('handles quoting, final markers and reports syntax errors with file:line', () => {
    const root = parseProfile('[a]*\n x* = "q\\"uo\\tted"\n sub = {\n  y = 1\n }*\n');
    expect(values(root, 'a', 'x')).to.deep.equal(['q"uo\tted']);
    expect(values(root, 'a', 'sub', 'y')).to.deep.equal(['1']);
    expect(() => parseProfile('[a]\n x = {\n', 'f.conf')).to.throw(ConfigError, /f\.conf:\d+: 1 unclosed/);
    expect(() => parseProfile('x = 1\n', 'g.conf')).to.throw(/g\.conf:1: relation outside/);
    expect(() => parseProfile('[a]\n}\n')).to.throw(/unmatched/);
    expect(() => parseProfile('[a]\nnot a relation\n')).to.throw(/expected 'tag = value'/);
  });

  it('follows include/includedir, keeps final tags of earlier files, reads KRB5_CONFIG lists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsec-krb5conf-'));
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'conf.d', 'realms.conf'), '[realms]\n R.TEST = {\n  kdc = 127.0.0.1:1\n }\n');
    writeFileSync(join(dir, 'conf.d', 'ignored~'), '[libdefaults]\n default_realm = BAD\n');
    writeFileSync(join(dir, 'main.conf'), `[libdefaults]\n default_realm* = R.TEST\n clockskew = 10\nincludedir ${join(dir, 'conf.d')}\n`);
    writeFileSync(join(dir, 'second.conf'), '[libdefaults]\n default_realm = LATER.TEST\n ticket_lifetime = 1h\n');
    const c = loadKrb5Config(undefined, { KRB5_CONFIG: `${join(dir, 'missing.conf')}:${join(dir, 'main.conf')}:${join(dir, 'second.conf')}` });
    expect(c.defaultRealm).to.equal('R.TEST');
    expect(c.clockSkewMs).to.equal(10_000);
    expect(c.ticketLifetimeMs).to.equal(3_600_000);
    expect(kdcsForRealm(c, 'R.TEST')).to.deep.equal([{ host: '127.0.0.1', port: 1 }]);
    expect(c.files).to.have.length(2);
    expect(() => loadKrb5Config(undefined, { KRB5_CONFIG: join(dir, 'none.conf') })).to.throw(ConfigError).with.property('code', 'CONFIG_MISSING');
  });

  it('parses MIT durations and enctype lists', () => {
    expect(parseDuration('36000')).to.equal(36_000_000);
    expect(parseDuration('1d2h30m')).to.equal((86400 + 7200 + 1800) * 1000);
    expect(parseDuration('10:30')).to.equal((10 * 3600 + 30 * 60) * 1000);
    expect(parseDuration('1:00:05')).to.equal(3605_000);
    expect(() => parseDuration('ten hours', 'ticket_lifetime')).to.throw(ConfigError, /ticket_lifetime/);
    expect(parseEnctypeList('aes-sha2, aes256-cts-hmac-sha1-96 DEFAULT').etypes).to.deep.equal([20, 19, 18, 17]);
    expect(parseEnctypeList('camellia256-cts-cmac des3-cbc-sha1 bogus-type').dropped).to.deep.equal([
      'camellia256-cts-cmac',
      'des3-cbc-sha1',
      'bogus-type (unknown)',
    ]);
    expect(parseKdcAddress('udp/10.0.0.1:99')).to.deep.equal({ host: '10.0.0.1', port: 99, transport: 'udp' });
    expect(() => parseKdcAddress('host:70000')).to.throw(ConfigError);
  });

  it('computes cross-realm paths from [capaths] and the realm hierarchy', () => {
    const c = parseKrb5Conf('[capaths]\n A.TEST = {\n  C.TEST = B1.TEST\n  C.TEST = B2.TEST\n  D.TEST = .\n }\n');
    expect(c.capaths.get('A.TEST')!.get('C.TEST')).to.deep.equal(['B1.TEST', 'B2.TEST']);
    expect(realmPath(c, 'A.TEST', 'C.TEST')).to.deep.equal(['B1.TEST', 'B2.TEST', 'C.TEST']);
    expect(realmPath(c, 'A.TEST', 'D.TEST')).to.deep.equal(['D.TEST']);
    expect(realmPath(c, 'A.TEST', 'A.TEST')).to.deep.equal([]);
    expect(hierarchicalPath('ONE.CORP.TEST', 'TWO.CORP.TEST')).to.deep.equal(['CORP.TEST', 'TWO.CORP.TEST']);
    expect(hierarchicalPath('A.B.EX.COM', 'C.EX.COM')).to.deep.equal(['B.EX.COM', 'EX.COM', 'C.EX.COM']);
    expect(hierarchicalPath('SUB.EX.COM', 'EX.COM')).to.deep.equal(['EX.COM']);
    expect(hierarchicalPath('EX.COM', 'SUB.EX.COM')).to.deep.equal(['SUB.EX.COM']);
    expect(hierarchicalPath('EXAMPLE.ORG', 'OTHER.NET')).to.deep.equal(['OTHER.NET']);
  });
});
