// The ZooKeeper delegation token store (hsec.namenode.delegation.token.store=zookeeper, Hadoop's
// zk-dt-secret-manager.* keys) against a real ZooKeeper (Debian package) and the MIT KDC:
//  - the store writes the znode tree Hadoop 3.4.1's ZKDelegationTokenSecretManager writes (paths,
//    ACLs, counters with the batch reserved, versions, the roots' Curator default data), for the same
//    steps as test/vectors/zk-delegation-token-store.json (issue two tokens, renew one, cancel one);
//  - two NameNodes share one token space: a token one issues authenticates at the other, is renewed
//    and cancelled through the other, and the issuer refuses it once its token list sync has run;
//    sequence numbers come from disjoint batches; restarting either NameNode loses nothing.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { Configuration } from '../../../lib/config/index.ts';
import { InvalidTokenError } from '../../../lib/errors/index.ts';
import { ZkClient } from '../../../lib/zk/index.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import { curatorDefaultData, zkTokenStoreFromConfig } from '../../../security/token/store/zookeeper/config.ts';
import { zkdtsmPaths } from '../../../security/token/store/zookeeper/znode-codec.ts';
import { Token } from '../../../security/token/token.ts';
import { useMiniKdc, useMiniZooKeeper } from '../../support/fixtures.ts';
import { expectCode, rejectsWithCode } from '../../support/expect-code.ts';
import { freePort } from '../../../cluster/mini/ports.ts';
import { kerberosClient, loginUser, nnConf, rejection, tokenClient, type TestClient } from './namenode-fixture.ts';

interface VectorZnode {
  path: string;
  data_hex: string;
  stat: { version: number; cversion: number; numChildren: number };
  acl: { scheme: string; id: string; perms: number }[];
}
const vectors = JSON.parse(readFileSync(new URL('../../vectors/zk-delegation-token-store.json', import.meta.url), 'utf8')) as {
  config: Record<string, string>;
  znodes_final: VectorZnode[];
};
const DAY = 86_400_000;

describe('ZooKeeper token store: the znode tree of Hadoop 3.4.1 ZKDelegationTokenSecretManager', function () {
  this.timeout(60_000);
  const zoo = useMiniZooKeeper();

  it('issue, issue, renew, cancel leave the same paths, ACLs, counters, versions and data shapes as Hadoop', async () => {
    const working = vectors.config['zk-dt-secret-manager.znodeWorkingPath']!;
    const conf = new Configuration({ env: {} })
      .set('zk-dt-secret-manager.zkConnectionString', zoo.zk.connectString)
      .set('zk-dt-secret-manager.zkAuthType', 'none')
      .set('zk-dt-secret-manager.znodeWorkingPath', working);
    const sm = new DelegationTokenSecretManager({ store: zkTokenStoreFromConfig(conf), keyUpdateInterval: DAY, tokenMaxLifetime: 7 * DAY, tokenRenewInterval: DAY });
    await sm.start(false);
    const one = await sm.createToken({ owner: 'alice@EXAMPLE.TEST', renewer: 'yarn' });
    const two = await sm.createToken({ owner: 'bob@EXAMPLE.TEST', renewer: 'yarn', realUser: 'oozie@EXAMPLE.TEST' });
    expect([one.identifier.sequenceNumber, one.identifier.masterKeyId, two.identifier.sequenceNumber]).to.deep.equal([1, 2, 2]);
    await sm.renewToken(one.token, 'yarn');
    await sm.cancelToken(two.token, 'yarn');
    await sm.stop();

    const zk = await ZkClient.connect({ connectString: zoo.zk.connectString });
    try {
      const rootData = Buffer.from(await curatorDefaultData()).toString('hex');
      for (const want of vectors.znodes_final) {
        const node = await zk.getData(want.path);
        const { acl } = await zk.getAcl(want.path);
        expect(acl, want.path).to.deep.equal(want.acl.map(({ scheme, id, perms }) => ({ scheme, id, perms })));
        expect({ version: node.stat.version, cversion: node.stat.cversion, numChildren: node.stat.numChildren }, want.path).to.deep.equal({
          version: want.stat.version,
          cversion: want.stat.cversion,
          numChildren: want.stat.numChildren,
        });
        const hex = Buffer.from(node.data).toString('hex');
        if (want.path.endsWith('Root') && (want.path.includes('MasterKey') || want.path.includes('Tokens'))) expect(hex, want.path).to.equal(rootData);
        else if (want.path.includes('/DK_') || want.path.includes('/DT_')) expect(node.data.length, want.path).to.equal(want.data_hex.length / 2);
        else expect(hex, want.path).to.equal(want.data_hex); // namespace (empty) and the counters: 100 and 2
      }
      const paths = zkdtsmPaths(working);
      expect((await zk.getChildren(paths.tokens)).children).to.deep.equal(['DT_1']);
    } finally {
      await zk.close();
    }
  });

  it('an unreachable ensemble fails the start with ZK_UNREACHABLE naming the zk-dt-secret-manager keys', async () => {
    const port = await freePort();
    const conf = new Configuration({ env: {} })
      .set('zk-dt-secret-manager.zkConnectionString', `127.0.0.1:${port}`)
      .set('zk-dt-secret-manager.zkAuthType', 'none')
      .set('zk-dt-secret-manager.zkConnectionTimeout', '1000');
    const sm = new DelegationTokenSecretManager({ store: zkTokenStoreFromConfig(conf) });
    const e = await rejectsWithCode(sm.start(false), 'ZK_UNREACHABLE');
    expect(e.message).to.contain(`could not reach ZooKeeper at 127.0.0.1:${port} (zk-dt-secret-manager.zkConnectionString) within 1000 ms (zk-dt-secret-manager.zkConnectionTimeout)`);
    expect(e.message).to.contain('ECONNREFUSED');
    expectCode(() => zkTokenStoreFromConfig(new Configuration({ env: {} }).set('zk-dt-secret-manager.zkConnectionString', 'x:1')), 'CONFIG_MISSING');
  });
});

