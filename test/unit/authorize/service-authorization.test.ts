// Service-level authorization as ServiceAuthorizationManager does it (the ACL syntax of
// AccessControlList, blocked lists, the client-principal check of @KerberosInfo with _HOST made the
// caller's canonical host name) and the group lookups behind it (static overrides, the cache, the
// `id` mapping run against this machine's real accounts), and hadoop-policy.xml layered on the
// daemon's configuration for the lists only.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Configuration, loadConfiguration } from '../../../lib/config/index.ts';
import { ConfigError } from '../../../lib/errors/index.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { AccessControlList } from '../../../security/authorize/access-control-list.ts';
import { ProxyUsers } from '../../../security/authorize/proxy-users.ts';
import { ServiceAuthorizer } from '../../../security/authorize/service-authorization.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { Groups, NullGroupsMapping, ShellGroupsMapping, parseOverrides, type GroupMapping } from '../../../security/identity/groups.ts';
import { CLIENT_PROTOCOL_INFO } from '../../../cluster/protocol/client-protocol.ts';
import { DATANODE_PROTOCOL, DATANODE_PROTOCOL_INFO } from '../../../cluster/protocol/datanode-protocol.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';

const POLICY = [
  {
    info: CLIENT_PROTOCOL_INFO, aclKey: 'security.client.protocol.acl', blockedKey: 'security.client.protocol.acl.blocked',
    hostsKey: 'security.client.protocol.hosts', blockedHostsKey: 'security.client.protocol.hosts.blocked',
  },
  {
    info: DATANODE_PROTOCOL_INFO, aclKey: 'security.datanode.protocol.acl', blockedKey: 'security.datanode.protocol.acl.blocked',
    hostsKey: 'security.datanode.protocol.hosts', blockedHostsKey: 'security.datanode.protocol.hosts.blocked',
  },
];

function conf(props: Record<string, string>): Configuration {
  const c = new Configuration();
  for (const [k, v] of Object.entries({ 'hadoop.security.authentication': 'kerberos', 'hadoop.security.authorization': 'true', ...props })) c.set(k, v);
  return c;
}

const groups = new Groups({ mapping: new NullGroupsMapping(), overrides: parseOverrides('alice=staff,ops;hdfs=hadoop;mallory=') });

describe('authorize/AccessControlList', () => {
  it('"*", users, groups after a space, groups only after a leading space, nobody for ""', () => {
    expect(new AccessControlList('*').isUserAllowed('anyone', [])).to.equal(true);
    const acl = new AccessControlList('alice,bob ops,admins');
    expect(acl.isUserAllowed('bob', [])).to.equal(true);
    expect(acl.isUserAllowed('carol', ['admins'])).to.equal(true);
    expect(acl.isUserAllowed('carol', ['staff'])).to.equal(false);
    expect(new AccessControlList(' ops').isUserAllowed('ops', [])).to.equal(false);
    expect(new AccessControlList(' ops').isUserAllowed('x', ['ops'])).to.equal(true);
    expect(new AccessControlList('').isUserAllowed('alice', ['ops'])).to.equal(false);
  });

  it('either part being "*" admits everyone (buildACL checks each part); line breaks separate items as commas do', () => {
    expect(new AccessControlList('alice *').isUserAllowed('mallory', [])).to.equal(true);
    expect(new AccessControlList('* ops').isUserAllowed('mallory', [])).to.equal(true);
    expect(new AccessControlList('*,alice').isUserAllowed('mallory', [])).to.equal(false);
    const lines = new AccessControlList('alice\nbob ops\nadmins');
    expect(lines.isUserAllowed('bob', [])).to.equal(true);
    expect(lines.isUserAllowed('carol', ['admins'])).to.equal(true);
  });

  it('the two-list form (hadoop.proxyuser.NAME.users / .groups) keeps each list whole: a user list written over XML lines stays users', () => {
    const acl = new AccessControlList('\n    alice,\n    bob\n  ', undefined);
    expect(acl.isUserAllowed('alice', [])).to.equal(true);
    expect(acl.isUserAllowed('bob', [])).to.equal(true);
    expect(acl.isUserAllowed('carol', ['alice'])).to.equal(false); // no user became a group
    expect(new AccessControlList(undefined, ' * ').allAllowed).to.equal(true);
    expect(new AccessControlList(undefined, undefined).isUserAllowed('alice', ['ops'])).to.equal(false);
  });
});

