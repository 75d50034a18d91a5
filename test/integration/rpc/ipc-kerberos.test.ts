/**
 * KERBEROS / GSSAPI over loopback against the real MIT KDC (MiniKdc): our Kerberos login and
 * GSSAPI client to our RpcServer with a keytab, for auth, auth-int and auth-conf; the frame
 * sequence is compared with the stock Hadoop 3.4.1 trace; principal checks and proxy users.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vectors from '../../vectors/ipc-sasl-traces.json' with { type: 'json' };
import { AccessControlError, type HsecError } from '../../../lib/errors/index.ts';
import { FrameDecoder } from '../../../lib/rpc/frame.ts';
import { parseRequest, parseResponse, parseSaslBody } from '../../../lib/rpc/ipc-frames.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { loginFromKeytab, type KerberosLogin } from '../../../security/kerberos/login/index.ts';
import { DefaultSaslPropertiesResolver } from '../../../security/resolver/index.ts';
import { kerberosClient, kerberosServer, RpcClient, RpcServer, delegationTokenAuthority } from '../../../security/sasl/rpc/index.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { AcceptorCredential } from '../../../security/kerberos/gss/acceptor-credential.ts';
import { ECHO, echoHandlers, json, RecordingProxy } from './support.ts';

const STATE_NAMES = ['SUCCESS', 'NEGOTIATE', 'INITIATE', 'CHALLENGE', 'RESPONSE', 'WRAP'];
const resolverFor = (protection: string): DefaultSaslPropertiesResolver =>
  new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? protection : undefined) });

describe('rpc over loopback: KERBEROS / GSSAPI with the MIT KDC', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let login: KerberosLogin;
  let nnKeytab: string;
  const secretManager = new DelegationTokenSecretManager();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-rpc-krb-'));
    nnKeytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(nnKeytab, 'nn/localhost');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    login = await loginFromKeytab(realm.kdc.principal('alice'), join(dir, 'alice.keytab'), { conf: loadKrb5Config(realm.kdc.krb5ConfPath), autoRefresh: false });
    await secretManager.start(false);
  });
  after(async () => {
    login?.close();
    await secretManager.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const alice = (overrides: { serverPrincipal?: string; serverPrincipalPattern?: string } = {}) =>
    kerberosClient(login, { principal: realm.kdc.principal('alice'), serverPrincipal: `nn/_HOST@${realm.kdc.realm}`, ...overrides });

  for (const [protection, qop] of [
    ['authentication', 'auth'],
    ['integrity', 'auth-int'],
    ['privacy', 'auth-conf'],
  ] as const) {
    it(`${qop}: authenticates alice; TOKEN is advertised first but unused; frames follow the stock Hadoop sequence`, async () => {
      const server = new RpcServer({ authentication: 'kerberos', kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), nnKeytab), tokenAuthority: delegationTokenAuthority(secretManager), resolver: resolverFor(protection) });
      server.registerProtocol(ECHO, echoHandlers());
      const { port } = await server.start('127.0.0.1', 0);
      const proxy = new RecordingProxy();
      const pport = await proxy.start(port);
      // Standard SASL wrapping, as between stock Hadoop peers (hsec's fast privacy: fast-privacy.test.ts).
      const client = new RpcClient({ resolver: resolverFor(protection), fastPrivacy: false });
      try {
        const r = json(await client.call({ host: 'localhost', port: pport }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice() }));
        expect(r).to.include({ user: realm.kdc.principal('alice'), shortUser: 'alice', authMethod: 'KERBEROS', qop });
        const big = Buffer.alloc(300_000, 0x42);
        expect(Buffer.compare(Buffer.from(await client.call({ host: 'localhost', port: pport }, ECHO, 'echo', big, { kerberos: alice() })), big)).to.equal(0);
        const up = new FrameDecoder().push(Buffer.concat(proxy.toServer).subarray(7)).map((f) => {
          const { header, rest } = parseRequest(f);
          return header.callId === -33 ? STATE_NAMES[parseSaslBody(rest).state]! : `call${header.callId}`;
        });
        const down = new FrameDecoder().push(Buffer.concat(proxy.toClient)).map((f) => {
          const { header, rest } = parseResponse(f);
          return header.callId === -33 ? STATE_NAMES[parseSaslBody(rest).state]! : `call${header.callId}`;
        });
        const hadoopUp = vectors.kerberos_getDelegationToken.client_to_server.slice(1).map((f) => f.sasl!.state);
        const hadoopDown = vectors.kerberos_getDelegationToken.server_to_client.map((f) => f.sasl.state);
        // Negotiation: identical to the stock Hadoop client <-> NameNode trace.
        expect(up.slice(0, 4)).to.deep.equal(hadoopUp.slice(0, 4));
        expect(down.slice(0, 4)).to.deep.equal(hadoopDown.slice(0, 4));
        if (qop === 'auth') {
          expect(up.slice(4).every((s) => s.startsWith('call'))).to.equal(true);
        } else {
          expect(up.slice(4).every((s) => s === 'WRAP')).to.equal(true);
          expect(down.slice(4).every((s) => s === 'WRAP')).to.equal(true);
          expect(down.length).to.be.greaterThan(6); // the 300 kB response exceeds rawSendSize: several WRAP frames
        }
      } finally {
        client.stop();
        await proxy.stop();
        await server.stop();
      }
    });
  }

  it('refuses a server whose principal is not the configured one, and accepts a matching .pattern', async () => {
    const server = new RpcServer({ authentication: 'kerberos', kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), nnKeytab) });
    server.registerProtocol(ECHO, echoHandlers());
    const { port } = await server.start('127.0.0.1', 0);
    const client = new RpcClient();
    try {
      let err: HsecError | undefined;
      try {
        await client.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice({ serverPrincipal: `nn/other.example.test@${realm.kdc.realm}` }) });
      } catch (e) {
        err = e as HsecError;
      }
      expect(err).to.be.instanceOf(AccessControlError);
      expect(err!.message).to.equal(`Server has invalid Kerberos principal: nn/localhost@${realm.kdc.realm}, expecting: nn/other.example.test@${realm.kdc.realm}`);
      const r = json(await client.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice({ serverPrincipal: undefined, serverPrincipalPattern: 'nn/*' }) }));
      expect(r.authMethod).to.equal('KERBEROS');
      // .pattern alone: the advertised name is nn/localhost@<default_realm of the login's krb5.conf>
      // (JDK KRB_NT_SRV_HST), so a realm-qualified pattern matches and a foreign realm does not.
      const other = new RpcClient(); // fresh pools: connections are shared per user, not per expected principal
      const fresh = new RpcClient();
      try {
        const r2 = json(await fresh.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice({ serverPrincipal: undefined, serverPrincipalPattern: `nn/*@${realm.kdc.realm}` }) }));
        expect(r2.authMethod).to.equal('KERBEROS');
        const e2 = await other.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice({ serverPrincipal: undefined, serverPrincipalPattern: 'nn/*@OTHER.TEST' }) }).then(() => undefined, (e: unknown) => e as HsecError);
        expect(e2).to.be.instanceOf(AccessControlError);
        expect(e2!.message).to.equal(`Server has invalid Kerberos principal: nn/localhost@${realm.kdc.realm}, doesn't match the pattern: nn/*@OTHER.TEST`);
      } finally {
        other.stop();
        fresh.stop();
      }
    } finally {
      client.stop();
      await server.stop();
    }
  });

  it('a GSSAPI failure (clock skew at the acceptor) is a FATAL javax.security.sasl.SaslException, as GssKrb5Server throws', async () => {
    // The acceptor's clock runs an hour ahead: the MIT-issued ticket's authenticator is outside the skew.
    const skewed = new ManualClock(Date.now() + 3_600_000);
    const credential = AcceptorCredential.fromKeytab(nnKeytab, { clock: skewed });
    const server = new RpcServer({ authentication: 'kerberos', kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), credential) });
    server.registerProtocol(ECHO, echoHandlers());
    const { port } = await server.start('127.0.0.1', 0);
    const client = new RpcClient();
    try {
      const err = await client.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice() }).then(() => undefined, (e: unknown) => e as HsecError);
      expect(err, 'the call should fail').to.not.equal(undefined);
      expect(err!.details).to.include({ exceptionClassName: 'javax.security.sasl.SaslException', fatal: true, errorDetail: 'FATAL_UNAUTHORIZED' });
    } finally {
      client.stop();
      await server.stop();
    }
  });

  it('a Kerberos client does not fall back to a SIMPLE-only server unless allowed', async () => {
    const server = new RpcServer({ authentication: 'simple' });
    server.registerProtocol(ECHO, echoHandlers());
    const { port } = await server.start('127.0.0.1', 0);
    try {
      const strict = new RpcClient();
      let err: HsecError | undefined;
      try {
        await strict.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice() });
      } catch (e) {
        err = e as HsecError;
      }
      expect(err).to.be.instanceOf(AccessControlError);
      expect(err!.message).to.contain('Server asks us to fall back to SIMPLE auth');
      strict.stop();
      const lenient = new RpcClient({ fallbackToSimpleAllowed: true });
      const r = json(await lenient.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice() }));
      expect(r).to.include({ user: realm.kdc.principal('alice'), authMethod: 'SIMPLE' });
      lenient.stop();
    } finally {
      await server.stop();
    }
  });

  it('a Kerberos user may act as another user only through the proxy-user authorizer', async () => {
    const seen: string[] = [];
    const server = new RpcServer({
      authentication: 'kerberos',
      kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), nnKeytab),
      authorizeProxy: ({ realUser, effectiveUser, remoteAddress }) => {
        seen.push(`${realUser}->${effectiveUser}@${remoteAddress}`);
        if (effectiveUser !== 'carol') throw new AccessControlError('ACCESS_DENIED', `User: alice is not allowed to impersonate ${effectiveUser}`, {});
      },
    });
    server.registerProtocol(ECHO, echoHandlers());
    const { port } = await server.start('127.0.0.1', 0);
    const client = new RpcClient();
    try {
      const r = json(await client.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice(), user: 'carol' }));
      expect(r).to.include({ user: 'carol', realUser: realm.kdc.principal('alice'), authMethod: 'KERBEROS' });
      let err: HsecError | undefined;
      try {
        await client.call({ host: 'localhost', port }, ECHO, 'whoami', new Uint8Array(0), { kerberos: alice(), user: 'mallory' });
      } catch (e) {
        err = e as HsecError;
      }
      expect(err).to.be.instanceOf(AccessControlError);
      expect(err!.details.exceptionClassName).to.equal('org.apache.hadoop.security.authorize.AuthorizationException');
      expect(seen).to.deep.equal([`${realm.kdc.principal('alice')}->carol@127.0.0.1`, `${realm.kdc.principal('alice')}->mallory@127.0.0.1`]);
    } finally {
      client.stop();
      await server.stop();
    }
  });
});
