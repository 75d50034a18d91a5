/**
 * auth_to_local rules (Hadoop KerberosName / HadoopKerberosName). The first tables
 * are the cases of Hadoop's TestKerberosName (testRules, testToLowerCase, testAntiPatterns) and
 * TestHadoopKerberosName; the rest pin grammar corners read from KerberosName's rule parser.
 */
import { expect } from 'chai';
import { Configuration } from '../../../../lib/config/configuration.ts';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { AuthToLocal } from '../../../../security/kerberos/names/auth-to-local.ts';
import { KerberosName } from '../../../../security/kerberos/names/kerberos-name.ts';

const HADOOP_TEST_RULES = [
  'RULE:[1:$1@$0](.*@YAHOO\\.COM)s/@.*//',
  'RULE:[2:$1](johndoe)s/^.*$/guest/',
  'RULE:[2:$1;$2](^.*;admin$)s/;admin$//',
  'RULE:[2:$2](root)',
  'DEFAULT',
].join('\n');

function failure(fn: () => unknown): KerberosError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(KerberosError);
    expect((err as KerberosError).code).to.equal('KRB_NAME');
    return err as KerberosError;
  }
  throw new Error('expected a KerberosError');
}

describe('AuthToLocal', () => {
  describe("Hadoop's TestKerberosName.testRules (default realm EXAMPLE.COM)", () => {
    const rules = AuthToLocal.parse(HADOOP_TEST_RULES, { defaultRealm: 'EXAMPLE.COM' });
    const cases: [string, string][] = [
      ['omalley@EXAMPLE.COM', 'omalley'],
      ['hdfs/10.0.0.1@EXAMPLE.COM', 'hdfs'],
      ['oom@YAHOO.COM', 'oom'],
      ['johndoe/zoo@FOO.COM', 'guest'],
      ['joe/admin@FOO.COM', 'joe'],
      ['joe/root@FOO.COM', 'root'],
    ];
    for (const [from, to] of cases) it(`${from} -> ${to}`, () => expect(rules.shortName(from)).to.equal(to));

    it('prints the rules back in canonical form (KerberosName.getRules)', () => {
      expect(rules.rules).to.equal(HADOOP_TEST_RULES);
    });
  });

  describe("Hadoop's TestKerberosName.testToLowerCase", () => {
    const rules = AuthToLocal.parse(
      'RULE:[1:$1]/L\nRULE:[2:$1]/L\nRULE:[2:$1;$2](^.*;admin$)s/;admin$///L\nRULE:[2:$1;$2](^.*;guest$)s/;guest$//g/L\nDEFAULT',
      { defaultRealm: 'EXAMPLE.COM' },
    );
    for (const from of ['Joe@FOO.COM', 'Joe/root@FOO.COM', 'Joe/admin@FOO.COM', 'Joe/guestguest@FOO.COM']) {
      it(`${from} -> joe`, () => expect(rules.shortName(from)).to.equal('joe'));
    }
  });

  describe("Hadoop's TestKerberosName.testAntiPatterns", () => {
    for (const bad of ['owen/owen/owen@FOO.COM', 'owen@foo/bar.com']) {
      it(`${bad} is a malformed name`, () => {
        const rules = AuthToLocal.parse(HADOOP_TEST_RULES, { defaultRealm: 'EXAMPLE.COM' });
        failure(() => rules.shortName(bad));
      });
    }
    it('mechanism mit: a name no rule applies to maps to itself', () => {
      const mit = AuthToLocal.parse(HADOOP_TEST_RULES, { defaultRealm: 'EXAMPLE.COM', mechanism: 'MIT' });
      expect(mit.mechanism).to.equal('mit');
      expect(mit.shortName('foo@ACME.COM')).to.equal('foo@ACME.COM');
      expect(mit.shortName('root/joe@FOO.COM')).to.equal('root/joe@FOO.COM');
    });
    it('mechanism hadoop: no applicable rule is an error naming the principal', () => {
      const hadoop = AuthToLocal.parse(HADOOP_TEST_RULES, { defaultRealm: 'EXAMPLE.COM' });
      const err = failure(() => hadoop.shortName('foo@ACME.COM'));
      expect(err.message).to.contain('No auth_to_local rules applied to foo@ACME.COM');
      expect(err.message).to.contain('its realm ACME.COM is not the default realm EXAMPLE.COM (krb5.conf default_realm)');
      expect(err.message).to.contain('hadoop.security.auth_to_local');
      expect(err.details.principal).to.equal('foo@ACME.COM');
      expect(err.details.defaultRealm).to.equal('EXAMPLE.COM');
    });
  });

  describe('result checks', () => {
    it('hadoop: a result with / or @ is an error naming the rule; mit allows it', () => {
      const text = 'RULE:[2:$1/$2@$0]';
      const err = failure(() => AuthToLocal.parse(text, { defaultRealm: 'R' }).shortName('nn/h@R'));
      expect(err.message).to.contain('Non-simple name nn/h@R after auth_to_local rule RULE:[2:$1/$2@$0]');
      expect(err.details).to.include({ principal: 'nn/h@R', rule: text });
      expect(AuthToLocal.parse(text, { defaultRealm: 'R', mechanism: 'mit' }).shortName('nn/h@R')).to.equal('nn/h@R');
    });

    it('the non-simple check happens before /L lower-casing', () => {
      failure(() => AuthToLocal.parse('RULE:[1:$1@$0]/L', { defaultRealm: 'R' }).shortName('A@R'));
      expect(AuthToLocal.parse('RULE:[1:$1@$0]/L', { defaultRealm: 'R', mechanism: 'mit' }).shortName('A@R')).to.equal('a@r');
    });

    it('a name with neither host nor realm is returned unchanged, whatever the rules', () => {
      expect(AuthToLocal.parse('', { defaultRealm: 'R' }).shortName('alice')).to.equal('alice');
    });

    it('names without realm: DEFAULT does not apply, $0 is empty', () => {
      const rules = AuthToLocal.parse('DEFAULT RULE:[2:$1-$0]', { defaultRealm: 'R' });
      expect(rules.shortName('svc/host')).to.equal('svc-');
    });

    it('accepts a parsed KerberosName', () => {
      const rules = AuthToLocal.parse('DEFAULT', { defaultRealm: 'R' });
      expect(rules.shortName(KerberosName.parse('nn/host@R'))).to.equal('nn');
    });
  });

  describe('grammar', () => {
    const cases: [string, string, string][] = [
      // rules, principal, short name (default realm EXAMPLE.TEST)
      ['DEFAULT', 'alice@EXAMPLE.TEST', 'alice'],
      ['DEFAULT/L', 'Alice@EXAMPLE.TEST', 'alice'],
      ['DEFAULT', 'nn/host@EXAMPLE.TEST', 'nn'],
      ['RULE:[1:$1]RULE:[2:$1]', 'nn/host@OTHER', 'nn'], // no separator needed
      ['  RULE:[1:$1]\n\n\t RULE:[2:$2]  ', 'nn/host@OTHER', 'host'],
      ['RULE:[2:$1@$0](nn@EXAMPLE\\.TEST)s/.*/hdfs/', 'nn/h@EXAMPLE.TEST', 'hdfs'],
      ['RULE:[1:$1](a.*)s/a/b/', 'aaa@X', 'baa'],
      ['RULE:[1:$1](a.*)s/a/b/g', 'aaa@X', 'bbb'],
      ['RULE:[1:$1]s/(.)(.)/$2$1/g', 'abcd@X', 'badc'],
      ['RULE:[1:$1](x) RULE:[1:$1](.*)s/^/u-/', 'bob@X', 'u-bob'], // first applicable rule wins
      ['RULE:[1:prefix-$1-$0]', 'bob@X', 'prefix-bob-X'],
      ['RULE:[1:$1$1]', 'ab@X', 'abab'],
      ['RULE:[1:$1]s/(?i)BOB/bo/', 'BOB@X', 'bo'], // a leading inline flag (only in s///: (match) cannot hold ')')
      ['RULE:[1:$1]/', 'bob@X', 'bob'], // a lone trailing slash is accepted by the parser
    ];
    for (const [rules, principal, want] of cases) {
      it(`${JSON.stringify(rules)}: ${principal} -> ${want}`, () => {
        expect(AuthToLocal.parse(rules, { defaultRealm: 'EXAMPLE.TEST' }).shortName(principal)).to.equal(want);
      });
    }

    const badRules = ['RULE:[1:$1', 'RULE[1:$1]', 'DEFAULTS', 'RULE:[:$1]', 'RULE:[1:$1](a*+)', 'RULE:[1:$1](()', 'RULE:[1:$1]((?i)BOB)', 'nonsense'];
    for (const rules of badRules) {
      it(`rejects ${JSON.stringify(rules)} at parse time`, () => {
        failure(() => AuthToLocal.parse(rules, { defaultRealm: 'R' }));
      });
    }

    it('a bad $n in the format is an error when the rule is applied (as in Hadoop)', () => {
      const outOfRange = AuthToLocal.parse('RULE:[1:$2]', { defaultRealm: 'R' });
      expect(failure(() => outOfRange.shortName('a@R')).message).to.contain('outside of the valid range 0 to 1');
      failure(() => AuthToLocal.parse('RULE:[1:$x]', { defaultRealm: 'R' }).shortName('a@R'));
      // not applied to 2-component names, so no error there
      expect(AuthToLocal.parse('RULE:[1:$2] RULE:[2:$2]', { defaultRealm: 'R' }).shortName('a/b@R')).to.equal('b');
    });

    it('rejects an unknown mechanism', () => {
      failure(() => AuthToLocal.parse('DEFAULT', { defaultRealm: 'R', mechanism: 'ldap' }));
    });
  });

  describe('fromConfiguration (HadoopKerberosName.setConfiguration)', () => {
    it('unset rules: DEFAULT under kerberos, RULE:[1:$1] RULE:[2:$1] under simple', () => {
      const simple = AuthToLocal.fromConfiguration(new Configuration({ env: {} }), { defaultRealm: 'R' });
      expect(simple.rules).to.equal('RULE:[1:$1]\nRULE:[2:$1]');
      expect(simple.shortName('nn/h@ELSEWHERE')).to.equal('nn');
      const kerberos = AuthToLocal.fromConfiguration(new Configuration({ env: {} }).set('hadoop.security.authentication', 'kerberos'), {
        defaultRealm: 'R',
      });
      expect(kerberos.rules).to.equal('DEFAULT');
      failure(() => kerberos.shortName('nn/h@ELSEWHERE'));
    });

    it('reads the rules and the mechanism keys', () => {
      const conf = new Configuration({ env: {} })
        .set('hadoop.security.auth_to_local', 'RULE:[1:$1@$0](.*@CORP)s/@.*//')
        .set('hadoop.security.auth_to_local.mechanism', 'mit');
      const rules = AuthToLocal.fromConfiguration(conf, { defaultRealm: 'R' });
      expect(rules.mechanism).to.equal('mit');
      expect(rules.shortName('bob@CORP')).to.equal('bob');
      expect(rules.shortName('bob@OTHER')).to.equal('bob@OTHER');
    });
  });
});