describe('authorize/ServiceAuthorizer', () => {
  it('is off unless hadoop.security.authorization is true', () => {
    expect(ServiceAuthorizer.fromConfiguration(conf({ 'hadoop.security.authorization': 'false' }), POLICY, groups)).to.equal(undefined);
  });

  it('DatanodeProtocol only for the DataNode principal with _HOST = the caller\'s canonical host name', async () => {
    const a = ServiceAuthorizer.fromConfiguration(conf({ 'dfs.datanode.kerberos.principal': 'dn/_HOST@EXAMPLE.TEST' }), POLICY, groups)!;
    await a.authorize({ user: 'dn/localhost@EXAMPLE.TEST', shortUser: 'hdfs', authMethod: 'KERBEROS', protocol: DATANODE_PROTOCOL, remoteAddress: '127.0.0.1' });
    const e = await rejectsWithCode(a.authorize({ user: 'alice@EXAMPLE.TEST', shortUser: 'alice', authMethod: 'KERBEROS', protocol: DATANODE_PROTOCOL, remoteAddress: '127.0.0.1' }), 'ACCESS_DENIED');
    expect(e.details['exceptionClassName']).to.equal('org.apache.hadoop.security.authorize.AuthorizationException');
    expect(e.message).to.equal(`User alice@EXAMPLE.TEST (auth:KERBEROS) is not authorized for protocol interface ${DATANODE_PROTOCOL}: this service is only accessible by dn/localhost@EXAMPLE.TEST`);
    await rejectsWithCode(a.authorize({ user: 'dn/otherhost@EXAMPLE.TEST', shortUser: 'hdfs', authMethod: 'KERBEROS', protocol: DATANODE_PROTOCOL, remoteAddress: '127.0.0.1' }), 'ACCESS_DENIED');
    // ClientProtocol names no client principal: everyone the ACL admits
    await a.authorize({ user: 'alice@EXAMPLE.TEST', shortUser: 'alice', authMethod: 'TOKEN', protocol: CLIENT_PROTOCOL_INFO.protocol, remoteAddress: '127.0.0.1' });
    expect((await rejectsWithCode(a.authorize({ user: 'x', shortUser: 'x', authMethod: 'KERBEROS', protocol: 'org.example.Unknown', remoteAddress: '127.0.0.1' }), 'ACCESS_DENIED')).message)
      .to.equal('Protocol interface org.example.Unknown is not known.');
  });

  it('ACLs and blocked lists by user and group', async () => {
    const a = ServiceAuthorizer.fromConfiguration(conf({ 'security.client.protocol.acl': 'bob ops', 'security.client.protocol.acl.blocked': 'mallory' }), POLICY, groups)!;
    const q = (user: string) => ({ user: `${user}@EXAMPLE.TEST`, shortUser: user, authMethod: 'KERBEROS', protocol: CLIENT_PROTOCOL_INFO.protocol, remoteAddress: '127.0.0.1' });
    await a.authorize(q('bob'));
    await a.authorize(q('alice')); // in ops
    expect((await rejectsWithCode(a.authorize(q('carol')), 'ACCESS_DENIED')).message).to.equal(`User carol@EXAMPLE.TEST (auth:KERBEROS) is not authorized for protocol interface ${CLIENT_PROTOCOL_INFO.protocol}: denied by configured ACL`);
    const blocked = ServiceAuthorizer.fromConfiguration(conf({ 'security.client.protocol.acl.blocked': 'mallory' }), POLICY, groups)!;
    await rejectsWithCode(blocked.authorize(q('mallory')), 'ACCESS_DENIED');
  });

  it('checks the effective user of a proxied connection and names it as UGI.toString does ("bob (auth:PROXY) via oozie/h@R (auth:KERBEROS)")', async () => {
    const a = ServiceAuthorizer.fromConfiguration(conf({ 'security.client.protocol.acl': 'oozie' }), POLICY, groups)!;
    const q = { user: 'carol', shortUser: 'carol', realUser: 'oozie/nn.example.test@EXAMPLE.TEST', authMethod: 'KERBEROS', protocol: CLIENT_PROTOCOL_INFO.protocol, remoteAddress: '127.0.0.1' };
    const e = await rejectsWithCode(a.authorize(q), 'ACCESS_DENIED');
    expect(e.message).to.equal(`User carol (auth:PROXY) via oozie/nn.example.test@EXAMPLE.TEST (auth:KERBEROS) is not authorized for protocol interface ${CLIENT_PROTOCOL_INFO.protocol}: denied by configured ACL`);
    const t = await rejectsWithCode(a.authorize({ ...q, authMethod: 'TOKEN' }), 'ACCESS_DENIED');
    expect(t.message).to.contain('User carol (auth:TOKEN) via oozie/nn.example.test@EXAMPLE.TEST (auth:TOKEN) is not authorized');
  });
});

