/**
 * GSS-API Kerberos interop with MIT krb5's libgssapi_krb5 through the `kerberos` npm package (a
 * test peer only) over a real MIT KDC: MIT initiator (initializeClient -> step) -> hsec acceptor,
 * with gss_wrap/gss_unwrap both ways (the package's wrap seals an RFC 4752
 * layer reply built from its input, so MIT-sealed plaintexts have that shape), and hsec initiator -> MIT acceptor (initializeServer with
 * KRB5_KTNAME), for each AES enctype.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseKrb5Conf } from '../../../security/kerberos/config/index.ts';
import { AcceptorCredential } from '../../../security/kerberos/gss/acceptor-credential.ts';
import { AcceptorContext } from '../../../security/kerberos/gss/acceptor.ts';
import { InitiatorContext } from '../../../security/kerberos/gss/initiator.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { requireBinariesOrSkip, skipOrFail } from '../../support/binaries.ts';
import { kinit } from '../../support/krb5-clients.ts';
import { addServiceWithEnctype, ENCTYPES, mitServiceTicket, tempDir } from './support.ts';

interface MitClient {
  step(challenge: string): Promise<string>;
  wrap(data: string, options?: { protect?: boolean; user?: string }): Promise<string>;
  unwrap(data: string): Promise<string>;
  contextComplete: boolean;
}
interface MitServer {
  step(challenge: string): Promise<string>;
  username: string;
  response: string;
  contextComplete: boolean;
}
interface KerberosModule {
  initializeClient(service: string, options?: { mechOID?: number; flags?: number }): Promise<MitClient>;
  initializeServer(service: string): Promise<MitServer>;
  GSS_MECH_OID_KRB5: number;
  GSS_C_MUTUAL_FLAG: number;
  GSS_C_SEQUENCE_FLAG: number;
  GSS_C_CONF_FLAG: number;
  GSS_C_INTEG_FLAG: number;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64');

describe('interop: GSS-API Kerberos with MIT libgssapi_krb5 (kerberos npm package)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let kerberos: KerberosModule;
  let dir: string;
  let aliceKeytab: string;
  const saved: Record<string, string | undefined> = {};

  function setEnv(vars: Record<string, string>): void {
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in saved)) saved[k] = process.env[k];
      process.env[k] = v;
    }
  }

  before(async function () {
    requireBinariesOrSkip(this, 'kinit', 'kvno');
    try {
      kerberos = createRequire(import.meta.url)('kerberos') as KerberosModule;
    } catch (err) {
      skipOrFail(this, `the kerberos npm package (MIT GSSAPI binding) does not load: ${(err as Error).message}`);
    }
    dir = tempDir('mit-gss');
    aliceKeytab = join(dir, 'alice.keytab');
    await realm.kdc.createKeytab(aliceKeytab, 'alice');
    for (const e of ENCTYPES) await addServiceWithEnctype(realm.kdc, `m${e.etype}/localhost`, e.name, join(dir, `m${e.etype}.keytab`));
    const ccache = join(dir, 'alice.ccache');
    await kinit(realm.kdc.env(ccache), ['-kt', aliceKeytab, realm.kdc.principal('alice')]);
    const env = realm.kdc.env(ccache);
    setEnv({ KRB5_CONFIG: env.KRB5_CONFIG!, KRB5CCNAME: env.KRB5CCNAME!, KRB5RCACHEDIR: env.KRB5RCACHEDIR ?? dir });
  });

  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  for (const e of ENCTYPES) {
    it(`MIT initiator -> hsec acceptor, ${e.name}, gss_wrap/gss_unwrap both ways`, async () => {
      const flags = kerberos.GSS_C_MUTUAL_FLAG | kerberos.GSS_C_SEQUENCE_FLAG | kerberos.GSS_C_CONF_FLAG | kerberos.GSS_C_INTEG_FLAG;
      const client = await kerberos.initializeClient(`m${e.etype}@localhost`, { mechOID: kerberos.GSS_MECH_OID_KRB5, flags });
      const apReq = unb64(await client.step(''));
      const acc = new AcceptorContext({ credential: AcceptorCredential.fromKeytab(join(dir, `m${e.etype}.keytab`)) });
      const apRep = acc.step(apReq)!;
      await client.step(b64(apRep));
      expect(client.contextComplete).to.equal(true);
      expect(acc.context.etype).to.equal(e.etype);
      // The package's wrap always builds the RFC 4752 reply (0x01, the 3 bytes after the first of
      // its input, then `user`) before gss_wrap, so that is the plaintext MIT seals here.
      for (const user of ['', 'bob', 'u'.repeat(4000)]) {
        const head = randomBytes(4);
        const expected = Buffer.concat([Buffer.from([1]), head.subarray(1), Buffer.from(user)]);
        for (const protect of [true, false]) {
          const r = acc.context.unwrap(unb64(await client.wrap(b64(head), { protect, user })));
          expect(r.conf).to.equal(protect);
          expect(r.data.equals(expected)).to.equal(true);
        }
      }
      for (const size of [1, 1000, 60_000]) {
        const msg = randomBytes(size);
        for (const protect of [true, false]) {
          expect(unb64(await client.unwrap(b64(acc.context.wrap(msg, protect)))).equals(msg)).to.equal(true);
        }
      }
    });

    it(`hsec initiator -> MIT acceptor, ${e.name}`, async () => {
      const service = `m${e.etype}/localhost`;
      setEnv({ KRB5_KTNAME: `FILE:${join(dir, `m${e.etype}.keytab`)}` });
      const server = await kerberos.initializeServer(`m${e.etype}@localhost`);
      const credential = await mitServiceTicket(realm.kdc, aliceKeytab, 'alice', service, dir);
      const ini = new InitiatorContext({ credential });
      await server.step(b64(ini.step()!));
      expect(server.contextComplete).to.equal(true);
      expect(server.username).to.equal(realm.kdc.principal('alice'));
      ini.step(unb64(server.response));
      expect(ini.isEstablished).to.equal(true);
      expect(ini.context.etype).to.equal(e.etype);
    });
  }

  it('our KRB-ERROR token for a skewed authenticator is understood by the MIT initiator', async () => {
    const client = await kerberos.initializeClient('m17@localhost', { mechOID: kerberos.GSS_MECH_OID_KRB5 });
    const apReq = unb64(await client.step(''));
    const skewed = AcceptorCredential.fromKeytab(join(dir, 'm17.keytab'), { clock: { now: () => Date.now() - 900_000 } });
    const acc = new AcceptorContext({ credential: skewed });
    expect(() => acc.step(apReq)).to.throw().with.property('code', 'KRB_CLOCK_SKEW');
    const err = await client.step(b64(acc.errorToken()!)).then(() => undefined, (e: Error) => e);
    expect(err, 'MIT accepted a KRB-ERROR token').to.be.instanceOf(Error);
    expect(err!.message).to.match(/skew/i);
  });

  it('krb5.conf clockskew and permitted_enctypes apply to MIT AP-REQs at the hsec acceptor', async () => {
    const client = await kerberos.initializeClient('m17@localhost', { mechOID: kerberos.GSS_MECH_OID_KRB5 });
    const apReq = unb64(await client.step(''));
    const onlyAes256 = parseKrb5Conf('[libdefaults]\n permitted_enctypes = aes256-cts-hmac-sha1-96 aes256-cts-hmac-sha384-192\n');
    const refused = new AcceptorContext({ credential: AcceptorCredential.fromKeytab(join(dir, 'm17.keytab'), { krb5Config: onlyAes256 }) });
    expect(() => refused.step(apReq)).to.throw().with.property('code', 'KRB_ENCTYPE_UNSUPPORTED');
    // 60 s off: inside the default 300 s, outside clockskew = 30
    const tight = parseKrb5Conf('[libdefaults]\n clockskew = 30\n');
    const late = { now: () => Date.now() + 60_000 };
    const apReq2 = unb64(await (await kerberos.initializeClient('m17@localhost', { mechOID: kerberos.GSS_MECH_OID_KRB5 })).step(''));
    expect(() => new AcceptorContext({ credential: AcceptorCredential.fromKeytab(join(dir, 'm17.keytab'), { clock: late, krb5Config: tight }) }).step(apReq2))
      .to.throw().with.property('code', 'KRB_CLOCK_SKEW');
    expect(new AcceptorContext({ credential: AcceptorCredential.fromKeytab(join(dir, 'm17.keytab'), { clock: late }) }).step(apReq2)).to.be.instanceOf(Buffer);
  });

  it('a replayed MIT AP-REQ is KRB_REPLAY at the hsec acceptor', async () => {
    const client = await kerberos.initializeClient('m18@localhost', { mechOID: kerberos.GSS_MECH_OID_KRB5 });
    const apReq = unb64(await client.step(''));
    const cred = AcceptorCredential.fromKeytab(join(dir, 'm18.keytab'));
    new AcceptorContext({ credential: cred }).step(apReq);
    expect(() => new AcceptorContext({ credential: cred }).step(apReq)).to.throw().with.property('code', 'KRB_REPLAY');
  });
});
