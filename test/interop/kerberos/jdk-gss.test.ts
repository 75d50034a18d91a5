/**
 * Raw GSS-API Kerberos interop with the JDK's JGSS (test/interop/java/GssPeer.java) over a real
 * MIT KDC: hsec initiator -> JDK acceptor and JDK initiator -> hsec acceptor for each AES enctype
 * the KDC issues (the service principal's keys restricted with kadmin -e), exchanging Wrap tokens
 * with and without confidentiality and MIC tokens both ways; then the acceptor's refusals on real
 * tickets: replayed AP-REQ, stale keytab, clock skew.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AcceptorCredential } from '../../../security/kerberos/gss/acceptor-credential.ts';
import { AcceptorContext } from '../../../security/kerberos/gss/acceptor.ts';
import { InitiatorContext } from '../../../security/kerberos/gss/initiator.ts';
import type { GssSecurityContext } from '../../../security/kerberos/gss/security-context.ts';
import { decodeTicket } from '../../../security/kerberos/messages/ticket.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { compileJavaPeers, JavaPeer } from '../../support/java.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { addServiceWithEnctype, ENCTYPES, mitServiceTicket, tempDir } from './support.ts';

function micRequest(msg: Buffer, token: Uint8Array): Buffer {
  const n = Buffer.alloc(4);
  n.writeUInt32BE(msg.length);
  return Buffer.concat([n, msg, token]);
}

/** Wrap (conf and integ) and MIC tokens both ways between our context and the JDK peer. */
async function exchange(ctx: GssSecurityContext, peer: JavaPeer): Promise<void> {
  for (const size of [0, 1, 1500, 64 * 1024]) {
    const msg = randomBytes(size);
    for (const conf of [true, false]) {
      peer.send('U', ctx.wrap(msg, conf));
      const back = await peer.expect('P');
      expect(back[0], 'privacy flag seen by the JDK').to.equal(conf ? 1 : 0);
      expect(back.subarray(1).equals(msg)).to.equal(true);
      peer.send(conf ? 'C' : 'I', msg);
      const r = ctx.unwrap(await peer.expect('W'));
      expect(r.conf).to.equal(conf);
      expect(r.data.equals(msg)).to.equal(true);
    }
    peer.send('V', micRequest(msg, ctx.getMic(msg)));
    await peer.expect('O');
    peer.send('M', msg);
    ctx.verifyMic(msg, await peer.expect('M'));
  }
}