describe('identity/Groups', () => {
  it('static overrides win; lookups are cached for hadoop.security.groups.cache.secs, empty answers for the negative cache', async () => {
    let calls = 0;
    const mapping: GroupMapping = { groups: async (u) => (calls++, u === 'nobody' ? [] : [`${u}-g`]) };
    const clock = new ManualClock();
    const g = new Groups({ mapping, overrides: parseOverrides('hdfs=supergroup,hadoop; dr.who=;'), cacheMs: 300_000, negativeCacheMs: 30_000, clock });
    expect(await g.groups('hdfs')).to.deep.equal(['supergroup', 'hadoop']);
    expect(await g.groups('dr.who')).to.deep.equal([]);
    expect(calls).to.equal(0);
    await Promise.all([g.groups('alice'), g.groups('alice')]);
    expect(calls).to.equal(1);
    await g.groups('nobody');
    clock.advance(30_001);
    await g.groups('nobody');
    await g.groups('alice');
    expect(calls).to.equal(3);
    clock.advance(300_000);
    await g.groups('alice');
    expect(calls).to.equal(4);
  });

  it('the shell mapping asks `id` about real accounts: the primary group first; an unknown user has none', async () => {
    const shell = new ShellGroupsMapping();
    const me = await shell.groups(userInfo().username);
    expect(me.length).to.be.greaterThan(0);
    expect(await shell.groups('root')).to.include('root');
    expect(await shell.groups('no-such-user-hsec-test')).to.deep.equal([]);
    expect(await shell.groups('-x; rm -rf /')).to.deep.equal([]); // an argument, never a shell word
  });

  it('fromConfiguration reads the mapping class and refuses unknown ones', () => {
    const c = new Configuration();
    c.set('hadoop.security.group.mapping', 'org.example.LdapGroups');
    expect(() => Groups.fromConfiguration(c)).to.throw(/hadoop.security.group.mapping org.example.LdapGroups is not supported/);
  });
});

describe('authorize/ServiceAuthorizer.refresh', () => {
  it('swaps in the ACLs of a new configuration and reports the keys that changed', async () => {
    const a = ServiceAuthorizer.fromConfiguration(conf({}), [POLICY[0]!], groups)!;
    const q = { user: 'bob@R', shortUser: 'bob', authMethod: 'KERBEROS', protocol: CLIENT_PROTOCOL_INFO.protocol, remoteAddress: '127.0.0.1' };
    await a.authorize(q);
    const changes = a.refresh(conf({ 'security.client.protocol.acl': 'alice', 'security.client.protocol.acl.blocked': ' ops' }));
    expect(changes).to.deep.equal([
      { key: 'security.client.protocol.acl', from: '*', to: 'alice ' },
      { key: 'security.client.protocol.acl.blocked', from: ' ', to: ' ops' },
    ]);
    const e = await rejectsWithCode(a.authorize(q), 'ACCESS_DENIED');
    expect(e.message).to.contain('User bob@R (auth:KERBEROS) is not authorized for protocol interface org.apache.hadoop.hdfs.protocol.ClientProtocol: denied by configured ACL');
    await a.authorize({ ...q, user: 'alice@R', shortUser: 'alice' }).then(() => expect.fail('alice is in ops, which is blocked'), () => undefined);
    expect(a.refresh(conf({ 'security.client.protocol.acl': 'alice', 'security.client.protocol.acl.blocked': ' ops' }))).to.deep.equal([]);
  });
});