describe('namenode: two NameNodes sharing the ZooKeeper token store (MIT KDC, real ZooKeeper)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  const zoo = useMiniZooKeeper();
  let dir: string;
  let keytab: string;
  const cc: Record<string, string> = {};
  const clients: TestClient[] = [];
  let nn1: NameNode;
  let nn2: NameNode;

  const conf = (name: string, port = 0) =>
    nnConf(realm.kdc, join(dir, name), keytab, 'privacy', port, {
      'hsec.namenode.delegation.token.store': 'zookeeper',
      'zk-dt-secret-manager.zkConnectionString': zoo.zk.connectString,
      'zk-dt-secret-manager.zkAuthType': 'none',
      'zk-dt-secret-manager.znodeWorkingPath': 'shared-nn',
      'zk-dt-secret-manager.router.token.sync.interval': '1',
    });

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'hsec-zk-store-'));
    keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    for (const u of ['alice', 'yarn']) cc[u] = await loginUser(realm.kdc, dir, u);
    nn1 = await NameNode.start(conf('nn1'));
    nn2 = await NameNode.start(conf('nn2'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await nn1?.stop();
    await nn2?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const krb = (user: string, nn: NameNode) => {
    const c = kerberosClient(realm.kdc, cc[user]!, user, nn.address, 'privacy');
    clients.push(c);
    return c.nn;
  };
  /** The token, addressed to `nn` (a client picks its token by the server's ip:port). */
  const via = (token: Token, nn: NameNode) => {
    const c = tokenClient(realm.kdc, [new Token(token.identifier, token.password, token.kind, `127.0.0.1:${nn.address.port}`)], nn.address, 'privacy');
    clients.push(c);
    return c.nn;
  };
  const seq = (t: Token): number => DelegationTokenIdentifier.decode(t.identifier).sequenceNumber;

  it('a token from one NameNode authenticates at the other, which renews and cancels it; the issuer then refuses it', async () => {
    const token = (await krb('alice', nn1).getDelegationToken('yarn'))!;
    expect((await via(token, nn2).getServerDefaults()).blockSize).to.equal(134_217_728);
    const before = Date.now();
    const expiry = await krb('yarn', nn2).renewDelegationToken(token);
    expect(expiry).to.be.within(before + DAY - 5000, Date.now() + DAY);
    expect(nn1.secretManager.renewDateOf(token.identifier)).to.be.below(expiry); // nn1 has not seen the renewal: no watches
    await krb('alice', nn2).cancelDelegationToken(token);
    expect(await rejection(via(token, nn2).getServerDefaults())).to.be.instanceOf(InvalidTokenError);
    // nn1 cached the token when it issued it; its token list sync (every second here) drops it.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const e = await via(token, nn1).getServerDefaults().then(() => undefined, (err: Error) => err);
      if (e) {
        expect(e).to.be.instanceOf(InvalidTokenError);
        break;
      }
      if (Date.now() > deadline) throw new Error('nn1 still accepts a token cancelled through nn2 after 10 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('sequence numbers come from disjoint batches of the shared counter', async () => {
    const a = [seq((await krb('alice', nn1).getDelegationToken('yarn'))!), seq((await krb('alice', nn1).getDelegationToken('yarn'))!)];
    const b = [seq((await krb('alice', nn2).getDelegationToken('yarn'))!), seq((await krb('alice', nn2).getDelegationToken('yarn'))!)];
    expect(a[1]).to.equal(a[0]! + 1);
    expect(b[1]).to.equal(b[0]! + 1);
    expect(Math.floor((a[0]! - 1) / 100)).to.not.equal(Math.floor((b[0]! - 1) / 100)); // batches of 100
  });

  it('restarting either NameNode loses no token and no key: both still accept tokens both issued', async () => {
    const fromOne = (await krb('alice', nn1).getDelegationToken('yarn'))!;
    const fromTwo = (await krb('alice', nn2).getDelegationToken('yarn'))!;
    const port1 = nn1.address.port;
    await nn1.stop();
    nn1 = await NameNode.start(conf('nn1', port1));
    for (const nn of [nn1, nn2]) for (const t of [fromOne, fromTwo]) expect((await via(t, nn).getServerDefaults()).blockSize).to.equal(134_217_728);
    const port2 = nn2.address.port;
    await nn2.stop();
    nn2 = await NameNode.start(conf('nn2', port2));
    for (const nn of [nn1, nn2]) for (const t of [fromOne, fromTwo]) expect((await via(t, nn).getServerDefaults()).blockSize).to.equal(134_217_728);
    expect(await krb('yarn', nn2).renewDelegationToken(fromOne)).to.be.greaterThan(Date.now());
    // A restarted NameNode reserves a new batch: its next token does not reuse a number.
    const after = seq((await krb('alice', nn1).getDelegationToken('yarn'))!);
    expect(after).to.be.greaterThan(Math.max(seq(fromOne), seq(fromTwo)));
  });
});
