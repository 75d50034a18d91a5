/**
 * Several acceptor identities in one process: two real MIT realms (two MiniKdcs), a service in
 * each with its own keytab. Each AcceptorCredential accepts only tickets for its own principals
 * (KRB_KEYTAB naming both otherwise); one credential built from both keytabs accepts both; and
 * restricting a keytab credential to one principal ignores the rest of the keytab.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { AcceptorCredential } from '../../../security/kerberos/gss/acceptor-credential.ts';
import { AcceptorContext } from '../../../security/kerberos/gss/acceptor.ts';
import { InitiatorContext } from '../../../security/kerberos/gss/initiator.ts';
import { principalToString, type Credential } from '../../../security/kerberos/types.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { mitServiceTicket, tempDir } from './support.ts';

function accept(cred: AcceptorCredential, ticket: Credential): string {
  const acc = new AcceptorContext({ credential: cred });
  const ini = new InitiatorContext({ credential: ticket });
  ini.step(acc.step(ini.step()!)!);
  return principalToString(acc.context.acceptorName);
}

describe('interop: acceptors for several principals, keytabs and realms in one process (MIT KDC)', function () {
  this.timeout(120_000);
  const a = useMiniKdc({ realm: 'EXAMPLE.TEST' });
  const b = useMiniKdc({ realm: 'OTHER.TEST' });
  let dir: string;
  let ticketA: Credential;
  let ticketB: Credential;
  let ticketA2: Credential;

  before(async function () {
    requireBinariesOrSkip(this, 'kinit', 'kvno');
    dir = tempDir('multi-realm');
    await a.kdc.createKeytab(join(dir, 'alice-a.keytab'), 'alice');
    await b.kdc.createKeytab(join(dir, 'bob-b.keytab'), 'bob');
    await a.kdc.createKeytab(join(dir, 'a.keytab'), 'nn/localhost', 'jt/localhost');
    await b.kdc.createKeytab(join(dir, 'b.keytab'), 'dn/localhost');
    ticketA = await mitServiceTicket(a.kdc, join(dir, 'alice-a.keytab'), 'alice', 'nn/localhost', dir);
    ticketA2 = await mitServiceTicket(a.kdc, join(dir, 'alice-a.keytab'), 'alice', 'jt/localhost', dir);
    ticketB = await mitServiceTicket(b.kdc, join(dir, 'bob-b.keytab'), 'bob', 'dn/localhost', dir);
  });

  it('each credential accepts its own realm and refuses the other with KRB_KEYTAB', () => {
    const credA = AcceptorCredential.fromKeytab(join(dir, 'a.keytab'));
    const credB = AcceptorCredential.fromKeytab(join(dir, 'b.keytab'));
    expect(accept(credA, ticketA)).to.equal('nn/localhost@EXAMPLE.TEST');
    expect(accept(credB, ticketB)).to.equal('dn/localhost@OTHER.TEST');
    expect(() => accept(credA, ticketB)).to.throw(/dn\/localhost@OTHER.TEST.*nn\/localhost@EXAMPLE.TEST/).with.property('code', 'KRB_KEYTAB');
  });

  it('one credential from both keytabs accepts both realms', () => {
    const both = AcceptorCredential.fromKeytab([join(dir, 'a.keytab'), join(dir, 'b.keytab')]);
    expect(both.principals).to.have.members(['nn/localhost@EXAMPLE.TEST', 'jt/localhost@EXAMPLE.TEST', 'dn/localhost@OTHER.TEST']);
    expect(accept(both, ticketA)).to.equal('nn/localhost@EXAMPLE.TEST');
    expect(accept(both, ticketB)).to.equal('dn/localhost@OTHER.TEST');
  });

  it('a credential restricted to one principal of a keytab refuses the others', () => {
    const nnOnly = AcceptorCredential.fromKeytab(join(dir, 'a.keytab'), { principals: ['nn/localhost@EXAMPLE.TEST'] });
    expect(accept(nnOnly, ticketA)).to.equal('nn/localhost@EXAMPLE.TEST');
    expect(() => accept(nnOnly, ticketA2)).to.throw().with.property('code', 'KRB_KEYTAB');
    expect(() => AcceptorCredential.fromKeytab(join(dir, 'a.keytab'), { principals: ['xx/localhost@EXAMPLE.TEST'] }))
      .to.throw(/no keys for xx\/localhost@EXAMPLE.TEST/).with.property('code', 'KRB_KEYTAB');
  });
});
