import { expect } from 'chai';
import { getProfile, randomKey, supportedEtypes } from '../../../../security/kerberos/crypto/index.ts';
import { alice, issueTicket, nn, REALM } from './ticket-fixture.ts';
import { AcceptorCredential, type ServiceKey } from '../../../../security/kerberos/gss/acceptor-credential.ts';
import { AcceptorContext, AcceptorState } from '../../../../security/kerberos/gss/acceptor.ts';
import { InitiatorContext, InitiatorState } from '../../../../security/kerberos/gss/initiator.ts';
import { decodeInitialToken, TOK_ID } from '../../../../security/kerberos/gss/framing.ts';
import { GSS_FLAGS } from '../../../../security/kerberos/gss/authenticator-checksum.ts';
import { ManualClock } from '../../../../lib/time/clock.ts';

function issue(serviceKey: ServiceKey, clock: ManualClock, sessionEtype = serviceKey.key.etype, lifeMs = 3_600_000) {
  return issueTicket(serviceKey, clock, { sessionEtype, lifeMs });
}

function setup(etype: number, opts: { kvno?: number } = {}) {
  const clock = new ManualClock();
  const service: ServiceKey = { principal: nn, kvno: opts.kvno ?? 3, key: randomKey(etype) };
  const cred = new AcceptorCredential([service], { clock });
  return { clock, service, cred };
}