describe('interop: GSS-API Kerberos with the JDK over the MIT KDC', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let classDir: string;
  let aliceKeytab: string;
  const peers: JavaPeer[] = [];

  before(async function () {
    requireBinariesOrSkip(this, 'java', 'javac', 'kinit', 'kvno');
    classDir = compileJavaPeers();
    dir = tempDir('jdk-gss');
    aliceKeytab = join(dir, 'alice.keytab');
    await realm.kdc.createKeytab(aliceKeytab, 'alice');
    for (const e of ENCTYPES) await addServiceWithEnctype(realm.kdc, `e${e.etype}/localhost`, e.name, join(dir, `e${e.etype}.keytab`));
  });

  afterEach(async () => {
    for (const p of peers.splice(0)) await p.stop();
  });

  function peer(args: string[]): JavaPeer {
    const p = new JavaPeer({ mainClass: 'GssPeer', args, classDir, jvmOptions: realm.kdc.javaOptions() });
    peers.push(p);
    return p;
  }

  for (const e of ENCTYPES) {
    it(`hsec initiator -> JDK acceptor, ${e.name}`, async () => {
      const kdc = realm.kdc;
      const service = `e${e.etype}/localhost`;
      const acceptor = peer(['--role', 'acceptor', '--principal', kdc.principal(service), '--keytab', join(dir, `e${e.etype}.keytab`)]);
      const credential = await mitServiceTicket(kdc, aliceKeytab, 'alice', service, dir);
      expect(decodeTicket(credential.ticket).encPart.etype).to.equal(e.etype);
      const ini = new InitiatorContext({ credential });
      acceptor.send('T', ini.step()!);
      ini.step(await acceptor.expect('T'));
      expect(ini.isEstablished).to.equal(true);
      expect(ini.context.etype, 'per-message key etype').to.equal(e.etype);
      const names = (await acceptor.expect('O')).toString().split('\n');
      expect(names[0]).to.equal(kdc.principal('alice'));
      await exchange(ini.context, acceptor);
    });

    it(`JDK initiator -> hsec acceptor, ${e.name}`, async () => {
      const kdc = realm.kdc;
      const initiator = peer(['--role', 'initiator', '--principal', kdc.principal('alice'), '--keytab', aliceKeytab, '--service', `e${e.etype}@localhost`]);
      const acc = new AcceptorContext({ credential: AcceptorCredential.fromKeytab(join(dir, `e${e.etype}.keytab`)) });
      const apRep = acc.step(await initiator.expect('T'));
      initiator.send('T', apRep!);
      await initiator.expect('O');
      expect(acc.context.initiatorName.name.components).to.deep.equal(['alice']);
      expect(acc.context.etype).to.equal(e.etype);
      await exchange(acc.context, initiator);
    });
  }

  it('a replayed JDK AP-REQ is KRB_REPLAY; the same AP-REQ to another credential is accepted', async () => {
    const kdc = realm.kdc;
    const initiator = peer(['--role', 'initiator', '--principal', kdc.principal('alice'), '--keytab', aliceKeytab, '--service', 'e18@localhost']);
    const apReq = await initiator.expect('T');
    const cred = AcceptorCredential.fromKeytab(join(dir, 'e18.keytab'));
    new AcceptorContext({ credential: cred }).step(apReq);
    const replay = new AcceptorContext({ credential: cred });
    expect(() => replay.step(apReq)).to.throw(/Replayed/).with.property('code', 'KRB_REPLAY');
    // a separate credential object has its own replay cache (one per service in a process)
    expect(new AcceptorContext({ credential: AcceptorCredential.fromKeytab(join(dir, 'e18.keytab')) }).step(apReq)).to.be.instanceOf(Buffer);
  });

  it('a stale keytab (key changed at the KDC) is KRB_KEYTAB naming the principal and both kvnos', async () => {
    const kdc = realm.kdc;
    const keytab = join(dir, 'stale.keytab');
    await kdc.createKeytab(keytab, 'stale/localhost');
    const stale = AcceptorCredential.fromKeytab(keytab);
    await kdc.randomizeKey('stale/localhost');
    const credential = await mitServiceTicket(kdc, aliceKeytab, 'alice', 'stale/localhost', dir);
    const newKvno = decodeTicket(credential.ticket).encPart.kvno!;
    try {
      new AcceptorContext({ credential: stale }).step(new InitiatorContext({ credential }).step()!);
      expect.fail('accepted a ticket for a newer kvno');
    } catch (err) {
      const e = err as { code: string; message: string; details: Record<string, unknown> };
      expect(e.code).to.equal('KRB_KEYTAB');
      expect(e.message).to.contain('stale').and.contain(kdc.principal('stale/localhost')).and.contain(`version ${newKvno}`).and.contain(`kvno ${newKvno - 1}`);
      expect(e.details.ticketKvno).to.equal(newKvno);
    }
  });

  it('clock skew beyond 300 s is KRB_CLOCK_SKEW with the measured skew', async () => {
    const kdc = realm.kdc;
    const credential = await mitServiceTicket(kdc, aliceKeytab, 'alice', 'e17/localhost', dir);
    const skewed = AcceptorCredential.fromKeytab(join(dir, 'e17.keytab'), { clock: { now: () => Date.now() + 600_000 } });
    try {
      new AcceptorContext({ credential: skewed }).step(new InitiatorContext({ credential }).step()!);
      expect.fail('accepted a skewed authenticator');
    } catch (err) {
      const e = err as { code: string; details: Record<string, number> };
      expect(e.code).to.equal('KRB_CLOCK_SKEW');
      expect(e.details.skewSeconds).to.be.within(599, 601);
    }
  });
});
