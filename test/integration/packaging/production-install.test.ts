// A production install of the package, as a user gets it (issue 3: "`npm ls --omit=dev` shows no
// package with a native build step, and `hsec kinit -kt` + `hsec klist` work on a machine without
// libkrb5-dev"): `npm pack` a copy of this working tree (its `prepack` runs `npm run build`), then
// `npm install --omit=dev <tarball>` into a fresh project, and run the installed
// `node_modules/.bin/hsec` (dist/ JavaScript, no tsx, no TypeScript) against a real MIT KDC:
// kinit -kt, klist, MIT klist on the same cache, and a NameNode + fetchdt round trip (IPC .proto
// files loaded from dist/, SASL GSSAPI auth-conf). No installed package may carry native code or a
// native build step, so nothing links libkrb5 and nothing needs a compiler.
import { expect } from 'chai';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMiniKdc } from '../../support/fixtures.ts';
import { freePort } from '../../../cluster/mini/ports.ts';
import { pidAlive } from '../../../cluster/mini/managed-process.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { waitForOutput } from '../../support/child-output.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Working-tree entries not copied for `npm pack` (the build recreates dist/ in the copy). */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', '.tmp', '.hsec-build']);
const PACK_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 240_000;

/**
 * The environment for npm and the installed CLI: without the npm_* variables of an enclosing
 * `npm test` (which would steer the nested npm) and without NODE_OPTIONS (which could preload tsx);
 * CC/CXX point at `false`, so a package that tried to compile native code would fail to install.
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD') env[k] = v;
  }
  return { ...env, CC: 'false', CXX: 'false', ...extra };
}

/** Runs one step with a time bound; throws naming the step, exit status and output tail on failure. */
function step(what: string, cmd: string, args: string[], opts: { cwd: string; timeout: number; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), encoding: 'utf8', timeout: opts.timeout, killSignal: 'SIGKILL' });
  if (r.error || r.status !== 0) {
    const why = r.error ? `${r.error.message}${r.signal ? ` (killed: ${r.signal}, bound ${opts.timeout / 1000} s)` : ''}` : `exit status ${r.status}`;
    throw new Error(`${what} failed: \`${cmd} ${args.join(' ')}\` in ${opts.cwd}: ${why}\nstdout: ${(r.stdout ?? '').slice(-2000)}\nstderr: ${(r.stderr ?? '').slice(-2000)}`);
  }
  return r;
}

/** Every file below `dir` whose name ends with `suffix` (the walk skips symlinks). */
function findFiles(dir: string, suffix: string, found: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) findFiles(p, suffix, found);
    else if (e.isFile() && e.name.endsWith(suffix)) found.push(p);
  }
  return found;
}

