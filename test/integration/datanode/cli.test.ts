/**
 * `hsec datanode` as a real child process through bin/hsec (MIT KDC): configuration from the conf
 * dir, keytab login, ready line and pid file, registration with the real hsec NameNode (running in
 * the test process), files written and read by the product client through the port it prints, a
 * clean stop on SIGTERM; and exit code 1 when its data directory belongs to another cluster.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATANODE_READY } from '../../../cluster/cli/commands/datanode.ts';
import { pidAlive } from '../../../cluster/mini/managed-process.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { waitForOutput } from '../../support/child-output.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { randomBytes } from 'node:crypto';
import { closeRealm, handshakesDuring, locatedBlock, makeRealm, TestCluster, waitFor, type Realm } from './datanode-fixture.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('cli: hsec datanode (MIT KDC)', function () {
  this.timeout(180_000);
  const kdcFixture = useMiniKdc();
  let dir: string;
  let realm: Realm;
  let cluster: TestCluster | undefined;
  const children: ChildProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dncli-'));
    realm = await makeRealm(kdcFixture.kdc, dir);
    cluster = await TestCluster.start(realm, dir, { conf: { 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' } });
  });
  after(async () => {
    for (const c of children) if (c.pid && pidAlive(c.pid)) c.kill('SIGKILL');
    await cluster?.stop();
    closeRealm(realm);
    rmSync(dir, { recursive: true, force: true });
  });

  function confDir(name: string, dataDir: string): string {
    const conf = join(dir, name);
    mkdirSync(conf);
    writeSiteXml(join(conf, 'core-site.xml'), [
      { name: 'hadoop.security.authentication', value: 'kerberos' },
      { name: 'hadoop.rpc.protection', value: 'privacy' },
    ]);
    writeSiteXml(join(conf, 'hdfs-site.xml'), [
      { name: 'dfs.namenode.rpc-address', value: `127.0.0.1:${cluster!.nn.address.port}` },
      { name: 'dfs.namenode.kerberos.principal', value: `nn/localhost@${realm.kdc.realm}` },
      { name: 'dfs.datanode.kerberos.principal', value: `dn/_HOST@${realm.kdc.realm}` },
      { name: 'dfs.datanode.keytab.file', value: realm.dnKeytab },
      { name: 'dfs.datanode.hostname', value: 'localhost' },
      { name: 'dfs.datanode.address', value: '127.0.0.1:0' },
      { name: 'dfs.datanode.ipc.address', value: '127.0.0.1:0' },
      { name: 'dfs.datanode.data.dir', value: `file://${dataDir}` },
      { name: 'dfs.block.access.token.enable', value: 'true' },
      { name: 'dfs.data.transfer.protection', value: 'privacy' },
      { name: 'dfs.encrypt.data.transfer.cipher.suites', value: 'AES/CTR/NoPadding' },
      { name: 'dfs.heartbeat.interval', value: '1' },
    ]);
    return conf;
  }

  function hsecDatanode(conf: string, pidFile: string): ChildProcess {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'hsec'), '--config', conf, 'datanode', '--pid-file', pidFile], {
      cwd: REPO, env: { ...realm.kdc.env(), HSEC_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  }

  it('starts from the conf dir, prints its ready line, serves blocks, and stops on SIGTERM', async () => {
    const pidFile = join(dir, 'dn.pid');
    const child = hsecDatanode(confDir('conf-ok', join(dir, 'data-ok')), pidFile);
    const banner = await waitForOutput(child, DATANODE_READY, 90_000, 'hsec datanode');
    expect(banner).to.contain(`as dn/localhost@${realm.kdc.realm}`).and.contain('general SASL handshake');
    expect(readFileSync(pidFile, 'utf8').trim()).to.equal(String(child.pid));
    const port = Number(/data transfer on 127\.0\.0\.1:(\d+)/.exec(banner)![1]);
    const uuid = /datanode ([0-9a-f-]{36})/.exec(banner)![1]!;
    await waitFor(() => cluster!.nn.namesystem.datanodes.get(uuid)?.alive === true, 'the registration with the NameNode');
    expect(cluster!.nn.namesystem.datanodes.get(uuid)!.registration.datanodeID.xferPort).to.equal(port);
    const fs = await cluster!.client();
    const data = randomBytes(500_000);
    const events = await handshakesDuring(async () => {
      await fs.writeFile('/user/alice/via-cli', data);
      expect(Buffer.compare(await fs.readFile('/user/alice/via-cli'), data)).to.equal(0);
    });
    const lb = await locatedBlock(cluster!.protocol(), '/user/alice/via-cli');
    expect(lb.locs!.map((l) => [l.id.datanodeUuid, l.id.xferPort])).to.deep.equal([[uuid, port]]);
    // this process holds only the client's side of each handshake: AES/CTR after the general SASL handshake
    const client = events.filter((e) => e.side === 'client');
    expect(client.length, 'the write and the read').to.be.greaterThan(1);
    for (const e of client) expect(e).to.include({ handshake: 'general', protection: 'aes-ctr' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const out: string[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b.toString()));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    expect(out.join('')).to.contain('hsec datanode: stopped');
    expect(existsSync(pidFile)).to.equal(false);
  });

  it('exits with code 1 when its data directory belongs to another cluster (Incompatible clusterIDs)', async () => {
    const data = join(dir, 'data-foreign');
    mkdirSync(join(data, 'current'), { recursive: true });
    writeFileSync(join(data, 'current', 'VERSION'), '#x\nstorageID=DS-1\nclusterID=CID-other\ncTime=0\ndatanodeUuid=11111111-2222-3333-4444-555555555555\nstorageType=DATA_NODE\nlayoutVersion=-57\n');
    const child = hsecDatanode(confDir('conf-foreign', data), join(dir, 'dn2.pid'));
    const stderr = { text: '' };
    let stdout = '';
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr.text += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).to.equal(1);
    expect(stdout).to.contain('Incompatible clusterIDs');
    expect(stdout).to.contain('hsec datanode: stopped');
  });
});
