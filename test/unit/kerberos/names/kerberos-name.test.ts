/**
 * Principal name parsing/formatting (RFC 1964 2.1.1 escapes, Hadoop KerberosName accessors, Hadoop's
 * TestKerberosName.testParsing / testAntiPatterns cases) and SecurityUtil.getServerPrincipal's _HOST
 * substitution (TestSecurityUtil cases).
 */
import { expect } from 'chai';
import { hostname } from 'node:os';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { canonicalHostName, KerberosName, substituteHost } from '../../../../security/kerberos/names/kerberos-name.ts';
import { NAME_TYPE, principalToString } from '../../../../security/kerberos/types.ts';

describe('KerberosName', () => {
  const parsed: [string, string[], string | undefined, string | undefined][] = [
    // input, components, realm, hostName
    ['HTTP/abc.com@EXAMPLE.COM', ['HTTP', 'abc.com'], 'EXAMPLE.COM', 'abc.com'],
    ['HTTP/abc.com', ['HTTP', 'abc.com'], undefined, 'abc.com'],
    ['HTTP@EXAMPLE.COM', ['HTTP'], 'EXAMPLE.COM', undefined],
    ['alice', ['alice'], undefined, undefined],
    ['a/b/c@R', ['a', 'b', 'c'], 'R', 'b'],
    ['we\\/ird/ho\\@st@REALM', ['we/ird', 'ho@st'], 'REALM', 'ho@st'],
    ['back\\\\slash@R', ['back\\slash'], 'R', undefined],
    ['tab\\there@R', ['tab\there'], 'R', undefined],
    ['user@RE\\@ALM', ['user'], 'RE@ALM', undefined],
  ];
  for (const [input, components, realm, host] of parsed) {
    it(`parses ${input}`, () => {
      const name = KerberosName.parse(input);
      expect(name.components).to.deep.equal(components);
      expect(name.realm).to.equal(realm);
      expect(name.hostName).to.equal(host);
      expect(name.serviceName).to.equal(components[0]);
      expect(name.toString()).to.equal(input);
    });
  }

  for (const bad of ['', '@R', 'a@', 'a//b@R', '/a@R', 'a/@R', 'owen@foo/bar.com', 'a@R@S', 'trailing\\']) {
    it(`rejects "${bad}" with KRB_NAME`, () => {
      expect(() => KerberosName.parse(bad)).to.throw(KerberosError).with.property('code', 'KRB_NAME');
    });
  }

  it('converts to and from the structured Principal', () => {
    const name = KerberosName.parse('nn/host.example.test@EXAMPLE.TEST');
    const p = name.toPrincipal();
    expect(p).to.deep.equal({ name: { nameType: NAME_TYPE.SRV_INST, components: ['nn', 'host.example.test'] }, realm: 'EXAMPLE.TEST' });
    expect(principalToString(p)).to.equal(name.toString());
    expect(KerberosName.fromPrincipal(p).toString()).to.equal('nn/host.example.test@EXAMPLE.TEST');
    expect(KerberosName.parse('alice').toPrincipal('EXAMPLE.TEST')).to.deep.equal({
      name: { nameType: NAME_TYPE.PRINCIPAL, components: ['alice'] },
      realm: 'EXAMPLE.TEST',
    });
    expect(() => KerberosName.parse('alice').toPrincipal()).to.throw(KerberosError);
  });
});

describe('substituteHost (SecurityUtil.getServerPrincipal)', () => {
  const cases: [string, string | undefined, string][] = [
    ['hdfs/_HOST@EXAMPLE.COM', 'FooHost.Example.Com', 'hdfs/foohost.example.com@EXAMPLE.COM'],
    ['nn/_HOST@EXAMPLE.TEST', 'nn1.example.test', 'nn/nn1.example.test@EXAMPLE.TEST'],
    ['hdfs/foohost@EXAMPLE.COM', 'bar', 'hdfs/foohost@EXAMPLE.COM'], // no _HOST: unchanged
    ['hdfs/_HOST', 'bar', 'hdfs/_HOST'], // not 3 parts: unchanged
    ['hdfs@EXAMPLE.COM', 'bar', 'hdfs@EXAMPLE.COM'],
    ['hdfs/_HOST@', 'bar', 'hdfs/_HOST@'], // Java's split drops the trailing empty part
    ['hdfs/_host@EXAMPLE.COM', 'bar', 'hdfs/_host@EXAMPLE.COM'], // the pattern is case-sensitive
  ];
  for (const [pattern, host, want] of cases) {
    it(`${pattern} with ${host} -> ${want}`, () => expect(substituteHost(pattern, host)).to.equal(want));
  }

  it('an empty host or 0.0.0.0 means the local host name, lower-cased', () => {
    expect(substituteHost('nn/_HOST@R', '0.0.0.0', 'Local.Example')).to.equal('nn/local.example@R');
    expect(substituteHost('nn/_HOST@R', '', 'Local.Example')).to.equal('nn/local.example@R');
    expect(substituteHost('nn/_HOST@R')).to.equal(`nn/${hostname().toLowerCase()}@R`);
  });

  it('canonicalHostName resolves this machine (forward then reverse lookup) and never throws', async () => {
    const name = await canonicalHostName();
    expect(name).to.be.a('string').and.not.equal('');
    expect(await canonicalHostName('no-such-host.invalid')).to.equal('no-such-host.invalid');
  });
});
