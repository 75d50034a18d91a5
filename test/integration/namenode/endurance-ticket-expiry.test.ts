/**
 * Endurance across Kerberos ticket expiry (issue 4, "Done when": a NameNode and a client logged in
 * from keytabs keep working across ticket expiry with a KDC maximum ticket life of 60 s). A real
 * MIT KDC (MiniKdc, max ticket life 60 s, renewable life 90 s), the hsec NameNode accepting with its
 * keytab at auth-conf (hadoop.rpc.protection=privacy), and two clients logged in with
 * `loginFromKeytab` (Hadoop's UserGroupInformation.loginUserFromKeytab, default relogin policy):
 * for ~3 minutes alice calls getDelegationToken and yarn (the renewer) calls renewDelegationToken
 * over KERBEROS every few seconds, each both on a connection kept from the start and on a new
 * connection per call. Every call must succeed; the TGTs must really have been re-acquired
 * (`hsec:kerberos:relogin`, expiresAt moved) and the first tickets must have expired mid-run.
 */
import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { loginFromKeytab, type KerberosLogin, type ReloginEvent } from '../../../security/kerberos/login/index.ts';
import { createClientResolver } from '../../../security/resolver/index.ts';
import { RpcClient, kerberosClient } from '../../../security/sasl/rpc/index.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import type { Token } from '../../../security/token/token.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { RecordingProxy } from '../rpc/support.ts';
import { clientConf, nnConf } from './namenode-fixture.ts';

const RUN_MS = 185_000;
const PERIOD_MS = 4_000;
const HOUR = 3_600_000;