describe('authorize/ServiceAuthorizer and hadoop-policy.xml (read for the service ACLs only, as ServiceAuthorizationManager.refresh)', () => {
  let dir: string;
  const q = { user: 'bob@R', shortUser: 'bob', authMethod: 'KERBEROS', protocol: CLIENT_PROTOCOL_INFO.protocol, remoteAddress: '127.0.0.1' };
  const alice = { ...q, user: 'alice@R', shortUser: 'alice' };
  const write = (file: string, props: Record<string, string>) => writeSiteXml(join(dir, file), Object.entries(props).map(([name, value]) => ({ name, value })));
  const load = () => loadConfiguration({ confDir: dir, env: {} });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-policy-'));
    write('core-site.xml', { 'hadoop.security.authentication': 'kerberos', 'hadoop.security.authorization': 'true' });
    write('hdfs-site.xml', { 'dfs.datanode.kerberos.principal': 'dn/_HOST@R' });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a key only in hadoop-policy.xml is not in the daemon\'s configuration (nor its proxy-user rules) but is applied to the service ACLs', async () => {
    write('hadoop-policy.xml', { 'security.client.protocol.acl': 'alice', 'hadoop.proxyuser.oozie.users': '*', 'hadoop.proxyuser.oozie.hosts': '*' });
    const conf = load();
    expect(conf.get('security.client.protocol.acl')).to.equal(undefined);
    expect(conf.get('hadoop.proxyuser.oozie.users')).to.equal(undefined);
    const a = ServiceAuthorizer.fromConfiguration(conf, POLICY, groups)!;
    await a.authorize(alice);
    expect((await rejectsWithCode(a.authorize(q), 'ACCESS_DENIED')).message).to.contain('denied by configured ACL');
    // ProxyUsers reads the daemon's configuration, as ProxyUsers.refreshSuperUserGroupsConfiguration reads core-site
    const proxy = new ProxyUsers(conf, groups, (u) => u.split(/[/@]/)[0]!);
    expect((await rejectsWithCode(proxy.authorize({ realUser: 'oozie@R', effectiveUser: 'bob', remoteAddress: '127.0.0.1' }), 'ACCESS_DENIED')).message).to.equal('User: oozie@R is not allowed to impersonate bob');
  });

  it('hadoop.security.authorization or the DataNode principal set only in hadoop-policy.xml changes nothing, nor does a refresh', async () => {
    write('core-site.xml', { 'hadoop.security.authentication': 'kerberos' });
    write('hadoop-policy.xml', { 'hadoop.security.authorization': 'true' });
    expect(ServiceAuthorizer.fromConfiguration(load(), POLICY, groups)).to.equal(undefined);
    write('core-site.xml', { 'hadoop.security.authentication': 'kerberos', 'hadoop.security.authorization': 'true' });
    write('hadoop-policy.xml', { 'dfs.datanode.kerberos.principal': 'other/_HOST@R' });
    const a = ServiceAuthorizer.fromConfiguration(load(), POLICY, groups)!;
    const dn = { ...q, user: 'dn/localhost@R', shortUser: 'hdfs', protocol: DATANODE_PROTOCOL };
    await a.authorize(dn);
    // Server.authorize takes the client principal from the server's start configuration, which no refresh replaces
    write('hdfs-site.xml', { 'dfs.datanode.kerberos.principal': 'other/_HOST@R' });
    a.refresh(load());
    await a.authorize(dn);
  });

  it('a refresh re-reads hadoop-policy.xml on the reloaded configuration; one that does not parse leaves the ACLs in force', async () => {
    const a = ServiceAuthorizer.fromConfiguration(load(), POLICY, groups)!;
    await a.authorize(q);
    write('hadoop-policy.xml', { 'security.client.protocol.acl': 'alice' });
    await a.authorize(q); // not re-read until the refresh
    expect(a.refresh(load())).to.deep.equal([{ key: 'security.client.protocol.acl', from: '*', to: 'alice ' }]);
    await rejectsWithCode(a.authorize(q), 'ACCESS_DENIED');
    writeFileSync(join(dir, 'hadoop-policy.xml'), '<configuration><property><name>security.client.protocol.acl</name>');
    const conf = load(); // the daemon's own configuration does not read the broken file
    expect(() => a.refresh(conf)).to.throw(ConfigError, /Cannot parse configuration file .*hadoop-policy\.xml/);
    await rejectsWithCode(a.authorize(q), 'ACCESS_DENIED');
    await a.authorize(alice);
    rmSync(join(dir, 'hadoop-policy.xml'));
    expect(a.refresh(load())).to.deep.equal([{ key: 'security.client.protocol.acl', from: 'alice ', to: '*' }]);
    await a.authorize(q);
  });
});

