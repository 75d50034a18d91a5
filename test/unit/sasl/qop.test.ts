import { expect } from 'chai';
import { chooseQop, formatQopList, parseHadoopProtection, parseQopList, qopToHadoopProtection } from '../../../security/sasl/qop.ts';
import { HsecError } from '../../../lib/errors/index.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof HsecError ? err.code : 'not-hsec';
  }
  return undefined;
}

describe('sasl/qop', () => {
  it('parses JDK-style lists: separators, case, duplicates, order kept', () => {
    expect(parseQopList('auth-conf, AUTH-INT\tauth,auth')).to.deep.equal(['auth-conf', 'auth-int', 'auth']);
    expect(parseQopList('')).to.deep.equal([]);
    expect(parseQopList('auth,bogus', { ignoreUnknown: true })).to.deep.equal(['auth']);
    expect(codeOf(() => parseQopList('auth,bogus'))).to.equal('SASL_BAD_CHALLENGE');
    expect(formatQopList(['auth-conf', 'auth'])).to.equal('auth-conf,auth');
  });

  it("maps hadoop.rpc.protection values to QOPs in Hadoop's order and back", () => {
    expect(parseHadoopProtection('privacy, integrity ,AUTHENTICATION')).to.deep.equal(['auth-conf', 'auth-int', 'auth']);
    expect(parseHadoopProtection('authentication')).to.deep.equal(['auth']);
    expect(codeOf(() => parseHadoopProtection('privacy,secret'))).to.equal('CONFIG_INVALID');
    expect(qopToHadoopProtection('auth-int')).to.equal('integrity');
    expect(qopToHadoopProtection('auth-conf')).to.equal('privacy');
  });

  it("chooses the first of the client's own list that the server offers", () => {
    expect(chooseQop(['auth-conf', 'auth'], ['auth', 'auth-int', 'auth-conf'])).to.equal('auth-conf');
    expect(chooseQop(['auth', 'auth-conf'], ['auth-conf', 'auth'])).to.equal('auth');
    expect(chooseQop(['auth-int', 'auth'], ['auth'])).to.equal('auth');
  });

  it('names both lists when nothing is in common', () => {
    try {
      chooseQop(['auth-conf'], ['auth', 'auth-int']);
      expect.fail('no error');
    } catch (err) {
      const e = err as HsecError;
      expect(e.code).to.equal('SASL_NO_COMMON_QOP');
      expect(e.message).to.contain('[auth-conf]').and.to.contain('[auth,auth-int]');
      expect(e.details['clientQop']).to.deep.equal(['auth-conf']);
      expect(e.details['serverQop']).to.deep.equal(['auth', 'auth-int']);
    }
  });
});