describe('GSS Kerberos initiator <-> acceptor (in-process KDC stand-in)', () => {
  for (const etype of supportedEtypes) {
    it(`establishes a mutual context and exchanges tokens, ${getProfile(etype).name}`, () => {
      const { clock, service, cred } = setup(etype);
      const ini = new InitiatorContext({ credential: issue(service, clock), clock });
      const acc = new AcceptorContext({ credential: cred });
      const apReq = ini.step()!;
      expect(decodeInitialToken(apReq).tokenId).to.equal(TOK_ID.AP_REQ);
      expect(ini.state).to.equal(InitiatorState.AwaitingApRep);
      const apRep = acc.step(apReq)!;
      expect(decodeInitialToken(apRep).tokenId).to.equal(TOK_ID.AP_REP);
      expect(acc.state).to.equal(AcceptorState.Established);
      expect(ini.step(apRep)).to.equal(undefined);
      expect(ini.isEstablished).to.equal(true);
      expect(acc.context.initiatorName).to.deep.equal(alice);
      expect(acc.context.flags & GSS_FLAGS.SEQUENCE).to.equal(GSS_FLAGS.SEQUENCE);
      for (const size of [0, 1, 1000, 65536]) {
        const msg = Buffer.alloc(size, size & 0xff);
        expect(acc.context.unwrap(ini.context.wrap(msg, true)).data.equals(msg)).to.equal(true);
        expect(ini.context.unwrap(acc.context.wrap(msg, false)).data.equals(msg)).to.equal(true);
      }
    });
  }

  it('without mutual auth the acceptor returns no token and both sides share the initiator sequence', () => {
    const { clock, service, cred } = setup(18);
    const ini = new InitiatorContext({ credential: issue(service, clock), clock, flags: GSS_FLAGS.INTEG | GSS_FLAGS.CONF | GSS_FLAGS.SEQUENCE });
    const acc = new AcceptorContext({ credential: cred });
    expect(acc.step(ini.step()!)).to.equal(undefined);
    expect(ini.isEstablished && acc.isEstablished).to.equal(true);
    expect(ini.context.unwrap(acc.context.wrap(Buffer.from('hi'), true)).data.toString()).to.equal('hi');
  });

  it('a replayed AP-REQ is KRB_REPLAY, and the acceptor offers a KRB-ERROR token', () => {
    const { clock, service, cred } = setup(17);
    const apReq = new InitiatorContext({ credential: issue(service, clock), clock }).step()!;
    new AcceptorContext({ credential: cred }).step(apReq);
    const again = new AcceptorContext({ credential: cred });
    expect(() => again.step(apReq)).to.throw().with.property('code', 'KRB_REPLAY');
    expect(again.state).to.equal(AcceptorState.Failed);
    const err = again.errorToken()!;
    expect(decodeInitialToken(err).tokenId).to.equal(TOK_ID.KRB_ERROR);
    // and the initiator turns such a token into the same typed error
    const ini = new InitiatorContext({ credential: issue(service, clock), clock });
    ini.step();
    expect(() => ini.step(err)).to.throw().with.property('code', 'KRB_REPLAY');
  });

  it('a stale keytab (kvno mismatch) names the principal and both kvnos', () => {
    const { clock, service } = setup(18, { kvno: 3 });
    const credential = issue({ ...service, kvno: 4 }, clock);
    const acc = new AcceptorContext({ credential: new AcceptorCredential([service], { clock }) });
    try {
      acc.step(new InitiatorContext({ credential, clock }).step()!);
      expect.fail('accepted a ticket for another kvno');
    } catch (e) {
      const err = e as { code: string; message: string; details: Record<string, unknown> };
      expect(err.code).to.equal('KRB_KEYTAB');
      expect(err.message).to.match(/stale/).and.match(/nn\/localhost@EXAMPLE.TEST/).and.match(/version 4/).and.match(/kvno 3/);
      expect(err.details.ticketKvno).to.equal(4);
    }
  });

  it('a changed key under the same kvno is KRB_INTEGRITY', () => {
    const { clock, service } = setup(19);
    const credential = issue({ ...service, key: randomKey(19) }, clock);
    const acc = new AcceptorContext({ credential: new AcceptorCredential([service], { clock }) });
    expect(() => acc.step(new InitiatorContext({ credential, clock }).step()!)).to.throw().with.property('code', 'KRB_INTEGRITY');
  });

  it('clock skew beyond the limit is KRB_CLOCK_SKEW with the measured skew', () => {
    const { clock, service } = setup(20);
    const accClock = new ManualClock(clock.now() + 400_000);
    const cred = new AcceptorCredential([service], { clock: accClock, skewSeconds: 300 });
    const apReq = new InitiatorContext({ credential: issue(service, clock), clock }).step()!;
    try {
      new AcceptorContext({ credential: cred }).step(apReq);
      expect.fail('accepted a skewed authenticator');
    } catch (e) {
      const err = e as { code: string; details: Record<string, unknown>; message: string };
      expect(err.code).to.equal('KRB_CLOCK_SKEW');
      expect(err.details.skewSeconds).to.equal(400);
      expect(err.message).to.match(/400 s behind/);
    }
    // within a larger configured skew the same request passes
    const lenient = new AcceptorCredential([service], { clock: accClock, skewSeconds: 500 });
    expect(new AcceptorContext({ credential: lenient }).step(apReq)).to.be.instanceOf(Buffer);
  });

  it('an expired ticket is KRB_EXPIRED at the acceptor (and the initiator refuses to use one)', () => {
    const { clock, service } = setup(18);
    const credential = issue(service, clock, 18, 60_000);
    clock.advance(60_000 + 301_000);
    expect(() => new InitiatorContext({ credential, clock }).step()).to.throw().with.property('code', 'KRB_EXPIRED');
    // an initiator that believes the ticket is still good (its cached endtime is wrong)
    const apReq = new InitiatorContext({ credential: { ...credential, endTime: clock.now() + 3_600_000 }, clock }).step()!;
    const acc = new AcceptorContext({ credential: new AcceptorCredential([service], { clock }) });
    expect(() => acc.step(apReq)).to.throw(/expired/).with.property('code', 'KRB_EXPIRED');
  });

  it('a ticket for a principal the credential does not hold is KRB_KEYTAB naming both', () => {
    const { clock, service, cred } = setup(18);
    const other: ServiceKey = { principal: { name: { nameType: 3, components: ['dn', 'localhost'] }, realm: REALM }, kvno: 1, key: randomKey(18) };
    const acc = new AcceptorContext({ credential: cred });
    void service;
    expect(() => acc.step(new InitiatorContext({ credential: issue(other, clock), clock }).step()!))
      .to.throw(/dn\/localhost@EXAMPLE.TEST.*nn\/localhost@EXAMPLE.TEST/)
      .with.property('code', 'KRB_KEYTAB');
  });

  it('a tampered AP-REP fails mutual authentication, and steps out of order are GSS_CONTEXT', () => {
    const { clock, service, cred } = setup(17);
    const ini = new InitiatorContext({ credential: issue(service, clock), clock });
    const apRep = Buffer.from(new AcceptorContext({ credential: cred }).step(ini.step()!)!);
    apRep[apRep.length - 3]! ^= 1;
    expect(() => ini.step(apRep)).to.throw().with.property('code', 'KRB_INTEGRITY');
    expect(ini.state).to.equal(InitiatorState.Failed);
    expect(() => ini.step(apRep)).to.throw().with.property('code', 'GSS_CONTEXT');
    expect(() => ini.context).to.throw().with.property('code', 'GSS_CONTEXT');
  });
});
