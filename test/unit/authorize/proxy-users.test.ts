// Impersonation rules as DefaultImpersonationProvider applies them (hadoop.proxyuser.NAME.users /
// .groups / .hosts, MachineList host syntax) and their refresh, with groups from static overrides.
import { expect } from 'chai';
import { Configuration } from '../../../lib/config/index.ts';
import { MachineList } from '../../../security/authorize/machine-list.ts';
import { ProxyUsers } from '../../../security/authorize/proxy-users.ts';
import { Groups, NullGroupsMapping, parseOverrides } from '../../../security/identity/groups.ts';
import { expectCode, rejectsWithCode } from '../../support/expect-code.ts';

const groups = new Groups({ mapping: new NullGroupsMapping(), overrides: parseOverrides('carol=staff;dave=ops') });
const shortName = (user: string) => user.split(/[/@]/)[0]!;

function conf(props: Record<string, string>): Configuration {
  const c = new Configuration();
  for (const [k, v] of Object.entries(props)) c.set(k, v);
  return c;
}

const ask = (realUser: string, effectiveUser: string, remoteAddress = '127.0.0.1') => ({ realUser, effectiveUser, remoteAddress });

describe('authorize/MachineList', () => {
  /** A resolver standing in for DNS: getaddrinfo answers per name and family, and a count of the questions asked. */
  function fakeDns(answers: Record<string, { v4?: string; any?: string }>) {
    const asked: string[] = [];
    const lookup = async (host: string, options: { family?: 4 }) => {
      asked.push(host);
      const a = answers[host];
      const address = options.family === 4 ? a?.v4 : (a?.any ?? a?.v4);
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return { address };
    };
    return { lookup, asked };
  }

  it('"*", IP addresses, CIDR ranges (IPv4 and IPv6) and host names', async () => {
    expect(await new MachineList('*', 'k').includes('192.0.2.7')).to.equal(true);
    const list = new MachineList(' 10.1.2.3, 192.168.0.0/16 ,2001:db8::/32,localhost', 'k');
    expect(await list.includes('10.1.2.3')).to.equal(true);
    expect(await list.includes('10.1.2.4')).to.equal(false);
    expect(await list.includes('192.168.200.1')).to.equal(true);
    expect(await list.includes('2001:db8::5')).to.equal(true);
    expect(await list.includes('127.0.0.1')).to.equal(true); // localhost resolves to it (/etc/hosts)
    expect(await new MachineList('', 'k').includes('127.0.0.1')).to.equal(false);
    expect(await new MachineList('*,10.0.0.1', 'k').includes('127.0.0.1')).to.equal(false); // '*' only alone
    expect(await new MachineList(' * ,*', 'k').includes('127.0.0.1')).to.equal(true); // ... counted once repeats are dropped
    expect(await new MachineList('10.1.2.3/8', 'k').includes('10.200.0.1')).to.equal(true); // host bits cleared
  });

  it('addresses compare as addresses: an IPv4-mapped client is its IPv4 address, IPv6 text in any form', async () => {
    const list = new MachineList('127.0.0.1,0:0:0:0:0:0:0:1', 'k');
    expect(await list.includes('::ffff:127.0.0.1')).to.equal(true);
    expect(await list.includes('::1')).to.equal(true);
    expect(await new MachineList('10.0.0.0/8', 'k').includes('::ffff:10.9.8.7')).to.equal(true);
  });

  it('entries may be on separate lines, as a value written over several XML lines is (getTrimmedStringCollection)', async () => {
    const list = new MachineList('\n      10.0.0.1\n      10.0.0.2\n    ', 'k');
    expect(await list.includes('10.0.0.2')).to.equal(true);
    expect(String(list)).to.equal('10.0.0.1,10.0.0.2');
  });

  it('a host name admits only the one address it resolves to (IPv4 first); the client address is not reverse-resolved', async () => {
    const { lookup } = fakeDns({ localhost: { v4: '192.0.2.9' }, 'v6only.test': { any: '2001:db8::7' } });
    const list = new MachineList('localhost,v6only.test', 'k', lookup);
    expect(await list.includes('192.0.2.9')).to.equal(true);
    expect(await list.includes('2001:db8::7')).to.equal(true);
    // 127.0.0.1's own name is "localhost" (/etc/hosts), but 3.4.1 never asks: only resolved entries count
    expect(await list.includes('127.0.0.1')).to.equal(false);
  });

  it('names are resolved once per list, not per connection; one that does not resolve is dropped, the rest still admit', async () => {
    const { lookup, asked } = fakeDns({ 'gw.test': { v4: '192.0.2.1' } });
    const list = new MachineList('gw.test,no-such-host.invalid,10.0.0.1', 'k', lookup);
    expect(await list.includes('192.0.2.1')).to.equal(true);
    expect(await list.includes('10.0.0.1')).to.equal(true);
    expect(await list.includes('192.0.2.2')).to.equal(false);
    const questions = asked.length;
    await Promise.all([list.includes('192.0.2.1'), list.includes('203.0.113.5')]);
    expect(asked.length).to.equal(questions);
    expect(asked.filter((h) => h === 'gw.test')).to.have.length(1);
  });

  it('a malformed range is a ConfigError naming the key', () => {
    const e = expectCode(() => new MachineList('10.0.0.0/33', 'hadoop.proxyuser.x.hosts'), 'CONFIG_INVALID');
    expect(e.message).to.contain('Invalid CIDR syntax : 10.0.0.0/33 (in hadoop.proxyuser.x.hosts)');
  });
});

