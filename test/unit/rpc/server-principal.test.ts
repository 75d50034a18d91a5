// The advertised server principal as the JDK's KerberosPrincipal(name, KRB_NT_SRV_HST) builds it
// (host lower-cased, realm from krb5.conf [domain_realm] else default_realm), and Hadoop's GlobPattern
// for `dfs.namenode.kerberos.principal.pattern` (SaslRpcClient.getServerPrincipal).
import { expect } from 'chai';
import { throwsCode } from '../../support/errors.ts';
import { parseKrb5Conf } from '../../../security/kerberos/config/index.ts';
import { advertisedServerPrincipal, checkServerPrincipal, mapHostToRealm, serverPrincipalGlob } from '../../../security/sasl/rpc/server-principal.ts';

const KRB5 = parseKrb5Conf(`
[libdefaults]
  default_realm = EXAMPLE.TEST
[domain_realm]
  .corp.example = CORP.EXAMPLE
  other.example = OTHER.EXAMPLE
  exact.host.test = EXACT.TEST
`);
const noCanon = async (h: string): Promise<string> => h;

describe('security/sasl/rpc: advertised server principal (JDK KRB_NT_SRV_HST)', () => {
  it('lower-cases the host and takes default_realm when no domain_realm entry maps it', async () => {
    expect(await advertisedServerPrincipal('nn', 'LocalHost', { krb5: KRB5, canonicalize: noCanon })).to.equal('nn/localhost@EXAMPLE.TEST');
  });
  it('maps the realm by [domain_realm]: exact host, `.domain` and bare `domain` suffixes (PrincipalName.mapHostToRealm)', async () => {
    expect(await advertisedServerPrincipal('nn', 'exact.host.test', { krb5: KRB5, canonicalize: noCanon })).to.equal('nn/exact.host.test@EXACT.TEST');
    expect(await advertisedServerPrincipal('nn', 'nn1.corp.example', { krb5: KRB5, canonicalize: noCanon })).to.equal('nn/nn1.corp.example@CORP.EXAMPLE');
    expect(mapHostToRealm(KRB5, 'a.b.other.example')).to.equal('OTHER.EXAMPLE');
    expect(mapHostToRealm(KRB5, 'nowhere.test')).to.equal(undefined);
  });
  it('uses the canonical name only when it extends the advertised one (bunny -> bunny.rabbit.hole), dropping a trailing dot', async () => {
    const canon = async (h: string): Promise<string> => (h === 'bunny' ? 'Bunny.Corp.Example.' : 'elsewhere.test');
    expect(await advertisedServerPrincipal('nn', 'bunny', { krb5: KRB5, canonicalize: canon })).to.equal('nn/bunny.corp.example@CORP.EXAMPLE');
    expect(await advertisedServerPrincipal('nn', 'carrot', { krb5: KRB5, canonicalize: canon })).to.equal('nn/carrot@EXAMPLE.TEST');
  });
  it('without krb5.conf falls back to the given realm (the client\'s)', async () => {
    expect(await advertisedServerPrincipal('nn', 'localhost', { fallbackRealm: 'CLIENT.TEST', canonicalize: noCanon })).to.equal('nn/localhost@CLIENT.TEST');
  });
  it('the real resolver: 127.0.0.1-style names are canonicalised through lib/net (localhost stays localhost)', async () => {
    expect(await advertisedServerPrincipal('nn', 'localhost', { krb5: KRB5 })).to.equal('nn/localhost@EXAMPLE.TEST');
  });
  it('a .pattern alone matches the realm-qualified advertised name (was compared without a realm)', async () => {
    const advertised = await advertisedServerPrincipal('nn', 'localhost', { krb5: KRB5, canonicalize: noCanon });
    expect(checkServerPrincipal(advertised, { serverPrincipalPattern: 'nn/*@EXAMPLE.TEST' }, 'ignored')).to.equal('nn/localhost@EXAMPLE.TEST');
    expect(() => checkServerPrincipal(advertised, { serverPrincipalPattern: 'nn/*@OTHER.TEST' }, 'ignored')).to.throw("Server has invalid Kerberos principal: nn/localhost@EXAMPLE.TEST, doesn't match the pattern: nn/*@OTHER.TEST");
  });
});

describe('security/sasl/rpc: GlobPattern', () => {
  const cases: Array<[string, string, boolean]> = [
    ['nn/*@EXAMPLE.TEST', 'nn/a.b@EXAMPLE.TEST', true],
    ['nn/*@EXAMPLE.TEST', 'nn/a.b@EXAMPLEXTEST', false], // `.` is literal
    ['nn/?@R', 'nn/a@R', true],
    ['nn/?@R', 'nn/ab@R', false],
    ['{nn,dn}/*', 'dn/h@R', true],
    ['{nn,dn}/*', 'jn/h@R', false],
    ['nn/[ab]*', 'nn/bx@R', true],
    ['nn/[!ab]*', 'nn/bx@R', false],
    ['nn/[!ab]*', 'nn/cx@R', true],
    ['nn/h\\*@R', 'nn/h*@R', true],
    ['nn/h\\*@R', 'nn/hx@R', false],
    ['a+b/(x)|y', 'a+b/(x)|y', true],
    ['^nn/*$', '^nn/x$', true],
  ];
  for (const [glob, name, want] of cases) {
    it(`${glob} ${want ? 'matches' : 'does not match'} ${name}`, () => expect(serverPrincipalGlob(glob).matches(name)).to.equal(want));
  }
  it('a malformed pattern is ACCESS_DENIED naming it, with re2j\'s reason', () => {
    const e = throwsCode(() => serverPrincipalGlob('nn/[a-@R'), 'ACCESS_DENIED');
    expect(e.message).to.equal('Invalid server principal pattern nn/[a-@R: error parsing regexp: Unclosed character class at pos 8: `nn/[a-@R`');
  });
});
