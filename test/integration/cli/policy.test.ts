/**
 * `hsec policy` with the file store and with an unreachable ZooKeeper, as a real child process
 * (bin/hsec: exit codes, stdout, stderr) and in-process (runPolicy): the variable whitelist file is
 * edited atomically (comments kept, a CIDR removed by its address, import refuses a file with bad
 * lines and writes nothing), the fixed file is edited when the variable list is off, principal rules
 * need their file, bad entries and verbs are usage errors (exit 2) that write nothing, every attempt
 * is in the audit log next to the list, explain says the entry came from the file; an unreachable
 * ZooKeeper is ZK_UNREACHABLE naming the connect string, and nothing is written anywhere.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram, type RunResult } from '../../../cluster/mini/binaries.ts';
import { freePort } from '../../../cluster/mini/ports.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { runPolicy } from '../../../cluster/cli/commands/policy.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const HSEC = join(REPO, 'bin', 'hsec');

describe('cli: hsec policy (file store; unreachable ZooKeeper)', function () {
  this.timeout(120_000);
  let dir: string;
  let confDir: string;
  let variable: string;
  let fixed: string;
  const hsec = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
    runProgram(HSEC, args, { env: { ...process.env, HADOOP_CONF_DIR: confDir, HSEC_LOG_LEVEL: '', ...env }, timeoutMs: 60_000 });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-policy-'));
    confDir = join(dir, 'conf');
    mkdirSync(confDir);
    variable = join(dir, 'lists', 'whitelist');
    fixed = join(dir, 'lists', 'fixedwhitelist');
    mkdirSync(dirname(variable));
    writeFileSync(variable, '# internal networks\n10.0.0.0/8\n', { mode: 0o640 });
    writeFileSync(fixed, '192.168.7.0/24\n');
    writeSiteXml(join(confDir, 'core-site.xml'), [
      { name: 'hadoop.rpc.protection', value: 'authentication,privacy' },
      { name: 'hadoop.security.saslproperties.resolver.class', value: 'whitelist' },
      { name: 'hadoop.security.sasl.fixedwhitelist.file', value: fixed },
      { name: 'hadoop.security.sasl.variablewhitelist.enable', value: 'true' },
      { name: 'hadoop.security.sasl.variablewhitelist.file', value: variable },
    ]);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  const audit = (): Record<string, unknown>[] => readFileSync(join(dirname(variable), 'hsec-policy-audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  it('adds to and removes from the variable whitelist file atomically, keeping comments and the file mode, and audits each change', async () => {
    let r = await hsec(['policy', 'whitelist', 'add', '127.0.0.2/32']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`added 127.0.0.2/32 (${variable}, 2 entries)\n`);
    r = await hsec(['policy', 'whitelist', 'add', '127.0.0.2']);
    expect(r.stdout).to.equal(`127.0.0.2 is already there (${variable}, 2 entries)\n`);
    expect(readFileSync(variable, 'utf8')).to.equal('# internal networks\n10.0.0.0/8\n127.0.0.2/32\n');
    expect(statSync(variable).mode & 0o777).to.equal(0o640);
    r = await hsec(['policy', 'whitelist', 'remove', '127.0.0.2']);
    expect(r.stdout).to.equal(`removed 127.0.0.2 (1 line) (${variable}, 1 entries)\n`);
    expect(readFileSync(variable, 'utf8')).to.equal('# internal networks\n10.0.0.0/8\n');
    expect(audit().map((l) => [l['command'], l['entry'], l['outcome'], l['list']])).to.deep.equal([
      ['whitelist add', '127.0.0.2/32', 'changed', variable],
      ['whitelist add', '127.0.0.2', 'unchanged', variable],
      ['whitelist remove', '127.0.0.2', 'changed', variable],
    ]);
    expect(statSync(join(dirname(variable), 'hsec-policy-audit.log')).mode & 0o777).to.equal(0o600);
    expect(existsSync(`${variable}.lock`)).to.equal(false);
  });

  it('list, export and explain read what servers read; explain names the file and the line', async () => {
    let r = await hsec(['policy', 'whitelist', 'list']);
    expect(r.stdout).to.equal('10.0.0.0/8\n');
    r = await hsec(['policy', 'whitelist', 'export']);
    expect(r.stdout).to.equal('# internal networks\n10.0.0.0/8\n');
    r = await hsec(['policy', 'explain', '10.1.2.3']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`10.1.2.3 is offered [auth,auth-conf]\n  rule:   entry 10.0.0.0/8 of ${variable} line 2\n  source: file (${variable})\n`);
    r = await hsec(['policy', 'explain', '192.168.7.9']);
    expect(r.stdout).to.contain(`entry 192.168.7.0/24 of ${fixed} line 1`);
    r = await hsec(['policy', 'explain', '172.16.0.1']);
    expect(r.stdout).to.contain('is offered [auth-conf]').and.contain('source: default (hadoop.rpc.protection.non-whitelist)');
  });

  it('refuses bad entries, verbs and imports with exit 2 and writes nothing', async () => {
    const before = readFileSync(variable, 'utf8');
    let r = await hsec(['policy', 'whitelist', 'add', '10.0.0.0/33']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('prefix length 33 exceeds 32').and.contain('Usage: hsec policy whitelist');
    r = await hsec(['policy', 'whitelist', 'frobnicate']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('unknown whitelist verb "frobnicate"');
    const bad = join(dir, 'import-bad');
    writeFileSync(bad, '10.9.0.0/16\n010.0.0.1\n');
    r = await hsec(['policy', 'whitelist', 'import', bad]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain(`${bad} line 2: not an IPv4 address`).and.contain('nothing imported');
    expect(readFileSync(variable, 'utf8')).to.equal(before);
    const good = join(dir, 'import-good');
    writeFileSync(good, '# imported\n10.9.0.0/16\n172.16.0.0/12\n');
    r = await hsec(['policy', 'whitelist', 'import', good]);
    expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(variable, 'utf8')).to.equal('# imported\n10.9.0.0/16\n172.16.0.0/12\n');
    expect(audit().slice(-2).map((l) => l['outcome'])).to.deep.equal(['failed: INVALID_ENTRY', 'changed']);
  });

  it('edits the fixed file when the variable list is off; principal rules need their file', async () => {
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), env: { HADOOP_CONF_DIR: confDir } };
    expect(await runPolicy({ overrides: { 'hadoop.security.sasl.variablewhitelist.enable': 'false' } }, ['whitelist', 'add', '192.168.8.1'], io)).to.equal(0);
    expect(readFileSync(fixed, 'utf8')).to.equal('192.168.7.0/24\n192.168.8.1\n');
    const e = await rejectsWithCode(runPolicy({}, ['principal', 'add', 'etl/*@EXAMPLE.COM'], io), 'CONFIG_MISSING');
    expect(e.message).to.contain('hsec.security.sasl.private.principals.file is not set');
    const rules = join(dir, 'lists', 'private-principals');
    expect(await runPolicy({ overrides: { 'hsec.security.sasl.private.principals.file': rules } }, ['principal', 'add', 'etl/*@EXAMPLE.COM'], io)).to.equal(0);
    expect(readFileSync(rules, 'utf8')).to.equal('etl/*@EXAMPLE.COM\n');
    await rejectsWithCode(runPolicy({ overrides: { 'hsec.security.sasl.private.principals.file': rules } }, ['principal', 'add', 'etl/@X'], io), 'CONFIG_INVALID');
  });

  it('an unreachable ZooKeeper is ZK_UNREACHABLE naming the connect string; nothing is written or audited', async () => {
    const port = await freePort();
    const auditFile = join(dir, 'zk-audit.log');
    const r = await hsec([
      '-D', 'hsec.security.sasl.whitelist.store=zookeeper',
      '-D', `hadoop.zk.address=127.0.0.1:${port}`,
      '-D', 'hadoop.zk.timeout-ms=1500',
      '-D', `hsec.security.sasl.policy.audit.file=${auditFile}`,
      'policy', 'whitelist', 'add', '127.0.0.2/32',
    ]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`Could not reach ZooKeeper at 127.0.0.1:${port}`).and.contain('[ZK_UNREACHABLE]');
    expect(existsSync(auditFile)).to.equal(false);
  });
});
