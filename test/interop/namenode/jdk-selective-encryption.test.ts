/**
 * Selective encryption against JDK clients (issue 8, "Done when"): the JDK ClientProtocol peer
 * (test/interop/java/NameNodeTokenClient.java: JAAS keytab login, the JDK's GSSAPI with
 * javax.security.sasl.qop set to the list it is given, as Hadoop's SaslRpcClient does) bound to
 * 127.0.0.2 (whitelisted) or 127.0.0.3 (not) with -Dhsec.bindAddress, against an hsec NameNode with
 * hadoop.rpc.protection=authentication,privacy, hadoop.rpc.protection.non-whitelist=privacy and
 * Hadoop's WhitelistBasedResolver, once with the whitelist in ZooKeeper (written by
 * `hsec policy whitelist add` before the NameNode starts) and once in the fixed whitelist file:
 *  - 127.0.0.2 offering auth,auth-conf negotiates auth;
 *  - 127.0.0.3 offering auth,auth-conf negotiates auth-conf;
 *  - 127.0.0.3 offering only auth is refused: the JDK reports no common protection layer, and
 *    the server's offer for it was [auth-conf] (its decision event);
 *  - 127.0.0.2 insisting on auth-conf negotiates auth-conf.
 * Each negotiated connection also gets its token (getDelegationToken over the negotiated layer).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPolicy } from '../../../cluster/cli/commands/policy.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { useMiniKdc, useMiniZooKeeper } from '../../support/fixtures.ts';
import { compileJavaPeers } from '../../support/java.ts';
import { writeNameNodeConf } from '../../integration/rpc/selective-support.ts';

interface JavaRun { code: number | null; stdout: string; stderr: string }

function runPeer(classDir: string, bind: string, args: string[], jvmOptions: readonly string[], timeoutMs = 60_000): Promise<JavaRun> {
  return new Promise((resolve) => {
    const child = spawn('java', [...jvmOptions, `-Dhsec.bindAddress=${bind}`, '-cp', classDir, 'NameNodeTokenClient', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const line = (out: string, key: string): string | undefined => out.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);

for (const store of ['zookeeper', 'file'] as const) {
  describe(`interop: JDK clients from 127.0.0.2 / 127.0.0.3 -> hsec NameNode, whitelist in ${store === 'zookeeper' ? 'ZooKeeper' : 'the fixed file'} (MIT KDC)`, function () {
    this.timeout(240_000);
    const realm = useMiniKdc();
    const zoo = useMiniZooKeeper();
    let classDir: string;
    let dir: string;
    let jvm: string[];
    let nn: NameNode;

    before(async function () {
      this.timeout(120_000);
      requireBinariesOrSkip(this, 'java', 'javac');
      classDir = compileJavaPeers();
      dir = mkdtempSync(join(tmpdir(), 'hsec-jdk-selective-'));
      const keytab = join(dir, 'nn.keytab');
      await realm.kdc.createKeytab(keytab, 'nn/localhost');
      await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
      jvm = realm.kdc.javaOptions();
      const fixed = join(dir, 'fixedwhitelist');
      writeFileSync(fixed, store === 'file' ? '# internal clients\n127.0.0.2/32\n' : '');
      const confDir = writeNameNodeConf(dir, realm.kdc, keytab, {
        'hadoop.security.sasl.fixedwhitelist.file': fixed,
        ...(store === 'zookeeper' ? { 'hsec.security.sasl.whitelist.store': 'zookeeper', 'hadoop.zk.address': zoo.zk.connectString, 'hsec.security.sasl.policy.audit.file': join(dir, 'audit.log') } : {}),
      });
      if (store === 'zookeeper') {
        const warnings: string[] = [];
        expect(await runPolicy({ confDir }, ['whitelist', 'add', '127.0.0.2/32'], { out: () => undefined, err: (w) => void warnings.push(w), env: {} })).to.equal(0);
        // hadoop.zk.acl is left at its default here: the new znode is world-writable, and policy says so.
        expect(warnings.join('')).to.contain('a new /hsec/whitelist gets hadoop.zk.acl world:anyone:rwcda: anyone may change it');
      }
      nn = await NameNode.start(loadConfiguration({ confDir, env: {} }));
    });
    after(async () => {
      await nn?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const jdk = (bind: string, qop: string): Promise<JavaRun> =>
      runPeer(classDir, bind, ['localhost', String(nn.address.port), qop, 'krb', realm.kdc.principal('alice'), join(dir, 'alice.keytab'), 'getdt:yarn'], jvm);

    it('whitelisted + auth,auth-conf -> auth; other -> auth-conf; other with auth only -> refused; whitelisted insisting on auth-conf -> auth-conf', async () => {
      const offers: Record<string, unknown>[] = [];
      // With the ZooKeeper store there are principal rules (an empty znode), so a Kerberos connection
      // is decided twice: at accept time, and again in the GSSAPI offer once the principal is known.
      const on = (m: unknown): void => {
        const e = m as Record<string, unknown>;
        if (e['stage'] === 'offer' && (store === 'file' || e['principal'] === realm.kdc.principal('alice'))) offers.push(e);
      };
      subscribe('hsec:resolver:decision', on);
      let runs: JavaRun[];
      try {
        runs = [await jdk('127.0.0.2', 'auth,auth-conf'), await jdk('127.0.0.3', 'auth,auth-conf'), await jdk('127.0.0.3', 'auth'), await jdk('127.0.0.2', 'auth-conf')];
      } finally {
        unsubscribe('hsec:resolver:decision', on);
      }
      const [whitelisted, other, refused, insisting] = runs;
      for (const [r, qop] of [[whitelisted!, 'auth'], [other!, 'auth-conf'], [insisting!, 'auth-conf']] as const) {
        expect(r.code, r.stdout + r.stderr).to.equal(0);
        expect(line(r.stdout, 'QOP')).to.equal(qop);
        expect(line(r.stdout, 'TOKEN')).to.match(/^[A-Za-z0-9+/=]+:/);
      }
      expect(refused!.code).to.equal(2);
      expect(line(refused!.stdout, 'ERROR')).to.equal('javax.security.sasl.SaslException: No common protection layer between client and server');
      const origin = store === 'zookeeper' ? 'ZooKeeper znode /hsec/whitelist' : join(dir, 'fixedwhitelist');
      const line2 = store === 'zookeeper' ? 1 : 2;
      expect(offers.map((e) => [e['address'], (e['qop'] as string[]).join(','), e['reason']])).to.deep.equal([
        ['127.0.0.2', 'auth,auth-conf', `entry 127.0.0.2/32 of ${origin} line ${line2}`],
        ['127.0.0.3', 'auth-conf', `not whitelisted (${store === 'zookeeper' ? `${join(dir, 'fixedwhitelist')}, ${origin}` : origin}): hadoop.rpc.protection.non-whitelist`],
        ['127.0.0.3', 'auth-conf', `not whitelisted (${store === 'zookeeper' ? `${join(dir, 'fixedwhitelist')}, ${origin}` : origin}): hadoop.rpc.protection.non-whitelist`],
        ['127.0.0.2', 'auth,auth-conf', `entry 127.0.0.2/32 of ${origin} line ${line2}`],
      ]);
    });
  });
}
