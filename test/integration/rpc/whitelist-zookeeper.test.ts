// Selective encryption with the whitelist in ZooKeeper (hsec.security.sasl.whitelist.store=zookeeper),
// end to end against a real ZooKeeper (Debian package) with digest ACLs and the MIT KDC. The
// NameNode runs with hadoop.rpc.protection=authentication,privacy, non-whitelist privacy and
// Hadoop's WhitelistBasedResolver; hsec clients (the product's SaslRpcClient) connect from
// 127.0.0.2 and 127.0.0.3:
//  - `hsec policy whitelist add 127.0.0.2/32` works before any server runs (audited); a write
//    without the admin identity is refused by the znode's ACL (ZK_NO_AUTH naming the ACL);
//  - the four outcomes: whitelisted + auth,privacy -> auth; other + auth,privacy -> privacy; other +
//    auth only -> SASL_NO_COMMON_QOP naming both lists; whitelisted insisting on privacy -> privacy;
//    each connection records the deciding rule (hsec:rpc:connection qopRule);
//  - `hsec policy explain` names the QOP list, the entry and ZooKeeper;
//  - `whitelist remove` changes the outcome for the next connection from 127.0.0.2 within 250 ms;
//  - ZooKeeper stopped: the NameNode keeps its last list and reports itself degraded; restarted: it
//    resynchronises and a newly added entry reaches it within seconds;
//  - principal rules in ZooKeeper force privacy for a Kerberos principal from a whitelisted address,
//    and refuse a token connection of a privacy-bound owner that negotiated authentication.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPolicy } from '../../../cluster/cli/commands/policy.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { decodeGetDelegationTokenResponse } from '../../../cluster/protocol/client-protocol.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { Token } from '../../../security/token/token.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { digestId, ZkClient } from '../../../lib/zk/index.ts';
import { readDelimited } from '../../../lib/rpc/delimited.ts';
import { useMiniKdc, useMiniZooKeeper } from '../../support/fixtures.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';
import { loginUser, rejection } from '../namenode/namenode-fixture.ts';
import { Clients, eventually, expectNoCommonQop, OFFER, recorder, writeNameNodeConf } from './selective-support.ts';

const ADMIN = 'admin:s3cret-admin';

