/**
 * WhitelistBasedResolver with Hadoop's keys and defaults: whitelisted clients get
 * hadoop.rpc.protection, the others hadoop.rpc.protection.non-whitelist (default privacy);
 * 127.0.0.1 always; fixed list read once, variable list re-read cache.secs after each load (a
 * ManualClock drives time); a missing or unreadable list fails closed and says so; bad lines are
 * warnings with file and line (logger and diagnostics channel) and are skipped; a pushing source
 * (the ZooKeeper seam) replaces the list; every decision names its rule.
 */
import { expect } from 'chai';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../../../lib/errors/index.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { describeRule, WhitelistBasedResolver, type ListSnapshot, type ListSource } from '../../../security/resolver/index.ts';
import { capturedLogger, confOf, record, tempDir } from './support.ts';

const noDns = (name: string): Promise<string> => Promise.reject(new Error(`no DNS in this test (${name})`));

describe('security/resolver/whitelist-based-resolver', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  function resolver(values: Record<string, string>, options: ConstructorParameters<typeof WhitelistBasedResolver>[1] = {}): WhitelistBasedResolver {
    return new WhitelistBasedResolver(confOf({ 'hadoop.rpc.protection': 'authentication,privacy', ...values }), { resolveHost: noDns, log: capturedLogger().log, ...options });
  }

  it('whitelisted clients get hadoop.rpc.protection, others hadoop.rpc.protection.non-whitelist (default privacy); clients always the defaults', async () => {
    const fixed = tmp.write('fixed', '10.0.0.0/8\n2001:db8::/32\n');
    const r = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': fixed });
    await r.ready();
    expect(r.getServerProperties('10.1.2.3', 8020)).to.deep.equal({ qop: ['auth', 'auth-conf'], serverAuthentication: true });
    expect(r.getServerProperties('::ffff:10.1.2.3', 8020).qop).to.deep.equal(['auth', 'auth-conf']);
    expect(r.getServerProperties('2001:db8::9', 8020).qop).to.deep.equal(['auth', 'auth-conf']);
    expect(r.getServerProperties('192.0.2.1', 8020)).to.deep.equal({ qop: ['auth-conf'], serverAuthentication: true });
    expect(r.getServerProperties(undefined).qop).to.deep.equal(['auth-conf']);
    expect(r.getServerProperties('').qop).to.deep.equal(['auth-conf']);
    expect(r.getClientProperties('192.0.2.1', 8020).qop).to.deep.equal(['auth', 'auth-conf']);
    const integrity = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': fixed, 'hadoop.rpc.protection.non-whitelist': 'integrity, privacy' });
    await integrity.ready();
    expect(integrity.getServerProperties('192.0.2.1').qop).to.deep.equal(['auth-int', 'auth-conf']);
  });

  it('127.0.0.1 is always whitelisted (CombinedIPWhiteList), also IPv4-mapped; ::1 and 127.0.0.2 are not', async () => {
    const r = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': `${tmp.dir}/missing` });
    await r.ready();
    expect(r.evaluateServer({ address: '127.0.0.1' })).to.deep.equal({ qop: ['auth', 'auth-conf'], rule: { kind: 'loopback' } });
    expect(r.evaluateServer({ address: '::ffff:127.0.0.1' }).rule).to.deep.equal({ kind: 'loopback' });
    expect(r.evaluateServer({ address: '::1' }).qop).to.deep.equal(['auth-conf']);
    expect(r.evaluateServer({ address: '127.0.0.2' }).qop).to.deep.equal(['auth-conf']);
  });

  it('every decision names its rule: the entry, file and line; not whitelisted; unknown address', async () => {
    const fixed = tmp.write('fixed', '# office\n\n10.0.0.0/8\n');
    const r = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': fixed });
    await r.ready();
    expect(describeRule(r.evaluateServer({ address: '10.4.4.4' }).rule)).to.equal(`entry 10.0.0.0/8 of ${fixed} line 3`);
    expect(describeRule(r.evaluateServer({ address: '192.0.2.1' }).rule)).to.equal(`not whitelisted (${fixed}): hadoop.rpc.protection.non-whitelist`);
    expect(describeRule(r.evaluateServer({ address: 'garbage' }).rule)).to.equal('client address "garbage" is not an IP address: hadoop.rpc.protection.non-whitelist');
    expect(describeRule(r.evaluateServer({ address: undefined }).rule)).to.equal('client address unknown: hadoop.rpc.protection.non-whitelist');
  });

  it('getServerProperties publishes hsec:resolver:decision with address, port, QOP and reason', async () => {
    const fixed = tmp.write('fixed', '10.0.0.0/8\n');
    const r = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': fixed });
    await r.ready();
    const rec = record('hsec:resolver:decision');
    try {
      r.getServerProperties('10.0.0.1', 8020);
      r.getServerProperties('192.0.2.1', 8021);
    } finally {
      rec.stop();
    }
    expect(rec.events.map((e) => [e['stage'], e['address'], e['ingressPort'], e['qop'], e['reason']])).to.deep.equal([
      ['offer', '10.0.0.1', 8020, ['auth', 'auth-conf'], `entry 10.0.0.0/8 of ${fixed} line 1`],
      ['offer', '192.0.2.1', 8021, ['auth-conf'], `not whitelisted (${fixed}): hadoop.rpc.protection.non-whitelist`],
    ]);
  });

  it('a bad line is a warning with file and line (logger and hsec:resolver:list-problem) and is skipped; it widens nothing', async () => {
    const fixed = tmp.write('fixed', '10.0.0.0/8\n10.0.0.0/33\n0.0.0.0/O\n');
    const { log, lines } = capturedLogger();
    const rec = record('hsec:resolver:list-problem');
    const r = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': fixed }, { log });
    await r.ready();
    rec.stop();
    expect(rec.events.map((e) => [e['code'], e['list'], e['origin'], e['line'], e['text']])).to.deep.equal([
      ['LIST_BAD_LINE', 'fixed whitelist', fixed, 2, '10.0.0.0/33'],
      ['LIST_BAD_LINE', 'fixed whitelist', fixed, 3, '0.0.0.0/O'],
    ]);
    const warnings = lines.filter((l) => l['level'] === 40);
    expect(warnings.map((w) => [w['code'], w['file'], w['line'], w['msg']])).to.deep.equal([
      ['LIST_BAD_LINE', fixed, 2, `${fixed} line 2: not a CIDR: prefix length 33 exceeds 32 ("10.0.0.0/33"); line skipped`],
      ['LIST_BAD_LINE', fixed, 3, `${fixed} line 3: not a CIDR: prefix length "O" is not a number ("0.0.0.0/O"); line skipped`],
    ]);
    expect(r.evaluateServer({ address: '10.1.1.1' }).qop).to.deep.equal(['auth', 'auth-conf']);
    expect(r.evaluateServer({ address: '192.0.2.1' }).qop).to.deep.equal(['auth-conf']);
  });

  it('a missing or unreadable list fails closed (only 127.0.0.1 whitelisted) and says so; before the first load it is closed too', async () => {
    const { log, lines } = capturedLogger();
    const missing = `${tmp.dir}/no-such-whitelist`;
    const r = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': missing }, { log });
    expect(r.evaluateServer({ address: '10.0.0.1' }).rule).to.deep.equal({ kind: 'not-listed', lists: [missing] }); // not loaded yet
    await r.ready();
    expect(r.evaluateServer({ address: '10.0.0.1' }).qop).to.deep.equal(['auth-conf']);
    const warning = lines.find((l) => l['code'] === 'LIST_UNAVAILABLE');
    expect(warning).to.deep.include({ level: 40, file: missing, list: 'fixed whitelist' });
    expect(warning!['msg']).to.equal(
      `${missing} cannot be read (no such file (ENOENT)); failing closed: its addresses are not whitelisted; they get hadoop.rpc.protection.non-whitelist [auth-conf]`,
    );
    // a directory, and (unless we are root, who reads anyway) a file without read permission
    const dir = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': tmp.dir }, { log });
    await dir.ready();
    expect(lines.filter((l) => l['code'] === 'LIST_UNAVAILABLE').map((l) => l['file'])).to.include(tmp.dir);
    const locked = tmp.write('locked', '10.0.0.0/8\n');
    chmodSync(locked, 0o000);
    const l = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': locked }, { log });
    await l.ready();
    const readable = process.getuid?.() === 0;
    expect(l.evaluateServer({ address: '10.0.0.1' }).qop).to.deep.equal(readable ? ['auth', 'auth-conf'] : ['auth-conf']);
  });

  it('the variable list is re-read cache.secs after each load, on the next lookup (ManualClock); the fixed list never', async () => {
    const fixed = tmp.write('fixed', '10.0.0.0/8\n');
    const variable = tmp.write('variable', '192.0.2.0/24\n');
    const clock = new ManualClock();
    const r = resolver(
      {
        'hadoop.security.sasl.fixedwhitelist.file': fixed,
        'hadoop.security.sasl.variablewhitelist.enable': 'true',
        'hadoop.security.sasl.variablewhitelist.file': variable,
        'hadoop.security.sasl.variablewhitelist.cache.secs': '60',
      },
      { clock },
    );
    await r.ready();
    expect(describeRule(r.evaluateServer({ address: '192.0.2.5' }).rule)).to.equal(`entry 192.0.2.0/24 of ${variable} line 1`);
    writeFileSync(variable, '198.51.100.0/24\n');
    writeFileSync(fixed, '172.16.0.0/12\n');
    clock.advance(60_000); // not yet expired: expiry is strictly after load + 60 s
    expect(r.evaluateServer({ address: '192.0.2.5' }).qop).to.deep.equal(['auth', 'auth-conf']);
    const loads = record('hsec:resolver:list-loaded');
    clock.advance(1);
    r.evaluateServer({ address: '192.0.2.5' }); // starts the reload; this lookup still sees the old list
    await loads.next((e) => e['origin'] === variable);
    loads.stop();
    expect(r.evaluateServer({ address: '192.0.2.5' }).qop).to.deep.equal(['auth-conf']);
    expect(describeRule(r.evaluateServer({ address: '198.51.100.1' }).rule)).to.equal(`entry 198.51.100.0/24 of ${variable} line 1`);
    expect(r.evaluateServer({ address: '10.0.0.1' }).qop, 'the fixed list is read once').to.deep.equal(['auth', 'auth-conf']);
    expect(r.evaluateServer({ address: '172.16.0.1' }).qop).to.deep.equal(['auth-conf']);
    // deleted on the next reload: fails closed, as Hadoop's CacheableIPList (a new, empty FileBasedIPList)
    rmSync(variable);
    await r.reload();
    expect(r.evaluateServer({ address: '198.51.100.1' }).qop).to.deep.equal(['auth-conf']);
  });

  it('negative cache.secs never reloads; a disabled variable list is not read', async () => {
    const variable = tmp.write('variable', '192.0.2.0/24\n');
    const clock = new ManualClock();
    const r = resolver(
      { 'hadoop.security.sasl.fixedwhitelist.file': `${tmp.dir}/none`, 'hadoop.security.sasl.variablewhitelist.enable': 'true', 'hadoop.security.sasl.variablewhitelist.file': variable, 'hadoop.security.sasl.variablewhitelist.cache.secs': '-1' },
      { clock },
    );
    await r.ready();
    writeFileSync(variable, '');
    clock.advance(10 * 365 * 86_400_000);
    r.evaluateServer({ address: '192.0.2.5' });
    await new Promise((done) => setTimeout(done, 20));
    expect(r.evaluateServer({ address: '192.0.2.5' }).qop).to.deep.equal(['auth', 'auth-conf']);
    const off = resolver({ 'hadoop.security.sasl.fixedwhitelist.file': `${tmp.dir}/none`, 'hadoop.security.sasl.variablewhitelist.file': variable });
    await off.ready();
    expect(off.evaluateServer({ address: '192.0.2.5' }).rule).to.deep.equal({ kind: 'not-listed', lists: [`${tmp.dir}/none`] });
  });

  it('a pushing source (the ZooKeeper seam) replaces the list on each new text; close() unsubscribes', async () => {
    let push: ((s: ListSnapshot) => void) | undefined;
    const source: ListSource = {
      origin: 'zk:/hsec/whitelist',
      read: async () => ({ available: true, text: '10.0.0.0/8\n' }),
      watch: (onChange) => {
        push = onChange;
        return () => (push = undefined);
      },
    };
    const r = resolver({}, { fixedSource: source });
    await r.ready();
    expect(describeRule(r.evaluateServer({ address: '10.1.1.1' }).rule)).to.equal('entry 10.0.0.0/8 of zk:/hsec/whitelist line 1');
    const loads = record('hsec:resolver:list-loaded');
    push!({ available: true, text: '# moved\n192.0.2.0/24\n' });
    await loads.next((e) => e['origin'] === 'zk:/hsec/whitelist');
    expect(r.evaluateServer({ address: '10.1.1.1' }).qop).to.deep.equal(['auth-conf']);
    expect(describeRule(r.evaluateServer({ address: '192.0.2.1' }).rule)).to.equal('entry 192.0.2.0/24 of zk:/hsec/whitelist line 2');
    push!({ available: false, reason: 'znode deleted', missing: true });
    await loads.next((e) => e['origin'] === 'zk:/hsec/whitelist');
    loads.stop();
    expect(r.evaluateServer({ address: '192.0.2.1' }).qop).to.deep.equal(['auth-conf']);
    r.close();
    expect(push).to.equal(undefined);
  });

  it('a source that throws (a bug, a lost ZooKeeper session) fails closed and says why; nothing escapes', async () => {
    const { log, lines } = capturedLogger();
    const source: ListSource = { origin: 'zk:/hsec/whitelist', read: () => Promise.reject(new Error('ConnectionLoss')) };
    const r = resolver({}, { fixedSource: source, log });
    await r.ready();
    await r.reload();
    expect(r.evaluateServer({ address: '10.0.0.1' }).qop).to.deep.equal(['auth-conf']);
    expect(lines.find((l) => l['code'] === 'LIST_UNAVAILABLE')!['msg']).to.match(/^zk:\/hsec\/whitelist cannot be read \(the list source failed: ConnectionLoss\); failing closed/);
    const sync: ListSource = { origin: 'sync', read: () => { throw new Error('boom'); } };
    const s = resolver({}, { fixedSource: sync, log });
    await s.ready();
    expect(s.evaluateServer({ address: '10.0.0.1' }).qop).to.deep.equal(['auth-conf']);
  });

  it('configuration errors are ConfigErrors naming the key; an empty non-whitelist list too (Hadoop fails to start)', () => {
    const bad = (values: Record<string, string>, key: string): void => {
      expect(() => resolver(values)).to.throw(ConfigError).that.satisfies((e: ConfigError) => e.code === 'CONFIG_INVALID' && e.details.configKey === key);
    };
    bad({ 'hadoop.rpc.protection.non-whitelist': '' }, 'hadoop.rpc.protection.non-whitelist');
    bad({ 'hadoop.rpc.protection.non-whitelist': 'secret' }, 'hadoop.rpc.protection.non-whitelist');
    bad({ 'hadoop.security.sasl.variablewhitelist.enable': 'yes' }, 'hadoop.security.sasl.variablewhitelist.enable');
    bad({ 'hadoop.security.sasl.variablewhitelist.enable': 'true', 'hadoop.security.sasl.variablewhitelist.cache.secs': '1h' }, 'hadoop.security.sasl.variablewhitelist.cache.secs');
  });
});
