/**
 * GSS-API Kerberos (RFC 4121) and Hadoop IPC SASL GSSAPI over tickets a Heimdal 7.8 KDC issued
 * (test/support/heimdal-kdc.ts). The tickets come from Heimdal's own kinit + kgetcred (read from
 * their FILE ccache) and from hsec's TGS exchange with the Heimdal KDC; the acceptor uses the
 * keytab Heimdal's `kadmin -l ext_keytab` wrote, so the hsec acceptor decodes Heimdal's own
 * EncTicketPart encoding (its flags, transited and authorization-data choices). Then an hsec RpcServer (KERBEROS, auth-conf) and RpcClient over the
 * Heimdal realm. No Heimdal GSS peer runs here: Debian ships no Heimdal-linked GSS test client
 * that does not displace MIT's libraries, so the GSS peers on both sides are hsec's.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadKrb5Config, type Krb5Config } from '../../../security/kerberos/config/index.ts';
import { findTicket, readCcacheSync } from '../../../security/kerberos/ccache/index.ts';
import { getProfile, KEY_USAGE } from '../../../security/kerberos/crypto/index.ts';
import { AcceptorCredential } from '../../../security/kerberos/gss/acceptor-credential.ts';
import { AcceptorContext } from '../../../security/kerberos/gss/acceptor.ts';
import { InitiatorContext } from '../../../security/kerberos/gss/initiator.ts';
import { readKeytabSync } from '../../../security/kerberos/keytab/index.ts';
import { parsePrincipal } from '../../../security/kerberos/keytab/principal-text.ts';
import { loginFromKeytab, type KerberosLogin } from '../../../security/kerberos/login/index.ts';
import { decodeEncTicketPart, decodeTicket, TICKET_FLAGS } from '../../../security/kerberos/messages/index.ts';
import { DefaultSaslPropertiesResolver } from '../../../security/resolver/index.ts';
import { kerberosClient, kerberosServer, RpcClient, RpcServer } from '../../../security/sasl/rpc/index.ts';
import type { Credential } from '../../../security/kerberos/types.ts';
import { useHeimdalKdc } from '../../support/fixtures.ts';
import { HEIMDAL_BIN, runHeimdal } from '../../support/heimdal-kdc.ts';
import { ECHO, echoHandlers, json } from '../../integration/rpc/support.ts';
import { ENCTYPES, tempDir } from './support.ts';

describe('interop: GSS-API and IPC SASL GSSAPI over Heimdal-issued tickets', function () {
  this.timeout(120_000);
  const realm = useHeimdalKdc();
  let conf: Krb5Config;
  let dir: string;
  let aliceKeytab: string;

  before(async () => {
    conf = loadKrb5Config(realm.kdc.krb5ConfPath);
    dir = tempDir('heimdal-gss');
    await realm.kdc.addPrincipal('alice', { attributes: 'requires-pre-auth' });
    aliceKeytab = join(dir, 'alice.keytab');
    await realm.kdc.extractKeytab(aliceKeytab, 'alice');
    for (const e of ENCTYPES) {
      await realm.kdc.addPrincipal(`g${e.etype}/localhost`, { enctypes: [e.name] });
      await realm.kdc.extractKeytab(join(dir, `g${e.etype}.keytab`), `g${e.etype}/localhost`);
    }
  });

  /** A service ticket from Heimdal's kinit -k + kgetcred, read from their FILE ccache. */
  async function heimdalServiceTicket(service: string): Promise<Credential> {
    const kdc = realm.kdc;
    const cc = join(dir, `cc-${Math.random().toString(36).slice(2)}`);
    const env = kdc.env(`FILE:${cc}`);
    await runHeimdal(HEIMDAL_BIN.kinit, [`--keytab=${aliceKeytab}`, kdc.principal('alice')], env);
    await runHeimdal(HEIMDAL_BIN.kgetcred, [kdc.principal(service)], env);
    const cred = findTicket(readCcacheSync(cc), kdc.principal(service));
    if (!cred) throw new Error(`kgetcred left no ticket for ${service} in ${cc}`);
    return cred;
  }

  function establish(credential: Credential, keytab: string): { ini: InitiatorContext; acc: AcceptorContext } {
    const ini = new InitiatorContext({ credential });
    const acc = new AcceptorContext({ credential: AcceptorCredential.fromKeytab(keytab) });
    const apRep = acc.step(ini.step()!);
    ini.step(apRep!);
    expect(ini.isEstablished).to.equal(true);
    return { ini, acc };
  }

  for (const e of ENCTYPES) {
    it(`hsec initiator -> hsec acceptor with a Heimdal kgetcred ticket and Heimdal keytab, ${e.name}`, async () => {
      const service = `g${e.etype}/localhost`;
      const keytab = join(dir, `g${e.etype}.keytab`);
      const credential = await heimdalServiceTicket(service);
      // What Heimdal put in the ticket, decrypted with the key from its keytab.
      const ticket = decodeTicket(credential.ticket);
      expect(ticket.encPart.etype).to.equal(e.etype);
      const key = readKeytabSync(keytab).requireKey(parsePrincipal(realm.kdc.principal(service)), e.etype);
      const part = decodeEncTicketPart(getProfile(e.etype).decrypt(key.value, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher));
      expect(part.crealm).to.equal(realm.kdc.realm);
      // alice requires pre-auth: Heimdal carries pre-authent from the TGT into the service ticket.
      expect(part.flags & TICKET_FLAGS.PRE_AUTHENT, 'pre-authent').to.not.equal(0);

      const { ini, acc } = establish(credential, keytab);
      expect(acc.context.etype).to.equal(e.etype);
      expect(acc.context.initiatorName).to.deep.equal(parsePrincipal(realm.kdc.principal('alice')));
      for (const size of [0, 1, 1000, 60_000]) {
        const msg = randomBytes(size);
        for (const conf of [true, false]) {
          const there = acc.context.unwrap(ini.context.wrap(msg, conf));
          expect(there.conf).to.equal(conf);
          expect(there.data.equals(msg)).to.equal(true);
          expect(ini.context.unwrap(acc.context.wrap(msg, conf)).data.equals(msg)).to.equal(true);
        }
      }
    });
  }

  it('hsec initiator -> hsec acceptor with a ticket hsec got from the Heimdal KDC (TGS exchange)', async () => {
    const login = await loginFromKeytab(realm.kdc.principal('alice'), aliceKeytab, { conf, autoRefresh: false });
    try {
      const credential = await login.getServiceTicket(realm.kdc.principal('g18/localhost'));
      const { acc } = establish(credential, join(dir, 'g18.keytab'));
      expect(acc.context.initiatorName).to.deep.equal(parsePrincipal(realm.kdc.principal('alice')));
    } finally {
      login.close();
    }
  });

  it('IPC SASL GSSAPI auth-conf: an hsec RpcServer and RpcClient over the Heimdal realm', async () => {
    const kdc = realm.kdc;
    const nnKeytab = join(dir, 'nn.keytab');
    await kdc.addPrincipal('nn/localhost');
    await kdc.extractKeytab(nnKeytab, 'nn/localhost');
    const resolver = new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? 'privacy' : undefined) });
    const login: KerberosLogin = await loginFromKeytab(kdc.principal('alice'), aliceKeytab, { conf, autoRefresh: false });
    const server = new RpcServer({ authentication: 'kerberos', kerberos: kerberosServer(kdc.principal('nn/localhost'), nnKeytab), resolver });
    server.registerProtocol(ECHO, echoHandlers());
    const client = new RpcClient({ resolver, fastPrivacy: false });
    try {
      const { port } = await server.start('127.0.0.1', 0);
      const kerberos = kerberosClient(login, { principal: kdc.principal('alice'), serverPrincipal: `nn/_HOST@${kdc.realm}` });
      const who = json(await client.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos }));
      expect(who).to.include({ user: kdc.principal('alice'), shortUser: 'alice', authMethod: 'KERBEROS', qop: 'auth-conf' });
      const big = randomBytes(200_000);
      expect(Buffer.from(await client.call({ host: 'localhost', port }, ECHO, 'echo', big, { kerberos })).equals(big)).to.equal(true);
    } finally {
      client.stop();
      await server.stop();
      login.close();
    }
  });
});
