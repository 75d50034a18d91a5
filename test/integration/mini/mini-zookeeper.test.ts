/**
 * MiniZooKeeper against real clients: the four-letter words it whitelists answer, ZooKeeper's own
 * Java client (org.apache.zookeeper.ZooKeeperMain from the Debian package) connects on the
 * advertised port and writes and reads a znode, a Kerberos-enabled server authenticates a keytab
 * client (SASL GSSAPI against the MiniKdc) whose `sasl:` ACL keeps anonymous clients out, and
 * stop() leaves no JVM or temp dir behind.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { requireBinary, runProgram } from '../../../cluster/mini/binaries.ts';
import { pidAlive } from '../../../cluster/mini/managed-process.ts';
import { join } from 'node:path';
import { writeJaasConfig } from '../../../cluster/mini/jaas.ts';
import { MiniZooKeeper, ZOOKEEPER_JAR, ZOOKEEPER_SERVICE, zookeeperInstalled } from '../../../cluster/mini/mini-zookeeper.ts';
import { useMiniKdc, useMiniZooKeeper } from '../../support/fixtures.ts';
import { requireBinariesOrSkip, skipOrFail } from '../../support/binaries.ts';

/** Runs one zkCli command through ZooKeeper's own Java client (JVM options e.g. for a JAAS login). */
async function zkCli(connectString: string, command: string[], jvmOptions: string[] = []): Promise<string> {
  const res = await runProgram(
    requireBinary('java'),
    ['-Xmx128m', ...jvmOptions, '-cp', ZOOKEEPER_JAR, 'org.apache.zookeeper.ZooKeeperMain', '-server', connectString, ...command],
    { timeoutMs: 60_000 },
  );
  return res.stdout + res.stderr;
}

describe('MiniZooKeeper (real ZooKeeper server)', function () {
  const fixture = useMiniZooKeeper();

  it('listens on a loopback connect string and answers ruok with imok', async function () {
    expect(fixture.zk.connectString).to.equal(`127.0.0.1:${fixture.zk.port}`);
    expect(await fixture.zk.fourLetterWord('ruok')).to.equal('imok');
    const srvr = await fixture.zk.fourLetterWord('srvr');
    expect(srvr).to.match(/^Mode: standalone$/m);
  });

  it('refuses four-letter words outside the whitelist', async function () {
    const answer = await fixture.zk.fourLetterWord('envi');
    expect(answer).to.include('not in the whitelist');
  });

  it("accepts ZooKeeper's Java client, which creates and reads back a znode", async function () {
    this.timeout(120_000);
    const created = await zkCli(fixture.zk.connectString, ['create', '/hsec-mini-test', 'hello-hsec']);
    expect(created).to.include('Created /hsec-mini-test');
    const read = await zkCli(fixture.zk.connectString, ['get', '/hsec-mini-test']);
    expect(read).to.include('hello-hsec');
    const stat = await fixture.zk.fourLetterWord('stat');
    expect(stat).to.match(/^Node count: \d+$/m);
  });
});

describe('MiniZooKeeper with Kerberos (SASL GSSAPI) clients', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  const fixture = useMiniZooKeeper(() => ({ kerberos: { kdc: realm.kdc } }));
  let aliceJvm: string[];

  before(async function () {
    const keytab = join(realm.kdc.dir, 'alice.keytab');
    await realm.kdc.createKeytab(keytab, 'alice');
    const jaas = join(realm.kdc.dir, 'client.jaas');
    writeJaasConfig(jaas, [{ section: 'Client', principal: realm.kdc.principal('alice'), keytab, storeKey: false }]);
    aliceJvm = [...realm.kdc.javaOptions(), `-Djava.security.auth.login.config=${jaas}`];
  });

  it('authenticates a Kerberos client, whose sasl ACL then keeps anonymous clients out', async function () {
    expect(await realm.kdc.hasPrincipal(ZOOKEEPER_SERVICE)).to.equal(true);
    const created = await zkCli(fixture.zk.connectString, ['create', '/alice-only', 'for-alice', 'sasl:alice@EXAMPLE.TEST:cdrwa'], aliceJvm);
    expect(created).to.include('SaslAuthenticated');
    expect(created).to.include('Created /alice-only');
    expect(await zkCli(fixture.zk.connectString, ['get', '/alice-only'], aliceJvm)).to.include('for-alice');
    const anonymous = await zkCli(fixture.zk.connectString, ['get', '/alice-only']);
    expect(anonymous).to.include('Insufficient permission');
    expect(anonymous).to.not.include('for-alice');
  });
});

describe('MiniZooKeeper requiring Kerberos client authentication', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  const fixture = useMiniZooKeeper(() => ({ kerberos: { kdc: realm.kdc, requireClientAuth: true } }));

  it('closes sessions that do not authenticate, and serves those that do', async function () {
    const anonymous = await zkCli(fixture.zk.connectString, ['create', '/anon', 'x']);
    expect(anonymous).to.include('Session closed because client failed to authenticate');
    expect(anonymous).to.not.include('Created /anon');
    expect(readFileSync(fixture.zk.logPath, 'utf8')).to.include('does not match with any of the expected authentication scheme [sasl]');

    const keytab = join(realm.kdc.dir, 'carol.keytab');
    await realm.kdc.createKeytab(keytab, 'carol');
    const jaas = join(realm.kdc.dir, 'carol.jaas');
    writeJaasConfig(jaas, [{ section: 'Client', principal: realm.kdc.principal('carol'), keytab, storeKey: false }]);
    const carol = await zkCli(fixture.zk.connectString, ['create', '/carol', 'x'], [...realm.kdc.javaOptions(), `-Djava.security.auth.login.config=${jaas}`]);
    expect(carol).to.include('Created /carol');
  });
});

describe('MiniZooKeeper lifecycle', function () {
  before(function () {
    requireBinariesOrSkip(this, 'java');
    if (!zookeeperInstalled()) skipOrFail(this, `missing ${ZOOKEEPER_JAR} (Debian: apt-get install zookeeper)`);
  });

  it('stops the JVM by pid and removes its temp dir; stop() is idempotent', async function () {
    this.timeout(120_000);
    const zk = await MiniZooKeeper.start();
    const pid = zk.pid;
    expect(pid).to.be.a('number');
    expect(pidAlive(pid!)).to.equal(true);
    await zk.stop();
    expect(pidAlive(pid!)).to.equal(false);
    expect(existsSync(zk.dir)).to.equal(false);
    expect(zk.pid).to.equal(undefined);
    expect(await zk.fourLetterWord('ruok')).to.equal('');
    await zk.stop();
  });

  it('passes extra zoo.cfg settings to the server', async function () {
    this.timeout(120_000);
    const zk = await MiniZooKeeper.start({ config: { tickTime: '1500' } });
    try {
      const stat = await zk.fourLetterWord('srvr');
      expect(stat).to.match(/^Mode: standalone$/m);
      // `conf` is not whitelisted; the server log shows the tick time it actually uses.
      expect(readFileSync(`${zk.dir}/zoo.cfg`, 'utf8')).to.include('tickTime=1500');
      expect(readFileSync(zk.logPath, 'utf8')).to.match(/tickTime.{0,20}1500|1500.{0,5}ms/i);
    } finally {
      await zk.stop();
    }
  });
});