describe('identity/Groups.refresh', () => {
  it('forgets cached answers, so the mapping is asked again', async () => {
    let answer = ['a'];
    let asked = 0;
    const g = new Groups({ mapping: { groups: async () => { asked++; return answer; } }, clock: new ManualClock(0) });
    expect(await g.groups('u')).to.deep.equal(['a']);
    answer = ['b'];
    expect(await g.groups('u')).to.deep.equal(['a']);
    expect(g.refresh()).to.equal(1);
    expect(await g.groups('u')).to.deep.equal(['b']);
    expect(asked).to.equal(2);
  });
});

describe('authorize/ServiceAuthorizer defaults and host lists', () => {
  const q = { user: 'bob@R', shortUser: 'bob', authMethod: 'KERBEROS', protocol: CLIENT_PROTOCOL_INFO.protocol, remoteAddress: '10.1.2.3' };

  it('a protocol without its own keys takes security.service.authorization.default.acl / .blocked', async () => {
    const a = ServiceAuthorizer.fromConfiguration(conf({ 'security.service.authorization.default.acl': 'alice', 'security.datanode.protocol.acl': '*' }), POLICY, groups)!;
    expect((await rejectsWithCode(a.authorize(q), 'ACCESS_DENIED')).message).to.contain('denied by configured ACL');
    await a.authorize({ ...q, user: 'alice@R', shortUser: 'alice' });
    await a.authorize({ ...q, protocol: DATANODE_PROTOCOL_INFO.protocol }); // its own ACL (*) wins over the default
    const b = ServiceAuthorizer.fromConfiguration(conf({ 'security.service.authorization.default.acl.blocked': 'bob' }), POLICY, groups)!;
    await rejectsWithCode(b.authorize(q), 'ACCESS_DENIED');
  });

  it('the caller\'s address must be in the protocol\'s .hosts (else the default hosts) and not in .hosts.blocked', async () => {
    const a = ServiceAuthorizer.fromConfiguration(conf({ 'security.client.protocol.hosts': '10.0.0.0/8', 'security.client.protocol.hosts.blocked': '10.9.0.0/16' }), POLICY, groups)!;
    await a.authorize(q);
    const e = await rejectsWithCode(a.authorize({ ...q, remoteAddress: '192.0.2.1' }), 'ACCESS_DENIED');
    expect(e.message).to.equal('Host 192.0.2.1 is not authorized for protocol interface org.apache.hadoop.hdfs.protocol.ClientProtocol');
    expect(e.details.exceptionClassName).to.equal('org.apache.hadoop.security.authorize.AuthorizationException');
    await rejectsWithCode(a.authorize({ ...q, remoteAddress: '10.9.1.1' }), 'ACCESS_DENIED');
    // the address as InetAddress.getHostAddress writes it: an IPv4-mapped client is its dotted quad
    expect((await rejectsWithCode(a.authorize({ ...q, remoteAddress: '::ffff:192.0.2.1' }), 'ACCESS_DENIED')).message).to.equal('Host 192.0.2.1 is not authorized for protocol interface org.apache.hadoop.hdfs.protocol.ClientProtocol');
    const d = ServiceAuthorizer.fromConfiguration(conf({ 'security.service.authorization.default.hosts': '127.0.0.1' }), POLICY, groups)!;
    await rejectsWithCode(d.authorize(q), 'ACCESS_DENIED');
    await d.authorize({ ...q, remoteAddress: '127.0.0.1' });
    expect(d.refresh(conf({}))).to.deep.equal([{ key: 'security.client.protocol.hosts', from: '127.0.0.1', to: '*' }, { key: 'security.datanode.protocol.hosts', from: '127.0.0.1', to: '*' }]);
    await d.authorize(q);
  });
});
