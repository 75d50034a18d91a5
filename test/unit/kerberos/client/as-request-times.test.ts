// Each AS-REQ of one exchange carries its own till, rtime and nonce, as MIT's
// init_creds_step_request resets them (set_request_times, pick_nonce) before every request: when
// pre-authentication needs a second round trip that starts a second later, `kinit -l 1h30m` still
// asks the KDC for 1h30m from that request. The scripted KDC records the requests; the MIT parity
// of the resulting lifetimes is in test/integration/kerberos/cli-parity.test.ts.
import { expect } from 'chai';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { requestInitialTicket } from '../../../../security/kerberos/client/as-exchange.ts';
import { parseKrb5Conf } from '../../../../security/kerberos/config/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { decodeKdcReq, encodeEtypeInfo2, encodeKrbError, encodeMethodData, KRB_ERROR_CODE, PA_TYPE, type KdcReq } from '../../../../security/kerberos/messages/index.ts';

const alice = parsePrincipal('alice@EX.TEST');
const tgs = parsePrincipal('krbtgt/EX.TEST@EX.TEST');
const conf = parseKrb5Conf('[libdefaults]\n default_realm = EX.TEST\n');

describe('kerberos/client: the times and nonce of each AS-REQ', () => {
  it('the request after PREAUTH_REQUIRED asks for the lifetimes from its own send time, with a new nonce', async () => {
    const clock = new ManualClock(1_700_000_000_400);
    const sent: KdcReq[] = [];
    const transport = {
      send: async (_realm: string, der: Uint8Array) => {
        sent.push(decodeKdcReq(der));
        const reply = encodeKrbError({
          stime: Math.floor(clock.now() / 1000) * 1000, susec: 0, realm: tgs.realm, sname: tgs.name,
          errorCode: sent.length === 1 ? KRB_ERROR_CODE.KDC_ERR_PREAUTH_REQUIRED : KRB_ERROR_CODE.KDC_ERR_C_PRINCIPAL_UNKNOWN,
          eData: encodeMethodData([
            { type: PA_TYPE.ENC_TIMESTAMP, value: Buffer.alloc(0) },
            { type: PA_TYPE.ETYPE_INFO2, value: encodeEtypeInfo2([{ etype: 18, salt: 'EX.TESTalice' }]) },
          ]),
        });
        clock.advance(1_000); // the first reply arrives a second later
        return { reply, kdc: 'scripted:88/udp' };
      },
    };
    await requestInitialTicket({ client: alice, secret: { password: 'pw' }, conf, transport, clock, lifetimeMs: 5_400_000, renewLifetimeMs: 18_000_000 }).catch(() => undefined);
    expect(sent).to.have.length(2);
    const [first, second] = sent.map((r) => r.reqBody);
    expect(first!.till).to.equal(1_700_000_000_000 + 5_400_000);
    expect(second!.till, 'till from the second request').to.equal(1_700_000_001_000 + 5_400_000);
    expect(second!.rtime).to.equal(1_700_000_001_000 + 18_000_000);
    expect(second!.nonce).to.not.equal(first!.nonce);
  });
});
