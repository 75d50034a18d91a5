/**
 * security/resolver/ip-list.ts: Hadoop's whitelist file format (FileBasedIPList + MachineList):
 * addresses, CIDRs, host names resolved once per load (InetAddress.getByName: the first address,
 * IPv4 first), `*` alone; bad lines reported with file and line and skipped; comments and blank
 * lines. Host names through an injected resolver and through the system resolver with a name from
 * /etc/hosts (localhost), without network.
 */
import { expect } from 'chai';
import { parseIp } from '../../../lib/net/ip-address.ts';
import { compileIpList, parseIpList } from '../../../security/resolver/ip-list.ts';
import { resolveAddress } from '../../../lib/net/resolve.ts';

const FILE = '/etc/hadoop/fixedwhitelist';
const noDns = (name: string): Promise<string> => Promise.reject(new Error(`unexpected lookup of ${name}`));
const hosts = (table: Record<string, string>) => (name: string): Promise<string> =>
  table[name] !== undefined ? Promise.resolve(table[name]!) : Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' }));

describe('security/resolver/ip-list: parsing', () => {
  it('classifies each line and keeps its number; comments, blank lines and CRLF are handled', () => {
    const text = '# internal\r\n10.0.0.0/8\r\n\r\n  192.168.1.7  \n2001:db8::/32\n::1\n[fe80::1]\nnn1.example.com\n';
    const { entries, problems } = parseIpList(text, FILE);
    expect(problems).to.deep.equal([]);
    expect(entries.map((e) => (e.kind === 'host' ? ['host', e.name, e.line] : [e.kind, e.kind === 'all' ? '*' : e.source.entry, e.source.line]))).to.deep.equal([
      ['prefix', '10.0.0.0/8', 2],
      ['prefix', '192.168.1.7', 4],
      ['prefix', '2001:db8::/32', 5],
      ['prefix', '::1', 6],
      ['prefix', '[fe80::1]', 7],
      ['host', 'nn1.example.com', 8],
    ]);
  });

  it('reports each bad line with file, line, text and reason, and skips only that line', () => {
    const text = ['10.0.0.0/33', '10.0.0.300', '10.1', '*', 'not a host', '2001:db8::/129', 'fe80::1::2', '10.2.0.0/16', 'bad_host!'].join('\n');
    const { entries, problems } = parseIpList(text, FILE);
    expect(entries).to.have.length(1);
    expect(problems.map((p) => [p.code, 'line' in p ? p.line : 0, 'text' in p ? p.text : ''])).to.deep.equal([
      ['LIST_BAD_LINE', 1, '10.0.0.0/33'],
      ['LIST_BAD_LINE', 2, '10.0.0.300'],
      ['LIST_BAD_LINE', 3, '10.1'],
      ['LIST_BAD_LINE', 4, '*'],
      ['LIST_BAD_LINE', 5, 'not a host'],
      ['LIST_BAD_LINE', 6, '2001:db8::/129'],
      ['LIST_BAD_LINE', 7, 'fe80::1::2'],
      ['LIST_BAD_LINE', 9, 'bad_host!'],
    ]);
    expect(problems[0]).to.deep.include({ origin: FILE, reason: 'not a CIDR: prefix length 33 exceeds 32' });
    expect(problems[3]).to.have.property('reason').that.contains('only entry');
  });

  it('"*" alone (repeated or not) is every address, as MachineList.WILDCARD_VALUE', () => {
    expect(parseIpList('# all\n*\n', FILE).entries).to.deep.equal([{ kind: 'all', source: { kind: 'list-entry', entry: '*', origin: FILE, line: 2 } }]);
    expect(parseIpList('*\n*', FILE).entries.map((e) => e.kind)).to.deep.equal(['all']);
    expect(parseIpList('', FILE)).to.deep.equal({ entries: [], problems: [] });
  });
});

describe('security/resolver/ip-list: compiled lists', () => {
  it('matches the most specific entry; IPv4-mapped client addresses match IPv4 entries', async () => {
    const { value: list, entries, problems } = await compileIpList('10.0.0.0/8\n10.1.0.0/16\n2001:db8::/32\n', FILE, noDns);
    expect([entries, problems]).to.deep.equal([3, []]);
    expect(list.match(parseIp('10.1.2.3')!)).to.deep.equal({ kind: 'list-entry', entry: '10.1.0.0/16', origin: FILE, line: 2 });
    expect(list.match(parseIp('::ffff:10.9.9.9')!)).to.deep.equal({ kind: 'list-entry', entry: '10.0.0.0/8', origin: FILE, line: 1 });
    expect(list.match(parseIp('2001:db8::5')!)).to.deep.include({ line: 3 });
    expect(list.match(parseIp('11.0.0.1')!)).to.equal(undefined);
  });

  it('host names resolve once per load to one address (IPv4 first) and match only it; unresolvable names are reported and dropped', async () => {
    const resolved: string[] = [];
    const lookup = hosts({ 'nn1.example.com': '10.0.0.5', 'v6.example.com': '2001:db8::7' });
    const { value: list, entries, problems } = await compileIpList('nn1.example.com\nghost.example.com\nv6.example.com\n', FILE, (n) => (resolved.push(n), lookup(n)));
    expect(resolved.sort()).to.deep.equal(['ghost.example.com', 'nn1.example.com', 'v6.example.com']);
    expect(entries).to.equal(2);
    expect(list.match(parseIp('10.0.0.5')!)).to.deep.equal({ kind: 'list-entry', entry: '10.0.0.5', origin: FILE, line: 1, resolvedFrom: 'nn1.example.com' });
    expect(list.match(parseIp('10.0.0.6')!)).to.equal(undefined);
    expect(list.match(parseIp('2001:db8::7')!)).to.deep.include({ resolvedFrom: 'v6.example.com', line: 3 });
    expect(problems).to.deep.equal([
      { code: 'LIST_UNRESOLVED_HOST', origin: FILE, line: 2, text: 'ghost.example.com', reason: 'host name does not resolve (getaddrinfo ENOTFOUND ghost.example.com)' },
    ]);
  });

  it('an address listed twice (literally and through a host name) is attributed to its first line', async () => {
    const { value: list } = await compileIpList('db.example.com\n10.0.0.5\n', FILE, hosts({ 'db.example.com': '10.0.0.5' }));
    expect(list.match(parseIp('10.0.0.5')!)).to.deep.include({ line: 1, resolvedFrom: 'db.example.com' });
    expect(list.size).to.equal(1);
  });

  it('"localhost" through the system resolver (/etc/hosts, no network) is 127.0.0.1, as InetAddress.getByName with IPv4 first', async () => {
    const { value: list, problems } = await compileIpList('localhost\n', FILE, (n) => resolveAddress(n));
    expect(problems).to.deep.equal([]);
    expect(list.match(parseIp('127.0.0.1')!)).to.deep.equal({ kind: 'list-entry', entry: '127.0.0.1', origin: FILE, line: 1, resolvedFrom: 'localhost' });
    expect(list.match(parseIp('127.0.0.2')!)).to.equal(undefined);
  });

  it('"*" matches every address, IPv4 and IPv6; an empty list none', async () => {
    const all = (await compileIpList('*', FILE, noDns)).value;
    expect(all.match(parseIp('203.0.113.9')!)).to.deep.equal({ kind: 'list-entry', entry: '*', origin: FILE, line: 1 });
    expect(all.match(parseIp('2001:db8::1')!)).to.deep.include({ entry: '*' });
    expect((await compileIpList('\n# nothing\n', FILE, noDns)).value.match(parseIp('10.0.0.1')!)).to.equal(undefined);
  });
});
