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
  it('"*", IP addresses, CIDR ranges (IPv4 and IPv6) and host names both ways', async () => {
    expect(await new MachineList('*', 'k').includes('192.0.2.7')).to.equal(true);
    const list = new MachineList(' 10.1.2.3, 192.168.0.0/16 ,2001:db8::/32,localhost', 'k');
    expect(await list.includes('10.1.2.3')).to.equal(true);
    expect(await list.includes('10.1.2.4')).to.equal(false);
    expect(await list.includes('192.168.200.1')).to.equal(true);
    expect(await list.includes('2001:db8::5')).to.equal(true);
    expect(await list.includes('127.0.0.1')).to.equal(true); // localhost resolves to it
    expect(await new MachineList('', 'k').includes('127.0.0.1')).to.equal(false);
    expect(await new MachineList('*,10.0.0.1', 'k').includes('127.0.0.1')).to.equal(false); // '*' only alone
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