describe('authorize/ProxyUsers', () => {
  it('admits the users and groups listed for the real user, from the listed hosts only', async () => {
    const p = new ProxyUsers(conf({
      'hadoop.proxyuser.oozie.users': 'bob',
      'hadoop.proxyuser.oozie.groups': 'staff',
      'hadoop.proxyuser.oozie.hosts': '127.0.0.0/8',
    }), groups, shortName);
    await p.authorize(ask('oozie/host@R', 'bob'));
    await p.authorize(ask('oozie/host@R', 'carol')); // in staff
    const e = await rejectsWithCode(p.authorize(ask('oozie/host@R', 'dave')), 'ACCESS_DENIED');
    expect(e.message).to.equal('User: oozie/host@R is not allowed to impersonate dave');
    expect(e.details.exceptionClassName).to.equal('org.apache.hadoop.security.authorize.AuthorizationException');
    const h = await rejectsWithCode(p.authorize(ask('oozie/host@R', 'bob', '192.0.2.1')), 'ACCESS_DENIED');
    expect(h.message).to.equal('Unauthorized connection for super-user: oozie/host@R from IP /192.0.2.1');
    const mapped = await rejectsWithCode(p.authorize(ask('oozie/host@R', 'bob', '::ffff:192.0.2.1')), 'ACCESS_DENIED');
    expect(mapped.message).to.equal('Unauthorized connection for super-user: oozie/host@R from IP /192.0.2.1');
  });

  it('no rule, or users without hosts, admits nobody; "*" in either list admits everyone', async () => {
    const none = new ProxyUsers(conf({}), groups, shortName);
    await rejectsWithCode(none.authorize(ask('oozie@R', 'bob')), 'ACCESS_DENIED');
    const noHosts = new ProxyUsers(conf({ 'hadoop.proxyuser.oozie.users': 'bob' }), groups, shortName);
    expect((await rejectsWithCode(noHosts.authorize(ask('oozie@R', 'bob')), 'ACCESS_DENIED')).message).to.contain('Unauthorized connection for super-user');
    const star = new ProxyUsers(conf({ 'hadoop.proxyuser.oozie.groups': '*', 'hadoop.proxyuser.oozie.hosts': '*' }), groups, shortName);
    await star.authorize(ask('oozie@R', 'anyone', '203.0.113.9'));
  });

  it('a real user whose short name has dots has its rules (DefaultImpersonationProvider matches NAME with [\\S]*)', async () => {
    const p = new ProxyUsers(conf({
      'hadoop.proxyuser.svc.etl.users': 'bob',
      'hadoop.proxyuser.svc.etl.hosts': '*',
      'hadoop.proxyuser.svc.hosts': '*',
    }), groups, (user) => user.split('@')[0]!);
    await p.authorize(ask('svc.etl@R', 'bob'));
    // "svc" has hosts but no users or groups: nobody
    expect((await rejectsWithCode(p.authorize(ask('svc@R', 'bob')), 'ACCESS_DENIED')).message).to.equal('User: svc@R is not allowed to impersonate bob');
  });

  it('users written over several XML lines stay users; they do not become groups', async () => {
    const p = new ProxyUsers(conf({ 'hadoop.proxyuser.oozie.users': '\n      bob,\n      staff\n    ', 'hadoop.proxyuser.oozie.hosts': '*' }), groups, shortName);
    await p.authorize(ask('oozie@R', 'bob'));
    await rejectsWithCode(p.authorize(ask('oozie@R', 'carol')), 'ACCESS_DENIED'); // carol is in group staff, not listed as a group
  });

  it('refresh swaps every rule at once and reports what changed', async () => {
    const p = new ProxyUsers(conf({ 'hadoop.proxyuser.oozie.users': 'bob', 'hadoop.proxyuser.oozie.hosts': '*' }), groups, shortName);
    const changes = p.refresh(conf({ 'hadoop.proxyuser.hive.users': 'bob', 'hadoop.proxyuser.hive.hosts': '*', 'hadoop.proxyuser.oozie.hosts': '*' }));
    expect(changes).to.have.deep.members([
      { key: 'hadoop.proxyuser.oozie.users', from: 'bob', to: undefined },
      { key: 'hadoop.proxyuser.hive.users', from: undefined, to: 'bob' },
      { key: 'hadoop.proxyuser.hive.hosts', from: undefined, to: '*' },
    ]);
    await rejectsWithCode(p.authorize(ask('oozie@R', 'bob')), 'ACCESS_DENIED');
    await p.authorize(ask('hive@R', 'bob'));
  });

  it('a refresh with a malformed host list fails and keeps the rules in force', async () => {
    const p = new ProxyUsers(conf({ 'hadoop.proxyuser.oozie.users': 'bob', 'hadoop.proxyuser.oozie.hosts': '*' }), groups, shortName);
    expectCode(() => p.refresh(conf({ 'hadoop.proxyuser.oozie.users': 'bob', 'hadoop.proxyuser.oozie.hosts': '1.2.3.4/40' })), 'CONFIG_INVALID');
    await p.authorize(ask('oozie@R', 'bob', '198.51.100.1'));
  });
});
