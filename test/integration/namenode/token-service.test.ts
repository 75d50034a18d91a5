// End to end over the real MIT KDC: the hsec NameNode serving delegation tokens over Hadoop IPC
// with SASL (GSSAPI for Kerberos callers, DIGEST-MD5 for token callers) at each QOP.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useMiniKdc } from '../../support/fixtures.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { AccessControlError, InvalidTokenError } from '../../../lib/errors/index.ts';
import { Token } from '../../../security/token/token.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { encodePreamble } from '../../../lib/rpc/preamble.ts';
import { AuthProtocol } from '../../../lib/rpc/constants.ts';
import { rawExchange } from '../rpc/support.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { PROTECTION, kerberosClient, loginUser, nnConf, rejection, tokenClient } from './namenode-fixture.ts';
import type { QopName, TestClient } from './namenode-fixture.ts';

const DAY = 86_400_000;

describe('namenode: delegation tokens end to end (MIT KDC, GSSAPI + DIGEST-MD5)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let keytab: string;
  const cc: Record<string, string> = {};
  const clients: TestClient[] = [];

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-'));
    keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    for (const u of ['alice', 'yarn', 'bob']) cc[u] = await loginUser(realm.kdc, dir, u);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  function krb(user: string, nn: NameNode, qop: QopName) {
    const c = kerberosClient(realm.kdc, cc[user]!, user, nn.address, PROTECTION[qop]);
    clients.push(c);
    return c.nn;
  }
  function tok(tokens: Token[], nn: NameNode, qop: QopName) {
    const c = tokenClient(realm.kdc, tokens, nn.address, PROTECTION[qop]);
    clients.push(c);
    return c.nn;
  }

  for (const qop of ['auth', 'auth-int', 'auth-conf'] as const) {
    describe(`QOP ${qop}`, () => {
      let nn: NameNode;
      before(async () => {
        nn = await NameNode.start(nnConf(realm.kdc, join(dir, qop), keytab, PROTECTION[qop]));
      });
      after(async () => nn?.stop());

      it('a Kerberos caller fetches a token; its renewer renews it; token auth works but cannot get or renew tokens', async () => {
        const alice = krb('alice', nn, qop);
        const token = (await alice.getDelegationToken(`yarn/rm@${realm.kdc.realm}`))!;
        expect(token.kind).to.equal('HDFS_DELEGATION_TOKEN');
        expect(token.service).to.equal(`127.0.0.1:${nn.address.port}`);
        const id = DelegationTokenIdentifier.decode(token.identifier);
        expect(id.owner).to.equal(`alice@${realm.kdc.realm}`);
        expect(id.renewer).to.equal('yarn');
        expect(id.realUser).to.equal('');
        expect(id.maxDate - id.issueDate).to.equal(7 * DAY);

        const before = Date.now();
        const expiry = await krb('yarn', nn, qop).renewDelegationToken(token);
        expect(expiry).to.be.within(before + DAY - 5000, Date.now() + DAY);

        const viaToken = tok([token], nn, qop);
        expect((await viaToken.getServerDefaults()).blockSize).to.equal(134_217_728);
        const e1 = await rejection(viaToken.getDelegationToken('yarn'));
        expect(e1.message).to.contain('Delegation Token can be issued only with kerberos or web authentication');
        expect(e1.details?.['exceptionClassName']).to.equal('java.io.IOException');
        expect(e1.code).to.equal('RPC_REMOTE');
        const e2 = await rejection(viaToken.renewDelegationToken(token));
        expect(e2.message).to.contain('Delegation Token can be renewed only with kerberos or web authentication');
        expect(e2.code).to.equal('RPC_REMOTE');
        expect(e2.details?.['exceptionClassName']).to.equal('java.io.IOException');
      });

      it('renewal by someone else is refused; the owner cancels; the cancelled token no longer authenticates', async () => {
        const token = (await krb('alice', nn, qop).getDelegationToken('yarn'))!;
        const e1 = await rejection(krb('bob', nn, qop).renewDelegationToken(token));
        expect(e1).to.be.instanceOf(AccessControlError);
        expect(e1.code).to.equal('ACCESS_DENIED');
        expect(e1.message).to.match(/bob tries to renew a token .* with non-matching renewer yarn/);
        expect(e1.details?.['exceptionClassName']).to.equal('org.apache.hadoop.security.AccessControlException');
        const e2 = await rejection(krb('bob', nn, qop).cancelDelegationToken(token));
        expect(e2).to.be.instanceOf(AccessControlError);
        expect(e2.message).to.contain(`bob@${realm.kdc.realm} is not authorized to cancel the token`);

        await krb('alice', nn, qop).cancelDelegationToken(token);
        const e3 = await rejection(tok([token], nn, qop).getServerDefaults());
        expect(e3).to.be.instanceOf(InvalidTokenError);
        expect(e3.message).to.contain("can't be found in cache");
        expect(e3.code).to.equal('TOKEN_INVALID');
        const e4 = await rejection(krb('yarn', nn, qop).renewDelegationToken(token));
        expect(e4).to.be.instanceOf(InvalidTokenError);
        expect(e4.message).to.contain('Renewal request for unknown token');
        expect(e4.code).to.equal('TOKEN_INVALID');
      });

      it('a client that insists on another QOP cannot connect (the QOP really is the configured one)', async () => {
        const other: QopName = qop === 'auth-conf' ? 'auth' : 'auth-conf';
        const token = (await krb('alice', nn, qop).getDelegationToken('yarn'))!;
        const e1 = await rejection(krb('alice', nn, other).getServerDefaults());
        expect((e1 as { code?: string }).code).to.equal('SASL_NO_COMMON_QOP');
        const e2 = await rejection(tok([token], nn, other).getServerDefaults());
        expect((e2 as { code?: string }).code).to.equal('SASL_NO_COMMON_QOP');
      });

      it('a tampered token is refused for authentication and renewal', async () => {
        const token = (await krb('alice', nn, qop).getDelegationToken('yarn'))!;
        const pw = Uint8Array.from(token.password);
        pw[3] ^= 0x40;
        const forged = new Token(token.identifier, pw, token.kind, token.service);
        const e1 = await rejection(tok([forged], nn, qop).getServerDefaults());
        expect(e1.name).to.equal('SaslError');
        expect((e1 as { code?: string }).code).to.equal('SASL_AUTH_FAILED');
        expect(e1.details?.['exceptionClassName']).to.equal('javax.security.sasl.SaslException');
        const e2 = await rejection(krb('yarn', nn, qop).renewDelegationToken(forged));
        expect(e2).to.be.instanceOf(AccessControlError);
        expect(e2.message).to.match(/yarn is trying to renew a token .* with wrong password/);
      });
    });
  }

  describe('expiry and restart', () => {
    it('expired tokens are refused; a restarted NameNode still accepts its tokens', async () => {
      const clock = new ManualClock(Date.now());
      let nn = await NameNode.start(nnConf(realm.kdc, join(dir, 'restart'), keytab, 'privacy'), { clock });
      const port = nn.address.port;
      const t1 = (await krb('alice', nn, 'auth-conf').getDelegationToken('yarn'))!;
      const t2 = (await krb('alice', nn, 'auth-conf').getDelegationToken('yarn'))!;
      await nn.stop();

      nn = await NameNode.start(nnConf(realm.kdc, join(dir, 'restart'), keytab, 'privacy', port), { clock });
      try {
        expect((await tok([t1], nn, 'auth-conf').getServerDefaults()).replication).to.equal(3);
        expect(await krb('yarn', nn, 'auth-conf').renewDelegationToken(t2)).to.equal(clock.now() + DAY);
        const t3 = (await krb('alice', nn, 'auth-conf').getDelegationToken('yarn'))!;
        expect(DelegationTokenIdentifier.decode(t3.identifier).sequenceNumber).to.equal(3);

        clock.advance(DAY + 1000); // t1's renew date has passed; t2 was renewed at +0 and expired too
        const e1 = await rejection(tok([t1], nn, 'auth-conf').getServerDefaults());
        expect(e1).to.be.instanceOf(InvalidTokenError);
        expect(e1.message).to.contain('has expired');
        expect(e1.code).to.equal('TOKEN_INVALID');
        expect(e1.details?.['exceptionClassName']).to.equal('org.apache.hadoop.security.token.SecretManager$InvalidToken');
        clock.advance(7 * DAY);
        const e2 = await rejection(krb('yarn', nn, 'auth-conf').renewDelegationToken(t2));
        expect(e2).to.be.instanceOf(InvalidTokenError);
        expect(e2.message).to.contain('tried to renew an expired token');
        expect(e2.code).to.equal('TOKEN_INVALID');
      } finally {
        await nn.stop();
      }
    });
  });

  describe('IPC limits from the site configuration', () => {
    it('ipc.maximum.data.length=1024: a 2 KiB frame is refused and the connection closed; normal calls still work', async () => {
      const nn = await NameNode.start(nnConf(realm.kdc, join(dir, 'maxlen'), keytab, 'privacy', 0, { 'ipc.maximum.data.length': '1024' }));
      const failed: { code?: string; message?: string }[] = [];
      const onFail = (m: unknown): void => void failed.push(m as { code?: string; message?: string });
      subscribe('hsec:rpc:connection-failed', onFail);
      try {
        // SASL preamble, then a 2048-byte frame (length prefix + body): refused on its length alone.
        const body = Buffer.alloc(2048, 0x41);
        const frame = Buffer.concat([Buffer.from([0, 0, 0x08, 0x00]), body]);
        const r = await rawExchange(nn.address.port, [encodePreamble({ authProtocol: AuthProtocol.SASL }), frame], { waitMs: 5000 });
        expect(r.closedByServer).to.equal(true);
        expect(failed.map((f) => f.code)).to.include('PROTOCOL_TOO_LARGE');
        expect(failed.find((f) => f.code === 'PROTOCOL_TOO_LARGE')!.message).to.contain('(1024)');

        // A normal Kerberos call (auth-conf) fits and succeeds.
        const token = await krb('alice', nn, 'auth-conf').getDelegationToken('yarn');
        expect(token!.kind).to.equal('HDFS_DELEGATION_TOKEN');
        // The same call with a 2 KiB renewer name is over the limit: the server closes the connection.
        failed.length = 0;
        const e = await rejection(krb('alice', nn, 'auth-conf').getDelegationToken('y'.repeat(2048)));
        expect(e.code).to.match(/^RPC_CONNECTION_CLOSED|PROTOCOL_/);
        expect(failed.map((f) => f.code)).to.include('PROTOCOL_TOO_LARGE');
      } finally {
        unsubscribe('hsec:rpc:connection-failed', onFail);
        await nn.stop();
      }
    });
  });

  describe('acceptor policy from krb5.conf', () => {
    it('permitted_enctypes of the NameNode krb5.conf refuses tickets of other enctypes; the default krb5.conf accepts them', async () => {
      // The KDC issues nn/localhost tickets with an AES-256 key; permit only aes128-cts-hmac-sha1-96.
      const path = join(dir, 'krb5-aes128-only.conf');
      writeFileSync(path, readFileSync(realm.kdc.krb5ConfPath, 'utf8').replace('[libdefaults]', '[libdefaults]\n permitted_enctypes = aes128-cts-hmac-sha1-96\n clockskew = 120'));
      const krb5 = loadKrb5Config(path);
      expect(krb5.permittedEnctypes).to.deep.equal([17]);
      const failed: { code?: string }[] = [];
      const onFail = (m: unknown): void => void failed.push(m as { code?: string });
      subscribe('hsec:rpc:connection-failed', onFail);
      const strict = await NameNode.start(nnConf(realm.kdc, join(dir, 'aes128'), keytab, 'privacy'), { krb5 });
      try {
        const e = await rejection(krb('alice', strict, 'auth-conf').getDelegationToken('yarn'));
        expect(e.details?.['exceptionClassName']).to.equal('javax.security.sasl.SaslException');
        expect(e.message).to.contain('is not permitted by this acceptor');
        expect(e.message).to.contain('permitted_enctypes is [aes128-cts-hmac-sha1-96 (17)]');
        expect(failed.map((f) => f.code)).to.include('FATAL_UNAUTHORIZED');
      } finally {
        unsubscribe('hsec:rpc:connection-failed', onFail);
        await strict.stop();
      }
      const lenient = await NameNode.start(nnConf(realm.kdc, join(dir, 'aes-any'), keytab, 'privacy'), { krb5: loadKrb5Config(realm.kdc.krb5ConfPath) });
      try {
        expect((await krb('alice', lenient, 'auth-conf').getDelegationToken('yarn'))!.kind).to.equal('HDFS_DELEGATION_TOKEN');
      } finally {
        await lenient.stop();
      }
    });
  });
});
