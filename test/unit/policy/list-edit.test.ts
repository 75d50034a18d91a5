/**
 * The pure list edits of `hsec policy` (cluster/policy/list-edit.ts) and the list store keys
 * (security/resolver/list-store.ts): entries are checked with the servers' parsers, adds are
 * idempotent by prefix, removes match by prefix and keep comments, imports refuse any bad line.
 */
import { expect } from 'chai';
import { addEntry, checkEntry, entries, ListEditError, removeEntry, replaceText } from '../../../cluster/policy/list-edit.ts';
import { listStoreKind, znodePath } from '../../../security/resolver/list-store.ts';
import { expectCode } from '../../support/expect-code.ts';

describe('hsec policy list edits', () => {
  it('checks entries with the servers\' parsers', () => {
    expect(checkEntry('whitelist', ' 10.0.0.0/8 ')).to.equal('10.0.0.0/8');
    for (const ok of ['127.0.0.2', '2001:db8::/32', '[::1]', 'nn1.example.com', '*']) expect(checkEntry('whitelist', ok)).to.equal(ok);
    for (const [bad, why] of [['10.0.0.0/33', 'prefix length 33 exceeds 32'], ['010.0.0.1', 'not an IPv4 address'], ['# x', 'not an entry'], ['a\nb', 'not an entry'], ['', 'not an entry']]) {
      expect(() => checkEntry('whitelist', bad!), bad).to.throw(ListEditError, why!);
    }
    expect(checkEntry('principals', 'etl/*@EXAMPLE.COM')).to.equal('etl/*@EXAMPLE.COM');
    expect(() => checkEntry('principals', 'etl/@EXAMPLE.COM')).to.throw(ListEditError, 'not a principal pattern');
  });

  it('adds once per prefix, after a missing final newline, keeping comments', () => {
    const text = '# internal\n10.0.0.0/8';
    const a = addEntry('whitelist', text, '127.0.0.2/32');
    expect(a).to.deep.equal({ text: '# internal\n10.0.0.0/8\n127.0.0.2/32\n', changed: true });
    expect(addEntry('whitelist', a.text, '127.0.0.2').changed).to.equal(false);
    expect(addEntry('whitelist', a.text, '10.1.2.3/8').changed).to.equal(false); // host bits ignored, as servers do
    expect(addEntry('whitelist', '', '::ffff:10.0.0.0/104').text).to.equal('::ffff:10.0.0.0/104\n');
    expect(() => addEntry('whitelist', a.text, '*')).to.throw(ListEditError, 'would make the list invalid');
  });

  it('removes every line naming the same prefix and keeps the rest', () => {
    const text = '# a\n127.0.0.2/32\n10.0.0.0/8\n127.0.0.2\n';
    expect(removeEntry('whitelist', text, '127.0.0.2')).to.deep.equal({ text: '# a\n10.0.0.0/8\n', removed: 2 });
    expect(removeEntry('whitelist', text, '192.0.2.1').removed).to.equal(0);
    expect(removeEntry('principals', 'alice@X\nbob@X\n', 'bob@X')).to.deep.equal({ text: 'alice@X\n', removed: 1 });
    expect(entries('# c\n\n x \ny\n')).to.deep.equal(['x', 'y']);
  });

  it('imports only a text whose every line parses, naming each bad line', () => {
    expect(replaceText('whitelist', '10.0.0.0/8', 'f')).to.equal('10.0.0.0/8\n');
    expect(() => replaceText('whitelist', '10.0.0.0/8\n1.2.3\n10.0.0.0/40\n', 'f')).to.throw(ListEditError, /f has 2 bad line\(s\), nothing imported:\nf line 2: .*\nf line 3: /);
  });

  it('reads the store keys: file or zookeeper, absolute znode paths', () => {
    const conf = (m: Record<string, string>) => ({ get: (k: string) => m[k] });
    expect(listStoreKind(conf({}))).to.equal('file');
    expect(listStoreKind(conf({ 'hsec.security.sasl.whitelist.store': 'ZooKeeper' }))).to.equal('zookeeper');
    expectCode(() => listStoreKind(conf({ 'hsec.security.sasl.whitelist.store': 'etcd' })), 'CONFIG_INVALID');
    expect(znodePath(conf({}), 'k', '/hsec/whitelist')).to.equal('/hsec/whitelist');
    for (const bad of ['hsec/whitelist', '/hsec/', '/a//b']) expectCode(() => znodePath(conf({ k: bad }), 'k', '/x'), 'CONFIG_INVALID');
  });
});
