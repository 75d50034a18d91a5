// HostsFileReader's format (whitespace-separated entries, `#` to the end of the line) and
// HostFileManager / HostSet matching (an entry without a port matches any port; an empty include
// list admits every host; names resolved when the file is read; unresolvable entries skipped).
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostFileManager, parseHostsFile, splitHostEntry } from '../../../cluster/namenode/blocks/host-file-manager.ts';

describe('namenode/host-file-manager (dfs.hosts, dfs.hosts.exclude)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-hosts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses entries split by whitespace, a # comment ends the line, duplicates once', () => {
    expect(parseHostsFile('a.example b.example:9866\n  # all of this\n\tc.example # d.example\r\na.example\n\n')).to.deep.equal(['a.example', 'b.example:9866', 'c.example']);
    expect(splitHostEntry('h:9866')).to.deep.equal({ host: 'h', port: 9866 });
    expect(splitHostEntry('h')).to.deep.equal({ host: 'h', port: 0 });
    expect(splitHostEntry('[::1]:9866')).to.deep.equal({ host: '::1', port: 9866 });
    expect(splitHostEntry('h:99999')).to.equal(undefined);
  });

  it('matches by resolved address and port; an empty include list admits all; unresolvable names are skipped', async () => {
    const table: Record<string, string[]> = { 'dn1.example': ['10.0.0.1'], 'dn2.example': ['10.0.0.2', 'fd00::2'] };
    const m = new HostFileManager(async (h) => table[h] ?? []);
    expect(m.isIncluded('10.9.9.9', 1)).to.equal(true);
    writeFileSync(join(dir, 'inc'), 'dn1.example:9866 dn2.example nowhere.example 10.0.0.3\n');
    writeFileSync(join(dir, 'exc'), 'dn2.example:9867\n');
    await m.refresh({ includes: join(dir, 'inc'), excludes: join(dir, 'exc') });
    expect([m.isIncluded('10.0.0.1', 9866), m.isIncluded('10.0.0.1', 9867), m.isIncluded('10.0.0.2', 1), m.isIncluded('fd00::2', 2), m.isIncluded('10.0.0.3', 5), m.isIncluded('10.0.0.4', 9866)])
      .to.deep.equal([true, false, true, true, true, false]);
    expect([m.isExcluded('10.0.0.2', 9867), m.isExcluded('10.0.0.2', 9866)]).to.deep.equal([true, false]);
    expect(m.includes.size).to.equal(4);
    await m.refresh({ includes: '', excludes: '' });
    expect([m.isIncluded('10.0.0.4', 1), m.isExcluded('10.0.0.2', 9867)]).to.deep.equal([true, false]);
  });

  it('compares addresses as Java\'s InetAddress does: an IPv4-mapped peer (a dual-stack listener) is its IPv4 address, IPv6 in any text form', async () => {
    const m = new HostFileManager(async () => []);
    writeFileSync(join(dir, 'inc'), '10.0.0.1 0:0:0:0:0:0:0:1 fd00:0:0::2\n');
    writeFileSync(join(dir, 'exc'), '10.0.0.1:9866\n');
    await m.refresh({ includes: join(dir, 'inc'), excludes: join(dir, 'exc') });
    // a DataNode whose registration came in over an IPv6 socket that maps IPv4 peers
    expect([m.isIncluded('::ffff:10.0.0.1', 9866), m.isExcluded('::ffff:10.0.0.1', 9866), m.isExcluded('::FFFF:10.0.0.1', 9866)]).to.deep.equal([true, true, true]);
    expect([m.isIncluded('::1', 1), m.isIncluded('fd00::2', 5), m.isIncluded('::ffff:10.0.0.2', 9866)]).to.deep.equal([true, true, false]);
  });
});
