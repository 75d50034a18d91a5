// The GSSAPI SASL server takes the acceptor's clock skew and permitted enctypes from a krb5.conf
// given as `krb5Config` (audit G6), unless the AcceptorCredential was given them explicitly.
import { expect } from 'chai';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { parseKrb5Conf } from '../../../../security/kerberos/config/index.ts';
import { randomKey } from '../../../../security/kerberos/crypto/index.ts';
import { AcceptorCredential, type ServiceKey } from '../../../../security/kerberos/gss/acceptor-credential.ts';
import { GssapiClient, GssapiServer, ServerState } from '../../../../security/sasl/mechanisms/gssapi/index.ts';
import { issueTicket, nn } from '../../kerberos/gss/ticket-fixture.ts';

const service: ServiceKey = { principal: nn, kvno: 2, key: randomKey(18) };
const conf = (line: string) => parseKrb5Conf(`[libdefaults]\n default_realm = EXAMPLE.TEST\n ${line}\n`);

/** The server's answer to an AP-REQ from a client whose clock is `aheadMs` ahead; the error if refused. */
async function firstStep(server: GssapiServer, serverClock: ManualClock, aheadMs: number, sessionEtype = 18): Promise<{ code?: string; details?: Record<string, unknown> }> {
  const clientClock = new ManualClock(serverClock.now() + aheadMs);
  const client = new GssapiClient({ protocol: 'nn', serverName: 'localhost', credential: issueTicket(service, clientClock, { sessionEtype }), clock: clientClock });
  try {
    await server.step((await client.step(undefined))!);
    return {};
  } catch (e) {
    return e as { code: string; details: Record<string, unknown> };
  }
}

describe('SASL GSSAPI server: krb5.conf clockskew and permitted_enctypes', () => {
  it('krb5Config clockskew applies to a credential built without an explicit skew', async () => {
    const clock = new ManualClock();
    const credential = new AcceptorCredential([service], { clock });
    expect((await firstStep(new GssapiServer({ credential, protocol: 'nn' }), clock, 60_000)).code).to.equal(undefined);
    const strict = new GssapiServer({ credential, protocol: 'nn', krb5Config: conf('clockskew = 10s') });
    const refused = await firstStep(strict, clock, 60_000);
    expect(refused.code).to.equal('KRB_CLOCK_SKEW');
    expect(refused.details?.maxSkewSeconds).to.equal(10);
    expect(strict.state).to.equal(ServerState.Failed);
  });

  it('an explicit skewSeconds on the credential wins over krb5Config', async () => {
    const clock = new ManualClock();
    const credential = new AcceptorCredential([service], { clock, skewSeconds: 120 });
    expect((await firstStep(new GssapiServer({ credential, protocol: 'nn', krb5Config: conf('clockskew = 10') }), clock, 60_000)).code).to.equal(undefined);
  });

  it('krb5Config permitted_enctypes refuses a session key outside the list', async () => {
    const clock = new ManualClock();
    const credential = new AcceptorCredential([service], { clock });
    const server = new GssapiServer({ credential, protocol: 'nn', krb5Config: conf('permitted_enctypes = aes256-cts-hmac-sha1-96') });
    const refused = await firstStep(server, clock, 0, 17);
    expect(refused.code).to.equal('KRB_ENCTYPE_UNSUPPORTED');
    expect(refused.details?.etype).to.equal(17);
    expect((await firstStep(new GssapiServer({ credential, protocol: 'nn', krb5Config: conf('permitted_enctypes = aes256-cts-hmac-sha1-96') }), clock, 0, 18)).code).to.equal(undefined);
  });
});
