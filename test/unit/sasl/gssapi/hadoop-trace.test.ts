/**
 * Our SASL GSSAPI tokens against the bytes a stock Hadoop 3.4.1 client and NameNode exchanged
 * (test/unit/kerberos/gss/vectors/hadoop-ipc-gssapi.json, with its source): framing of the
 * context tokens, the Wrap-token headers of the layer negotiation and of privacy traffic, and the
 * client's layer choice, with our server set up as the JDK acceptor is (no acceptor subkey).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { randomKey } from '../../../../security/kerberos/crypto/index.ts';
import { AcceptorCredential, type ServiceKey } from '../../../../security/kerberos/gss/acceptor-credential.ts';
import { GssapiClient, GssapiServer } from '../../../../security/sasl/mechanisms/gssapi/index.ts';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { issueTicket, nn } from '../../kerberos/gss/ticket-fixture.ts';

const V = JSON.parse(readFileSync(new URL('../../kerberos/gss/vectors/hadoop-ipc-gssapi.json', import.meta.url), 'utf8')) as Record<string, { len: number; prefix?: string }>;

/** Hex with the 4 low sequence-number bytes (header bytes 12..15) blanked: they are random per context. */
function masked(hex: string): string {
  return hex.slice(0, 24) + '........' + hex.slice(32);
}

describe('SASL GSSAPI against a stock Hadoop 3.4.1 trace (privacy)', () => {
  it('produces the same framing, headers, lengths and layer choice as the JDK on both sides', async () => {
    const clock = new ManualClock();
    const service: ServiceKey = { principal: nn, kvno: 2, key: randomKey(18) };
    const credential = new AcceptorCredential([service], { clock });
    const client = new GssapiClient({ protocol: 'nn', serverName: 'localhost', credential: issueTicket(service, clock), qop: ['auth-conf'], clock });
    const server = new GssapiServer({ credential, protocol: 'nn', qop: ['auth-conf'], acceptorSubkey: false });

    const apReq = Buffer.from((await client.step(undefined))!);
    // 60 82 LLLL 06 09 <krb5 OID> 01 00 6e: only the length differs (ticket sizes differ)
    expect(apReq.subarray(0, 2).toString('hex') + '....' + apReq.subarray(4, 18).toString('hex')).to.equal(
      V.client_ap_req!.prefix!.slice(0, 4) + '....' + V.client_ap_req!.prefix!.slice(8),
    );
    const apRep = Buffer.from((await server.step(apReq))!);
    expect(apRep.subarray(2, 16).toString('hex')).to.equal(V.server_ap_rep!.prefix!.slice(4));
    const empty = (await client.step(apRep))!;
    expect(empty.length).to.equal(V.client_empty_response!.len);
    const offer = Buffer.from((await server.step(empty))!);
    expect(offer.length).to.equal(V.server_layer_offer!.len);
    expect(masked(offer.subarray(0, 16).toString('hex'))).to.equal(masked(V.server_layer_offer!.prefix!));
    const choice = Buffer.from((await client.step(offer))!);
    expect(choice.length).to.equal(V.client_layer_choice!.len);
    expect(masked(choice.subarray(0, 20).toString('hex'))).to.equal(masked(V.client_layer_choice!.prefix!));
    expect(await server.step(choice)).to.equal(undefined);

    const c = client.securityLayer();
    const s = server.securityLayer();
    const fromClient = Buffer.from(c.wrap(Buffer.alloc(V.client_wrap!.len - 16 - 16 - 16 - 12)));
    expect(fromClient.length).to.equal(V.client_wrap!.len);
    expect(masked(fromClient.subarray(0, 16).toString('hex'))).to.equal(masked(V.client_wrap!.prefix!.slice(0, 32)));
    const fromServer = Buffer.from(s.wrap(Buffer.alloc(V.server_wrap!.len - 60)));
    expect(masked(fromServer.subarray(0, 16).toString('hex'))).to.equal(masked(V.server_wrap!.prefix!.slice(0, 32)));
    // and the sequence numbers continue from the layer negotiation, as in the trace (…2b then …2c)
    expect(fromClient.readUInt32BE(12)).to.equal(choice.readUInt32BE(12) + 1);
    expect(fromServer.readUInt32BE(12)).to.equal(offer.readUInt32BE(12) + 1);
  });
});
