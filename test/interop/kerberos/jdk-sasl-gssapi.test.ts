/**
 * SASL GSSAPI interop with the JDK (GssKrb5Client / GssKrb5Server inside Subject.doAs after a
 * JAAS Krb5LoginModule keytab login) over a real MIT KDC, for auth, auth-int and auth-conf in both
 * directions and each AES enctype (service keys and session keys restricted per principal),
 * exchanging wrapped buffers of several sizes.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AcceptorCredential } from '../../../security/kerberos/gss/acceptor-credential.ts';
import { GssapiClient, GssapiServer } from '../../../security/sasl/mechanisms/gssapi/index.ts';
import type { Qop, SaslSecurityLayer } from '../../../security/sasl/mechanism.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { loginFromKeytab } from '../../../security/kerberos/login/index.ts';
import type { ServiceTicketSource } from '../../../security/sasl/mechanisms/gssapi/index.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { compileJavaPeers, JavaPeer } from '../../support/java.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { addServiceWithEnctype, ENCTYPES, mitServiceTicket, saslClientVsPeer, saslServerVsPeer, tempDir } from './support.ts';

const QOPS: Qop[] = ['auth', 'auth-int', 'auth-conf'];

function info(text: Buffer): Record<string, string> {
  return Object.fromEntries(text.toString().trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
}

async function exchange(layer: SaslSecurityLayer, peer: JavaPeer, peerRaw: number): Promise<void> {
  for (const size of [1, 1000, 16 * 1024, Math.min(layer.rawSendSize, peerRaw)]) {
    const msg = randomBytes(size);
    // ours -> JDK unwrap -> plaintext
    peer.send('U', layer.wrap(msg));
    expect((await peer.expect('P')).equals(msg), `JDK unwrapped ${size} bytes`).to.equal(true);
    // JDK wrap -> ours
    peer.send('P', msg);
    expect(Buffer.from(layer.unwrap(await peer.expect('W'))).equals(msg), `we unwrapped ${size} bytes`).to.equal(true);
  }
}

describe('interop: SASL GSSAPI with the JDK over the MIT KDC', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let classDir: string;
  let nnKeytab: string;
  let aliceKeytab: string;
  const peers: JavaPeer[] = [];

  before(async function () {
    requireBinariesOrSkip(this, 'java', 'javac', 'kinit', 'kvno');
    classDir = compileJavaPeers();
    dir = tempDir('sasl-gssapi');
    nnKeytab = join(dir, 'nn.keytab');
    aliceKeytab = join(dir, 'alice.keytab');
    await realm.kdc.createKeytab(nnKeytab, 'nn/localhost');
    await realm.kdc.createKeytab(aliceKeytab, 'alice');
    for (const e of ENCTYPES) await addServiceWithEnctype(realm.kdc, `g${e.etype}/localhost`, e.name, join(dir, `g${e.etype}.keytab`));
  });

  afterEach(async () => {
    for (const p of peers.splice(0)) await p.stop();
  });

  function peer(args: string[]): JavaPeer {
    const p = new JavaPeer({ mainClass: 'GssSaslPeer', args, classDir, jvmOptions: realm.kdc.javaOptions() });
    peers.push(p);
    return p;
  }

  for (const e of ENCTYPES) {
    for (const qop of QOPS) {
      const protocol = `g${e.etype}`;
      it(`hsec client -> JDK GssKrb5Server, ${qop}, ${e.name}`, async () => {
        const kdc = realm.kdc;
        const server = peer(['--role', 'server', '--principal', kdc.principal(`${protocol}/localhost`), '--keytab', join(dir, `${protocol}.keytab`),
          '--protocol', protocol, '--server-name', 'localhost', '--qop', 'auth-conf,auth-int,auth']);
        const credential = await mitServiceTicket(kdc, aliceKeytab, 'alice', `${protocol}/localhost`, dir);
        expect(credential.sessionKey.etype).to.equal(e.etype);
        const client = new GssapiClient({ protocol, serverName: 'localhost', credential, qop: [qop] });
        await saslClientVsPeer(client, server);
        expect(client.isComplete).to.equal(true);
        server.send('I');
        const props = info(await server.expect('I'));
        expect(props.qop).to.equal(qop);
        expect(props.authzid).to.equal(kdc.principal('alice'));
        const layer = client.securityLayer();
        expect(layer.qop).to.equal(qop);
        if (qop !== 'auth') await exchange(layer, server, Number(props.rawsendsize));
      });

      it(`JDK GssKrb5Client -> hsec server, ${qop}, ${e.name}`, async () => {
        const kdc = realm.kdc;
        const client = peer(['--role', 'client', '--principal', kdc.principal('alice'), '--keytab', aliceKeytab,
          '--protocol', protocol, '--server-name', 'localhost', '--qop', qop]);
        const server = new GssapiServer({ credential: AcceptorCredential.fromKeytab(join(dir, `${protocol}.keytab`)), protocol, qop: ['auth-conf', 'auth-int', 'auth'] });
        await saslServerVsPeer(server, client);
        expect(server.authenticationId).to.equal(kdc.principal('alice'));
        expect(server.authorizationId).to.equal(kdc.principal('alice'));
        client.send('I');
        const props = info(await client.expect('I'));
        expect(props.qop).to.equal(qop);
        const layer = server.securityLayer();
        expect(layer.qop).to.equal(qop);
        if (qop !== 'auth') await exchange(layer, client, Number(props.rawsendsize));
      });
    }
  }

  it('JDK GssKrb5Client -> hsec server without an acceptor subkey (as a stock NameNode), auth-conf', async () => {
    const kdc = realm.kdc;
    const client = peer(['--role', 'client', '--principal', kdc.principal('alice'), '--keytab', aliceKeytab,
      '--protocol', 'nn', '--server-name', 'localhost', '--qop', 'auth-conf']);
    const server = new GssapiServer({ credential: AcceptorCredential.fromKeytab(nnKeytab), protocol: 'nn', qop: ['auth-conf'], acceptorSubkey: false });
    await saslServerVsPeer(server, client);
    client.send('I');
    const props = info(await client.expect('I'));
    expect(props.qop).to.equal('auth-conf');
    await exchange(server.securityLayer(), client, Number(props.rawsendsize));
  });

  it('no common QOP with the JDK server (it offers auth-int only) is SASL_NO_COMMON_QOP naming both lists', async () => {
    const kdc = realm.kdc;
    const server = peer(['--role', 'server', '--principal', kdc.principal('nn/localhost'), '--keytab', nnKeytab,
      '--protocol', 'nn', '--server-name', 'localhost', '--qop', 'auth-int']);
    const credential = await mitServiceTicket(kdc, aliceKeytab, 'alice', 'nn/localhost', dir);
    const client = new GssapiClient({ protocol: 'nn', serverName: 'localhost', credential, qop: ['auth-conf', 'auth'] });
    try {
      await saslClientVsPeer(client, server);
      expect.fail('negotiated without a common QOP');
    } catch (err) {
      const e = err as { code: string; message: string };
      expect(e.code).to.equal('SASL_NO_COMMON_QOP');
      expect(e.message).to.contain('[auth-conf,auth]').and.contain('[auth-int]');
    }
  });

  it('all-hsec client stack: KerberosLogin (our AS + TGS) as the ticket source, GSSAPI auth-conf to the JDK server', async () => {
    const kdc = realm.kdc;
    const server = peer(['--role', 'server', '--principal', kdc.principal('nn/localhost'), '--keytab', nnKeytab,
      '--protocol', 'nn', '--server-name', 'localhost', '--qop', 'auth-conf']);
    const login = await loginFromKeytab(kdc.principal('alice'), aliceKeytab, { conf: loadKrb5Config(kdc.krb5ConfPath), autoRefresh: false });
    try {
      const asked: string[] = [];
      const ticketSource: ServiceTicketSource = {
        getServiceTicket(servicePrincipal: string) {
          asked.push(servicePrincipal);
          return login.getServiceTicket(servicePrincipal);
        },
      };
      const client = new GssapiClient({ protocol: 'nn', serverName: 'localhost', realm: kdc.realm, ticketSource, qop: ['auth-conf'] });
      await saslClientVsPeer(client, server);
      expect(asked).to.deep.equal([kdc.principal('nn/localhost')]);
      server.send('I');
      const props = info(await server.expect('I'));
      expect(props.qop).to.equal('auth-conf');
      await exchange(client.securityLayer(), server, Number(props.rawsendsize));
    } finally {
      login.close();
    }
  });

  it('a tampered wrap token from the JDK is GSS_BAD_MIC; the JDK refuses our tampered token', async () => {
    const kdc = realm.kdc;
    const client = peer(['--role', 'client', '--principal', kdc.principal('alice'), '--keytab', aliceKeytab,
      '--protocol', 'nn', '--server-name', 'localhost', '--qop', 'auth-conf']);
    const server = new GssapiServer({ credential: AcceptorCredential.fromKeytab(nnKeytab), protocol: 'nn', qop: ['auth-conf'] });
    await saslServerVsPeer(server, client);
    client.send('P', Buffer.from('secret payload'));
    const token = Buffer.from(await client.expect('W'));
    token[token.length - 5]! ^= 0x10;
    expect(() => server.securityLayer().unwrap(token)).to.throw().with.property('code', 'GSS_BAD_MIC');
    const ours = Buffer.from(server.securityLayer().wrap(Buffer.from('x')));
    ours[20]! ^= 1;
    client.send('U', ours);
    const reply = await client.receive();
    expect(reply.type).to.equal('E');
  });
});