describe('namenode endurance: Kerberos calls across 60-second ticket expiry (MIT KDC, auth-conf)', function () {
  this.timeout(240_000); // bounded: ~3 min of calls plus set-up
  const realm = useMiniKdc({ maxTicketLifeSeconds: 60, maxRenewableLifeSeconds: 90 });
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-endurance-'));
    await realm.kdc.createKeytab(join(dir, 'nn.keytab'), 'nn/localhost');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    await realm.kdc.createKeytab(join(dir, 'yarn.keytab'), 'yarn');
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('getDelegationToken and renewDelegationToken keep succeeding, kept and new connections, while the TGTs are re-acquired', async () => {
    const kdc = realm.kdc;
    const relogins: ReloginEvent[] = [];
    const onRelogin = (m: unknown): void => void relogins.push(m as ReloginEvent);
    subscribe('hsec:kerberos:relogin', onRelogin);
    const nn = await NameNode.start(nnConf(kdc, join(dir, 'name'), join(dir, 'nn.keytab'), 'privacy'));
    const proxy = new RecordingProxy();
    const logins: KerberosLogin[] = [];
    const rpcs: RpcClient[] = [];
    try {
      const proxyPort = await proxy.start(nn.address.port);
      const krb5 = loadKrb5Config(kdc.krb5ConfPath);
      const alice = await loginFromKeytab(kdc.principal('alice'), join(dir, 'alice.keytab'), { conf: krb5 });
      const yarn = await loginFromKeytab(kdc.principal('yarn'), join(dir, 'yarn.keytab'), { conf: krb5 });
      logins.push(alice, yarn);
      const firstTgt = { alice: alice.tgt, yarn: yarn.tgt };
      // The KDC caps the TGT at 60 s whatever the client asks for.
      expect(alice.expiresAt - alice.tgt.startTime).to.be.at.most(60_000);
      expect(yarn.expiresAt - yarn.tgt.startTime).to.be.at.most(60_000);
      const firstServiceTicket = await alice.getServiceTicket(`nn/localhost@${kdc.realm}`);

      const conf = clientConf(kdc, 'privacy');
      const resolver = createClientResolver(conf);
      const serverPrincipal = `nn/localhost@${kdc.realm}`;
      const client = (login: KerberosLogin, user: string, address: { host: string; port: number }, rpc: RpcClient): ClientProtocolClient =>
        new ClientProtocolClient({ rpc, address, credentials: { kerberos: kerberosClient(login, { principal: kdc.principal(user), serverPrincipal }) }, timeoutMs: 20_000 });
      // The kept connections go through a recording proxy so we can count the TCP connections made.
      const keptRpc = new RpcClient({ resolver, maxIdleMs: 600_000 });
      rpcs.push(keptRpc);
      const viaProxy = { host: '127.0.0.1', port: proxyPort };
      const keptAlice = client(alice, 'alice', viaProxy, keptRpc);
      const keptYarn = client(yarn, 'yarn', viaProxy, keptRpc);
      const fresh = async <T>(login: KerberosLogin, user: string, f: (c: ClientProtocolClient) => Promise<T>): Promise<T> => {
        const rpc = new RpcClient({ resolver });
        try {
          return await f(client(login, user, nn.address, rpc));
        } finally {
          rpc.stop();
        }
      };
      const checkToken = (t: Token | undefined): Token => {
        expect(t, 'getDelegationToken returned no token').to.not.equal(undefined);
        const id = DelegationTokenIdentifier.decode(t!.identifier);
        expect(id.owner).to.equal(kdc.principal('alice'));
        expect(id.renewer).to.equal('yarn');
        return t!;
      };

      const started = Date.now();
      let rounds = 0;
      const tgtEnds = { alice: new Set<number>(), yarn: new Set<number>() };
      const serviceTickets = new Set<string>();
      while (Date.now() - started < RUN_MS) {
        const roundStart = Date.now();
        const t1 = checkToken(await keptAlice.getDelegationToken('yarn'));
        const t2 = checkToken(await fresh(alice, 'alice', (c) => c.getDelegationToken(`yarn@${kdc.realm}`)));
        const before = Date.now();
        const e1 = await keptYarn.renewDelegationToken(t1);
        const e2 = await fresh(yarn, 'yarn', (c) => c.renewDelegationToken(t2));
        // Default renew interval (1 day) from the time of the renewal.
        expect(e1).to.be.within(before + 24 * HOUR - 1000, Date.now() + 24 * HOUR);
        expect(e2).to.be.within(before + 24 * HOUR - 1000, Date.now() + 24 * HOUR);
        expect(keptRpc.connectionCount, 'the kept RpcClient must not reconnect').to.be.at.most(2);
        tgtEnds.alice.add(alice.expiresAt);
        tgtEnds.yarn.add(yarn.expiresAt);
        // The service ticket new connections of alice authenticate with: always valid, renewed over time.
        const st = await alice.getServiceTicket(serverPrincipal);
        expect(st.endTime, 'service ticket handed out after its end').to.be.above(Date.now());
        serviceTickets.add(st.ticket.toString('hex'));
        rounds++;
        await sleep(Math.max(0, PERIOD_MS - (Date.now() - roundStart)));
      }
      const now = Date.now();

      expect(rounds).to.be.at.least(30);
      // Tickets really expired during the run: the first TGTs and the first service ticket are dead.
      expect(firstTgt.alice.endTime).to.be.below(now - 60_000);
      expect(firstTgt.yarn.endTime).to.be.below(now - 60_000);
      expect(firstServiceTicket.endTime).to.be.below(now - 60_000);
      // ...and the logins re-acquired theirs: expiresAt moved on, current TGTs valid, relogins published.
      expect(alice.expiresAt).to.be.above(now);
      expect(yarn.expiresAt).to.be.above(now);
      expect(tgtEnds.alice.size, 'alice TGT end times seen').to.be.at.least(3);
      expect(tgtEnds.yarn.size, 'yarn TGT end times seen').to.be.at.least(3);
      expect(serviceTickets.size, 'distinct nn/localhost service tickets used').to.be.at.least(3);
      for (const user of ['alice', 'yarn']) {
        const ok = relogins.filter((e) => e.principal === kdc.principal(user) && e.ok);
        expect(ok.length, `${user} successful relogins`).to.be.at.least(2);
        expect(ok.every((e) => e.source === 'keytab')).to.equal(true);
      }
      expect(relogins.filter((e) => !e.ok), 'failed relogins').to.deep.equal([]);

      // The kept connections really were kept: one TCP connection per identity (alice, yarn) through
      // the proxy, each opened once with the IPC preamble; and the traffic was encrypted (auth-conf).
      const up = Buffer.concat(proxy.toServer);
      const down = Buffer.concat(proxy.toClient);
      let preambles = 0;
      for (let at = up.indexOf('hrpc\x09'); at >= 0; at = up.indexOf('hrpc\x09', at + 1)) preambles++;
      expect(preambles).to.equal(2);
      expect(keptRpc.connectionCount).to.equal(2);
      expect(down.includes('HDFS_DELEGATION_TOKEN')).to.equal(false);
      expect(down.includes(kdc.principal('alice'))).to.equal(false);
    } finally {
      unsubscribe('hsec:kerberos:relogin', onRelogin);
      for (const r of rpcs) r.stop();
      for (const l of logins) l.close();
      await proxy.stop();
      await nn.stop();
    }
  });
});