describe('selective encryption: the whitelist in ZooKeeper (real ZooKeeper, MIT KDC, hsec clients from 127.0.0.2 / 127.0.0.3)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  const zoo = useMiniZooKeeper();
  let dir: string;
  let confDir: string;
  let audit: string;
  let nn: NameNode;
  const cc: Record<string, string> = {};
  let clients: Clients;
  const out: string[] = [];
  const admin = (args: string[]) => runPolicy({ confDir, overrides: { 'hadoop.zk.auth': `digest:${ADMIN}` } }, args, { out: (s) => void out.push(s), env: {} });
  const anonymous = (args: string[]) => runPolicy({ confDir }, args, { out: (s) => void out.push(s), env: {} });
  const auditLines = (): Record<string, unknown>[] => readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'hsec-wl-zk-'));
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    for (const u of ['alice', 'bob', 'yarn']) cc[u] = await loginUser(realm.kdc, dir, u);
    writeFileSync(join(dir, 'fixedwhitelist'), '# nothing fixed: the whitelist is in ZooKeeper\n');
    audit = join(dir, 'policy-audit.log');
    confDir = writeNameNodeConf(dir, realm.kdc, keytab, {
      'hadoop.security.sasl.fixedwhitelist.file': join(dir, 'fixedwhitelist'),
      'hsec.security.sasl.whitelist.store': 'zookeeper',
      'hadoop.zk.address': zoo.zk.connectString,
      'hadoop.zk.timeout-ms': '4000',
      'hadoop.zk.acl': `digest:${digestId(ADMIN)}:rwcda,world:anyone:r`,
      'hsec.security.sasl.policy.audit.file': audit,
    });
  });
  afterEach(() => clients?.close());
  after(async () => {
    await nn?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hsec policy whitelist add works before any server runs; the same write without the admin identity is refused by the ACL', async () => {
    expect(await admin(['whitelist', 'add', '127.0.0.2/32'])).to.equal(0);
    expect(out.pop()).to.equal('added 127.0.0.2/32 (ZooKeeper znode /hsec/whitelist, 1 entries)\n');
    const e = await rejectsWithCode(anonymous(['whitelist', 'add', '10.0.0.0/8']), 'ZK_NO_AUTH');
    expect(e.message).to.match(/not authorized by the node's ACL.*identities are none.*The ACL of \/hsec\/whitelist is digest:admin:[^,]+:rwcda, world:anyone:r\. Nothing was written\./s);
    expect(await admin(['whitelist', 'list'])).to.equal(0);
    expect(out.pop()).to.equal('127.0.0.2/32\n');
    const lines = auditLines();
    expect(lines.map((l) => [l['command'], l['entry'], l['outcome'], l['list'], l['zkIdentities']])).to.deep.equal([
      ['whitelist add', '127.0.0.2/32', 'changed', 'ZooKeeper znode /hsec/whitelist', ['digest:admin']],
      ['whitelist add', '10.0.0.0/8', 'failed: ZK_NO_AUTH', 'ZooKeeper znode /hsec/whitelist', []],
    ]);
    expect(lines[0]!['time']).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(lines[0]!['user']).to.be.a('string');
    const zk = await ZkClient.connect({ connectString: zoo.zk.connectString });
    try {
      const { acl } = await zk.getAcl('/hsec/whitelist');
      expect(acl.map((a) => `${a.scheme}:${a.perms}`)).to.deep.equal(['digest:31', 'world:1']);
    } finally {
      await zk.close();
    }
  });

  it('the four outcomes, each connection recording the rule that decided it', async () => {
    nn = await NameNode.start(loadConfiguration({ confDir, env: {} }));
    clients = new Clients(realm.kdc, () => nn);
    const connections = recorder('hsec:rpc:connection');
    try {
      expect((await clients.kerberos(cc['alice']!, '127.0.0.2', OFFER)).qop).to.equal('auth');
      expect((await clients.kerberos(cc['alice']!, '127.0.0.3', OFFER)).qop).to.equal('auth-conf');
      expectNoCommonQop(await rejection(clients.kerberos(cc['alice']!, '127.0.0.3', ['auth'])), ['auth'], ['auth-conf']);
      expect((await clients.kerberos(cc['alice']!, '127.0.0.2', ['auth-conf'])).qop).to.equal('auth-conf');
    } finally {
      connections.stop();
    }
    expect(connections.events.map((e) => [e['remoteAddress'], e['qop'], e['qopRule']])).to.deep.equal([
      ['127.0.0.2', 'auth', 'entry 127.0.0.2/32 of ZooKeeper znode /hsec/whitelist line 1'],
      ['127.0.0.3', 'auth-conf', `not whitelisted (${join(dir, 'fixedwhitelist')}, ZooKeeper znode /hsec/whitelist): hadoop.rpc.protection.non-whitelist`],
      ['127.0.0.2', 'auth-conf', 'entry 127.0.0.2/32 of ZooKeeper znode /hsec/whitelist line 1'],
    ]);
  });

  it('hsec policy explain names the QOP list, the matching entry and where it came from', async () => {
    expect(await anonymous(['explain', '127.0.0.2'])).to.equal(0);
    expect(out.pop()).to.equal('127.0.0.2 is offered [auth,auth-conf]\n  rule:   entry 127.0.0.2/32 of ZooKeeper znode /hsec/whitelist line 1\n  source: zookeeper (ZooKeeper znode /hsec/whitelist)\n');
    expect(await anonymous(['explain', '127.0.0.3'])).to.equal(0);
    expect(out.pop()).to.contain('127.0.0.3 is offered [auth-conf]\n').and.contain('source: default (hadoop.rpc.protection.non-whitelist)');
    expect(await anonymous(['explain', '127.0.0.1'])).to.equal(0);
    expect(out.pop()).to.contain('[auth,auth-conf]').and.contain('source: built-in');
  });

  it('whitelist remove changes the outcome for the next connection from 127.0.0.2 within 250 ms', async () => {
    const decisions = recorder('hsec:resolver:decision');
    const loads = recorder('hsec:resolver:list-loaded');
    let written = 0;
    const started = performance.now();
    try {
      expect(await admin(['whitelist', 'remove', '127.0.0.2/32'])).to.equal(0);
      written = performance.now();
      // Connect from 127.0.0.2 again and again: the server decides at accept time.
      await eventually('127.0.0.2 loses its whitelisting', 2000, async () => (await clients.kerberos(cc['alice']!, '127.0.0.2', OFFER)).qop === 'auth-conf');
    } finally {
      decisions.stop();
      loads.stop();
    }
    const first = decisions.events.find((e) => e['stage'] === 'offer' && e['address'] === '127.0.0.2' && (e['qop'] as string[]).join() === 'auth-conf');
    const applied = loads.events.find((e) => e['origin'] === 'ZooKeeper znode /hsec/whitelist');
    const delayMs = (first!['at'] as number) - written;
    process.stderr.write(
      `      measured: the NameNode applied the new list ${((applied!['at'] as number) - started).toFixed(1)} ms after hsec policy started ` +
        `(connect, read, compare-and-set, watch, reload); the first connection from 127.0.0.2 after the command returned was refused auth ${delayMs.toFixed(1)} ms later\n`,
    );
    expect(delayMs).to.be.below(250);
    expect((applied!['at'] as number) - started).to.be.below(250 + (written - started));
  });

  it('ZooKeeper down: the NameNode keeps its last list, reports itself degraded, and resynchronises; a new entry then arrives within seconds', async () => {
    expect(await admin(['whitelist', 'add', '127.0.0.3'])).to.equal(0);
    await eventually('127.0.0.3 whitelisted', 5000, async () => (await clients.kerberos(cc['alice']!, '127.0.0.3', OFFER)).qop === 'auth');
    const degraded = recorder('hsec:resolver:list-degraded');
    try {
      await zoo.zk.stopServer();
      await eventually('degraded reported', 15_000, () => degraded.events.some((e) => e['degraded'] === true && e['origin'] === 'ZooKeeper znode /hsec/whitelist'));
      // The last list stays in force while ZooKeeper is away.
      expect((await clients.kerberos(cc['alice']!, '127.0.0.3', OFFER)).qop).to.equal('auth');
      expect((await clients.kerberos(cc['alice']!, '127.0.0.2', OFFER)).qop).to.equal('auth-conf');
      await zoo.zk.startServer();
      expect(await admin(['whitelist', 'add', '127.0.0.2/32'])).to.equal(0);
      const ms = await eventually('the new entry reaches the running NameNode', 20_000, async () => (await clients.kerberos(cc['alice']!, '127.0.0.2', OFFER)).qop === 'auth');
      process.stderr.write(`      measured: entry added after the ZooKeeper restart reached the NameNode after ${ms.toFixed(0)} ms\n`);
      await eventually('resynchronised', 10_000, () => degraded.events.some((e) => e['degraded'] === false));
      expect(degraded.events.filter((e) => e['degraded'] === true).map((e) => e['count'])).to.include(1);
    } finally {
      degraded.stop();
    }
    expect((await clients.kerberos(cc['alice']!, '127.0.0.3', OFFER)).qop).to.equal('auth'); // nothing was lost
  });

  it('a principal rule forces privacy for that principal from a whitelisted address; a privacy-bound token owner that negotiated auth is refused', async () => {
    // bob's token, fetched while no rule names him.
    const raw = (await clients.kerberos(cc['bob']!, '127.0.0.2', OFFER)).token;
    const issued = decodeGetDelegationTokenResponse(readDelimited(raw, 0).message)!;
    // The client names the service, as DFSClient does: the NameNode's ip:port.
    const token = new Token(issued.identifier, issued.password, issued.kind, `127.0.0.1:${nn.address.port}`);
    expect(await admin(['principal', 'add', `bob@${realm.kdc.realm}`])).to.equal(0);
    await eventually('the rule reaches the NameNode', 5000, async () => (await clients.kerberos(cc['bob']!, '127.0.0.2', OFFER)).qop === 'auth-conf');
    expect((await clients.kerberos(cc['alice']!, '127.0.0.2', OFFER)).qop).to.equal('auth');
    const e = await rejection(clients.token(token, '127.0.0.2', OFFER));
    expect(e.message).to.contain('org.apache.hadoop.security.AccessControlException');
    expect(e.message).to.contain(`bob@${realm.kdc.realm} negotiated SASL QOP auth, but principal rule bob@${realm.kdc.realm} of ZooKeeper znode /hsec/private-principals line 1 requires [auth-conf]`);
    expect(await clients.token(token, '127.0.0.2', ['auth-conf'])).to.equal('auth-conf');
    expect(await anonymous(['explain', '127.0.0.2', '--principal', `bob@${realm.kdc.realm}`])).to.equal(0);
    expect(out.pop()).to.contain('is offered [auth-conf]').and.contain(`rule:   principal rule bob@${realm.kdc.realm} of ZooKeeper znode /hsec/private-principals line 1`);
  });
});