describe('packaging: npm pack + npm install --omit=dev gives a working hsec without native code', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let work: string;
  let tarball: string;
  let app: string;
  let hsecBin: string;

  const hsec = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(hsecBin, args, { cwd: app, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });

  before(function () {
    this.timeout(PACK_TIMEOUT_MS + INSTALL_TIMEOUT_MS + 30_000);
    work = mkdtempSync(join(tmpdir(), 'hsec-pack-'));
    // Pack a copy, so the build runs in it and never touches the shared checkout's dist/.
    const src = join(work, 'src');
    cpSync(REPO, src, { recursive: true, filter: (p) => p === REPO || !NOT_COPIED.has(basename(p)) || dirname(p) !== REPO });
    symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'));
    const packDir = join(work, 'pack');
    mkdirSync(packDir);
    step('npm pack (prepack: npm run build)', 'npm', ['pack', '--pack-destination', packDir], { cwd: src, timeout: PACK_TIMEOUT_MS });
    const tgz = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    expect(tgz, `npm pack wrote no tarball into ${packDir}`).to.have.length(1);
    tarball = join(packDir, tgz[0]!);

    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'hsec-install-check', version: '1.0.0', private: true }));
    step('npm install --omit=dev of the packed tarball', 'npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
      cwd: app,
      timeout: INSTALL_TIMEOUT_MS,
    });
    hsecBin = join(app, 'node_modules', '.bin', 'hsec');
    expect(existsSync(hsecBin), `${hsecBin} missing after npm install`).to.equal(true);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds dist/ (with the .proto files) and the launcher, and no TypeScript sources or tests', () => {
    const entries = step('tar tzf', 'tar', ['tzf', tarball], { cwd: work, timeout: 30_000 }).stdout.split('\n').filter(Boolean);
    expect(entries).to.include.members([
      'package/package.json',
      'package/bin/hsec',
      'package/dist/bin/hsec.js',
      'package/dist/cluster/cli/index.js',
      'package/dist/lib/proto/RpcHeader.proto',
      'package/dist/lib/proto/Security.proto',
      'package/dist/cluster/protocol/ClientNamenodeProtocol.proto',
      'package/dist/api/index.js',
      'package/dist/api/index.d.ts',
      'package/dist/api/kerberos.d.ts',
      'package/dist/api/hdfs.d.ts',
      'package/dist/api/tokens.d.ts',
      'package/dist/api/config.d.ts',
      'package/dist/api/rpc.d.ts',
    ]);
    expect(entries.filter((e) => e.endsWith('.ts') && !e.endsWith('.d.ts'))).to.deep.equal([]);
    expect(entries.filter((e) => /^package\/(dist\/)?(test|bench)\//.test(e))).to.deep.equal([]);
  });

  it('npm ls --omit=dev: every package resolves, none is a dev tool, none has native code or a native build step', () => {
    const ls = step('npm ls --omit=dev', 'npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: app, timeout: 60_000 });
    const dirs = ls.stdout.split('\n').filter((d) => d && d !== app);
    const names = dirs.map((d) => (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name: string }).name);
    expect(names).to.include.members(['hsec', 'protobufjs', 'asn1js', 'commander', 'pino', 'sax']);
    expect(names).to.not.include.members(['kerberos', 'tsx', 'typescript', 'mocha', 'esbuild', 'node-gyp']);
    const native: string[] = [];
    for (const d of dirs) {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name: string; gypfile?: boolean; scripts?: Record<string, string> };
      const installScripts = ['preinstall', 'install', 'postinstall'].map((s) => pkg.scripts?.[s] ?? '').join(' ');
      if (pkg.gypfile) native.push(`${pkg.name}: gypfile`);
      if (existsSync(join(d, 'binding.gyp'))) native.push(`${pkg.name}: binding.gyp`);
      if (/node-gyp|prebuild|node-pre-gyp|cmake-js|napi/.test(installScripts)) native.push(`${pkg.name}: install script "${installScripts.trim()}"`);
    }
    expect(native, 'packages with a native build step').to.deep.equal([]);
    expect(findFiles(join(app, 'node_modules'), '.node'), 'compiled addons (.node) in the install').to.deep.equal([]);
  });

  it('the installed hsec kinit -kt writes a 0600 ccache; hsec klist and MIT klist both read it', async () => {
    const keytab = join(work, 'alice.keytab');
    await realm.kdc.createKeytab(keytab, 'alice');
    const cc = join(work, 'cc-alice');
    const env = realm.kdc.env(`FILE:${cc}`);
    const kinit = hsec(['kinit', '-kt', keytab, 'alice'], env);
    expect(kinit.status, `installed hsec kinit -kt: ${kinit.stderr}`).to.equal(0);
    expect(statSync(cc).mode & 0o777).to.equal(0o600);

    const ours = hsec(['klist'], env);
    expect(ours.status, `installed hsec klist: ${ours.stderr}`).to.equal(0);
    expect(ours.stdout).to.contain(`Default principal: alice@${realm.kdc.realm}`).and.contain(`krbtgt/${realm.kdc.realm}@${realm.kdc.realm}`);

    const mit = step('MIT klist on the ccache hsec wrote', 'klist', [], { cwd: work, timeout: 30_000, env });
    expect(mit.stdout).to.contain(`Default principal: alice@${realm.kdc.realm}`).and.contain(`krbtgt/${realm.kdc.realm}@${realm.kdc.realm}`);
  });

  it('the installed hsec namenode issues a delegation token to the installed hsec fetchdt (IPC protos from dist/, Kerberos, privacy)', async () => {
    const dir = join(work, 'nn');
    const confDir = join(dir, 'conf');
    mkdirSync(confDir, { recursive: true });
    const nnKeytab = join(dir, 'nn.keytab');
    const userKeytab = join(dir, 'bob.keytab');
    await realm.kdc.createKeytab(nnKeytab, 'nn/localhost');
    await realm.kdc.createKeytab(userKeytab, 'bob');
    const port = await freePort();
    writeSiteXml(join(confDir, 'core-site.xml'), [
      { name: 'hadoop.security.authentication', value: 'kerberos' },
      { name: 'hadoop.rpc.protection', value: 'privacy' },
    ]);
    writeSiteXml(join(confDir, 'hdfs-site.xml'), [
      { name: 'dfs.namenode.rpc-address', value: `127.0.0.1:${port}` },
      { name: 'dfs.namenode.kerberos.principal', value: `nn/localhost@${realm.kdc.realm}` },
      { name: 'dfs.block.access.token.enable', value: 'true' },
      { name: 'dfs.namenode.keytab.file', value: nnKeytab },
      { name: 'dfs.namenode.name.dir', value: `file://${join(dir, 'name')}` },
    ]);
    const pidFile = join(dir, 'nn.pid');
    const env = { ...realm.kdc.env(`FILE:${join(dir, 'cc-bob')}`), HADOOP_CONF_DIR: confDir };
    const child = spawn(hsecBin, ['namenode', '--pid-file', pidFile], { cwd: app, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      expect(await waitForOutput(child, 'hsec namenode: ready', 60_000, 'installed hsec namenode')).to.contain(`127.0.0.1:${port}`);
      const kinit = hsec(['kinit', '-kt', userKeytab, 'bob'], env);
      expect(kinit.status, `installed hsec kinit -kt: ${kinit.stderr}`).to.equal(0);
      const file = join(dir, 'bob.token');
      const fetch = hsec(['fetchdt', file], env);
      expect(fetch.status, `installed hsec fetchdt: ${fetch.stderr}`).to.equal(0);
      expect(fetch.stdout).to.contain(`Fetched token for 127.0.0.1:${port} into ${file}`);
      expect(readFileSync(file).subarray(0, 5).toString('hex')).to.equal('4844545300'); // "HDTS", version 0
      const print = hsec(['fetchdt', '--print', file], env);
      expect(print.status, `installed hsec fetchdt --print: ${print.stderr}`).to.equal(0);
      expect(print.stdout).to.match(/Token \(HDFS_DELEGATION_TOKEN token \d+ for bob with renewer /);
    } finally {
      // Stop by pid, bounded: SIGTERM, then SIGKILL after 10 s.
      const pid = child.pid;
      if (pid && pidAlive(pid) && child.exitCode === null) {
        const exited = new Promise<void>((res) => child.once('exit', () => res()));
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => pidAlive(pid) && process.kill(pid, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    }
  });

  it("the package's entries import (types included); a deep import is refused by the exports map; importing writes nothing", () => {
    const script = [
      "const entries = ['hsec', 'hsec/kerberos', 'hsec/hdfs', 'hsec/tokens', 'hsec/config', 'hsec/rpc'];",
      'const names = {};',
      'for (const e of entries) names[e] = Object.keys(await import(e)).length;',
      "let deep = 'imported';",
      "try { await import('hsec/dist/lib/log/logger.js'); } catch (err) { deep = err.code; }",
      'console.log(JSON.stringify({ names, deep }));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    const out = JSON.parse(r.stdout) as { names: Record<string, number>; deep: string };
    for (const [entry, count] of Object.entries(out.names)) expect(count, entry).to.be.greaterThan(2);
    expect(out.deep).to.equal('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'hsec', 'package.json'), 'utf8')) as { exports: Record<string, { types?: string }> };
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'object') expect(existsSync(join(app, 'node_modules', 'hsec', target.types!)), `${entry} types`).to.equal(true);
    }
  });

  it('every docs/api.md example runs as written against the installed hsec start pseudo-cluster (the keytab example: one import, under 15 lines)', async function () {
    this.timeout(240_000);
    const examples = apiExamples(readFileSync(join(REPO, 'docs', 'api.md'), 'utf8'));
    expect(Object.keys(examples)).to.include.members(['streams', 'keytab-token', 'token-file', 'errors', 'logging']);
    const main = examples['keytab-token']!;
    const codeLines = main.split('\n').filter((l) => l.trim() && !l.trim().startsWith('//'));
    expect(codeLines.length, main).to.be.lessThan(15);
    expect(codeLines.filter((l) => l.startsWith('import ')).length).to.be.at.most(2);

    const start = spawn(hsecBin, ['start'], { cwd: app, env: cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const banner = await waitForOutput(start, 'Press Ctrl-C to stop', 120_000, 'installed hsec start');
      const field = (re: RegExp): string => re.exec(banner)?.[1] ?? expect.fail(`banner lacks ${re}:\n${banner}`);
      const keytab = field(/alice@EXAMPLE\.TEST\s+keytab (\S+)/);
      const env = cleanEnv({
        KRB5_CONFIG: field(/export KRB5_CONFIG=(\S+)/),
        HADOOP_CONF_DIR: field(/HADOOP_CONF_DIR=(\S+)/),
        KRB5CCNAME: field(/KRB5CCNAME=(\S+)/),
      });
      const kinit = spawnSync(hsecBin, ['kinit', '-kt', keytab, 'alice'], { cwd: app, env, encoding: 'utf8', timeout: 60_000 });
      expect(kinit.status, kinit.stderr).to.equal(0);
      const run = (name: string) => {
        const file = join(app, `${name}.mjs`);
        const code = examples[name]!.replaceAll('/etc/security/keytabs/alice.keytab', keytab).replaceAll('/tmp/alice.token', join(work, 'alice.token'));
        writeFileSync(file, code);
        const r = spawnSync(process.execPath, [file], { cwd: app, env, encoding: 'utf8', timeout: 60_000 });
        expect(r.status, `example ${name}: ${r.stderr}`).to.equal(0);
        return r;
      };
      const quiet = (r: SpawnSyncReturns<string>) => {
        expect(r.stderr, 'hsec logs nothing unless asked').to.equal('');
        expect(r.stdout).to.not.contain('{"level"');
      };
      // Streams through the pseudo-cluster's DataNode (privacy, AES/CTR): what was written comes back.
      const written = createHash('sha256');
      for (let i = 0; i < 64; i++) written.update(Buffer.alloc(64 * 1024, i));
      const st = run('streams');
      expect(st.stdout).to.equal(`4194304 bytes, owner alice, sha256 ${written.digest('hex').slice(0, 16)}\n`);
      quiet(st);
      const k = run('keytab-token');
      expect(k.stdout).to.match(/^token for 127\.0\.0\.1:\d+, renewed until \d{4}-\d\d-\d\dT/);
      quiet(k);
      const t = run('token-file');
      expect(t.stdout).to.equal('block size 134217728, as alice@EXAMPLE.TEST\n');
      expect(statSync(join(work, 'alice.token')).mode & 0o777).to.equal(0o600);
      quiet(t);
      const e = run('errors');
      expect(e.stdout).to.match(/^KRB_NO_CREDENTIALS: .*\/tmp\/no-such-ccache.*hsec kinit/);
      quiet(e);
      const l = run('logging');
      expect(l.stdout).to.equal('logged in as alice@EXAMPLE.TEST\n');
      const lines = l.stderr.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { component?: string; msg?: string });
      expect(lines.some((line) => line.component === 'kerberos.login' && line.msg === 'Kerberos login')).to.equal(true);
    } finally {
      if (start.pid && start.exitCode === null) {
        const exited = new Promise<void>((res) => start.once('exit', () => res()));
        process.kill(start.pid, 'SIGTERM');
        const timer = setTimeout(() => pidAlive(start.pid!) && process.kill(-start.pid!, 'SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
    }
  });
});

/** The fenced code blocks of api.md that follow an `<!-- example: NAME -->` line, by name. */
function apiExamples(markdown: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of markdown.matchAll(/<!-- example: ([\w-]+) -->\n```js\n([\s\S]*?)```/g)) out[m[1]!] = m[2]!;
  return out;
}
