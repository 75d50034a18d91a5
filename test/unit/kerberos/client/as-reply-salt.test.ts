// An AS-REP that does not decrypt with the password's key, as a Heimdal KDC sends one for a
// principal without required pre-authentication whose AES-SHA2 key has Heimdal's random salt:
// no padata, so no ETYPE-INFO2 salt (RFC 4120 section 5.2.7.5 makes it optional in the AS-REP).
// The error must say to require pre-authentication; when the KDC did send ETYPE-INFO2, that hint
// is wrong and is left out. The scripted KDC plays the reply; the real Heimdal KDC case is in
// test/interop/kerberos/heimdal-kdc.test.ts.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { requestInitialTicket } from '../../../../security/kerberos/client/as-exchange.ts';
import { parseKrb5Conf } from '../../../../security/kerberos/config/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { encodeEtypeInfo2, encodeKdcRep, MSG_TYPE, PA_TYPE, type KdcRep } from '../../../../security/kerberos/messages/index.ts';

const alice = parsePrincipal('alice@EX.TEST');
const tgs = parsePrincipal('krbtgt/EX.TEST@EX.TEST');
const conf = parseKrb5Conf('[libdefaults]\n default_realm = EX.TEST\n');

function asRep(withSalt: boolean): KdcRep {
  return {
    msgType: MSG_TYPE.AS_REP,
    ...(withSalt ? { padata: [{ type: PA_TYPE.ETYPE_INFO2, value: encodeEtypeInfo2([{ etype: 20, salt: 'q1w2e3EX.TESTalice' }]) }] } : {}),
    crealm: alice.realm,
    cname: alice.name,
    ticket: { realm: tgs.realm, sname: tgs.name, encPart: { etype: 20, kvno: 1, cipher: randomBytes(96) } },
    encPart: { etype: 20, kvno: 1, cipher: randomBytes(96) },
  };
}

async function failure(withSalt: boolean): Promise<KerberosError> {
  const transport = { send: async () => ({ reply: encodeKdcRep(asRep(withSalt)), kdc: 'scripted:88/udp' }) };
  const err = await requestInitialTicket({ client: alice, secret: { password: 'pw' }, conf, transport, clock: new ManualClock() }).catch((e: unknown) => e);
  expect(err).to.be.instanceOf(KerberosError);
  return err as KerberosError;
}

describe('kerberos/client: an AS reply the password key cannot decrypt', () => {
  it('without a salt from the KDC says to require pre-authentication for the principal', async () => {
    const err = await failure(false);
    expect(err.code).to.equal('KRB_PREAUTH_FAILED');
    expect(err.details.saltFromKdc).to.equal(false);
    expect(err.message).to.contain('did not decrypt with our key').and.contain('Wrong password for alice@EX.TEST');
    expect(err.message).to.contain('require pre-authentication for alice@EX.TEST').and.contain('requires-pre-auth').and.contain('+requires_preauth');
  });

  it('with ETYPE-INFO2 in the AS-REP blames the password only', async () => {
    const err = await failure(true);
    expect(err.code).to.equal('KRB_PREAUTH_FAILED');
    expect(err.details).to.not.have.property('saltFromKdc');
    expect(err.message).to.contain('Wrong password for alice@EX.TEST').and.not.contain('pre-authentication');
  });
});