describe('selective encryption: the whitelist in a Kerberos-secured ZooKeeper (SASL, sasl: ACLs, zookeeper/localhost keytab)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  const zoo = useMiniZooKeeper(() => ({ kerberos: { kdc: realm.kdc, requireClientAuth: true } }));
  let dir: string;
  let confDir: string;
  let adminKeytab: string;
  let nn: NameNode;
  let clients: Clients;
  let ccAlice: string;
  const out: string[] = [];
  const env = (): NodeJS.ProcessEnv => ({ KRB5_CONFIG: realm.kdc.krb5ConfPath });
  // The NameNode's own identity (nn/localhost, read-only in the ACL) unless the admin keys are given.
  const policy = (args: string[], asAdmin: boolean) =>
    runPolicy(
      { confDir, ...(asAdmin ? { overrides: { 'hadoop.zk.kerberos.principal': realm.kdc.principal('hdfs-admin'), 'hadoop.zk.kerberos.keytab': adminKeytab } } : {}) },
      args,
      { out: (s) => void out.push(s), env: env() },
    );

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'hsec-wl-zk-krb-'));
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    adminKeytab = join(dir, 'admin.keytab');
    await realm.kdc.createKeytab(adminKeytab, 'hdfs-admin');
    ccAlice = await loginUser(realm.kdc, dir, 'alice');
    writeFileSync(join(dir, 'fixedwhitelist'), '');
    confDir = writeNameNodeConf(dir, realm.kdc, keytab, {
      'hadoop.security.sasl.fixedwhitelist.file': join(dir, 'fixedwhitelist'),
      'hsec.security.sasl.whitelist.store': 'zookeeper',
      'hadoop.zk.address': zoo.zk.connectString,
      'hadoop.zk.timeout-ms': '6000',
      'hadoop.zk.kerberos.principal': realm.kdc.principal('nn/localhost'),
      'hadoop.zk.kerberos.keytab': keytab,
      'hadoop.zk.acl': `sasl:${realm.kdc.principal('hdfs-admin')}:rwcda,sasl:${realm.kdc.principal('nn/localhost')}:r`,
      'hsec.security.sasl.policy.audit.file': join(dir, 'audit.log'),
    });
  });
  afterEach(() => clients?.close());
  after(async () => {
    await nn?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the admin principal writes, the NameNode principal only reads, and the whitelist decides as with digest', async () => {
    expect(await policy(['whitelist', 'add', '127.0.0.2/32'], true)).to.equal(0);
    const refused = await rejectsWithCode(policy(['whitelist', 'add', '127.0.0.3'], false), 'ZK_NO_AUTH');
    expect(refused.message).to.contain(`sasl:${realm.kdc.principal('nn/localhost')}`).and.contain(`sasl:${realm.kdc.principal('hdfs-admin')}:rwcda`);
    nn = await NameNode.start(loadConfiguration({ confDir, env: {} }), { krb5: loadKrb5Config(realm.kdc.krb5ConfPath) });
    clients = new Clients(realm.kdc, () => nn);
    expect((await clients.kerberos(ccAlice, '127.0.0.2', OFFER)).qop).to.equal('auth');
    expect((await clients.kerberos(ccAlice, '127.0.0.3', OFFER)).qop).to.equal('auth-conf');
    expectNoCommonQop(await rejection(clients.kerberos(ccAlice, '127.0.0.3', ['auth'])), ['auth'], ['auth-conf']);
    expect((await clients.kerberos(ccAlice, '127.0.0.2', ['auth-conf'])).qop).to.equal('auth-conf');
    expect(await policy(['explain', '127.0.0.2'], false)).to.equal(0);
    expect(out.pop()).to.contain('is offered [auth,auth-conf]').and.contain('entry 127.0.0.2/32 of ZooKeeper znode /hsec/whitelist line 1');
    expect(await policy(['whitelist', 'remove', '127.0.0.2'], true)).to.equal(0);
    expect(out.pop()).to.match(/^removed 127.0.0.2 \(1 line\)/);
    await eventually('127.0.0.2 loses its whitelisting', 1000, async () => (await clients.kerberos(ccAlice, '127.0.0.2', OFFER)).qop === 'auth-conf');
  });
});
