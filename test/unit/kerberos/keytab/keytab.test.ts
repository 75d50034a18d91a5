// MIT keytab format: hand-built files (0x0502, 0x0501, holes, 8/32-bit kvno), round trips, lookup rules, file mode.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Keytab, parseKeytab, readKeytab, readKeytabSync, serializeKeytab, writeKeytab, type KeytabEntry } from '../../../../security/kerberos/keytab/keytab.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { KerberosError } from '../../../../lib/errors/index.ts';

const be16 = (v: number) => Buffer.from([v >> 8, v & 0xff]);
const be32 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32BE(v | 0, 0); return b; };
const str = (s: string) => Buffer.concat([be16(Buffer.byteLength(s)), Buffer.from(s)]);

/** One v2 record, built field by field from the MIT format description. */
function record(opts: { components: string[]; realm: string; nameType?: number; time?: number; vno8: number; etype: number; key: Buffer; vno32?: number; pad?: number }): Buffer {
  const body = Buffer.concat([
    be16(opts.components.length), str(opts.realm), ...opts.components.map(str), be32(opts.nameType ?? 1), be32(opts.time ?? 1_700_000_000),
    Buffer.of(opts.vno8), be16(opts.etype), be16(opts.key.length), opts.key,
    opts.vno32 === undefined ? Buffer.alloc(0) : be32(opts.vno32), Buffer.alloc(opts.pad ?? 0),
  ]);
  return Buffer.concat([be32(body.length), body]);
}

const K = (n: number, len = 32) => Buffer.alloc(len, n);

function expectKeytabError(fn: () => unknown): KerberosError {
  try { fn(); } catch (e) { expect(e).to.be.instanceOf(KerberosError); expect((e as KerberosError).code).to.equal('KRB_KEYTAB'); return e as KerberosError; }
  expect.fail('expected KRB_KEYTAB');
}

describe('kerberos keytab: MIT format', () => {
  it('reads a 0x0502 file with 8-bit and 32-bit kvnos, skipping holes', () => {
    const file = Buffer.concat([
      be16(0x0502),
      record({ components: ['nn', 'host1.example.com'], realm: 'EXAMPLE.COM', nameType: 3, vno8: 2, etype: 18, key: K(1) }),
      be32(-20), Buffer.alloc(20, 0xee), // a hole left by a deleted entry
      record({ components: ['nn', 'host1.example.com'], realm: 'EXAMPLE.COM', vno8: 300 & 0xff, etype: 18, key: K(2), vno32: 300 }),
      record({ components: ['alice'], realm: 'EXAMPLE.COM', vno8: 7, etype: 17, key: K(3, 16), vno32: 0, pad: 3 }),
    ]);
    const kt = parseKeytab(file);
    expect(kt.entries).to.have.length(3);
    const [a, b, c] = kt.entries as [KeytabEntry, KeytabEntry, KeytabEntry];
    expect(a.principal).to.deep.equal({ name: { nameType: 3, components: ['nn', 'host1.example.com'] }, realm: 'EXAMPLE.COM' });
    expect(a.kvno).to.equal(2);
    expect(a.timestamp).to.equal(1_700_000_000_000);
    expect(a.key.etype).to.equal(18);
    expect(a.key.value.equals(K(1))).to.equal(true);
    expect(b.kvno).to.equal(300); // the 32-bit kvno supersedes vno8
    expect(c.kvno).to.equal(7); // a zero 32-bit kvno means "use vno8"
    expect(c.key.value.equals(K(3, 16))).to.equal(true);
  });

  it('reads a 0x0501 file (little-endian, realm counted as a component, no name type)', () => {
    const le16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);
    const lstr = (s: string) => Buffer.concat([le16(s.length), Buffer.from(s)]);
    const le32 = (v: number) => { const x = Buffer.alloc(4); x.writeInt32LE(v, 0); return x; };
    const body = Buffer.concat([le16(2), lstr('R.ORG'), lstr('bob'), le32(1000), Buffer.of(4), le16(17), le16(16), K(9, 16)]);
    const kt = parseKeytab(Buffer.concat([Buffer.from([5, 1]), le32(body.length), body]));
    expect(kt.entries[0]!.principal).to.deep.equal({ name: { nameType: 1, components: ['bob'] }, realm: 'R.ORG' });
    expect(kt.entries[0]!.kvno).to.equal(4);
    expect(kt.entries[0]!.timestamp).to.equal(1_000_000);
  });

  it('round-trips through serializeKeytab byte for byte', () => {
    const file = Buffer.concat([
      be16(0x0502),
      record({ components: ['HTTP', 'web.example.com'], realm: 'EXAMPLE.COM', nameType: 3, vno8: 3, etype: 20, key: K(4), vno32: 3 }),
      record({ components: ['HTTP', 'web.example.com'], realm: 'EXAMPLE.COM', nameType: 3, vno8: 3, etype: 19, key: K(5, 16), vno32: 3 }),
    ]);
    expect(serializeKeytab(parseKeytab(file)).equals(file)).to.equal(true);
  });

  it('rejects unknown versions and truncated entries with KRB_KEYTAB', () => {
    expectKeytabError(() => parseKeytab(Buffer.from([5, 3, 0, 0, 0, 0])));
    expectKeytabError(() => parseKeytab(Buffer.from([5])));
    const good = record({ components: ['a'], realm: 'R', vno8: 1, etype: 17, key: K(1, 16) });
    expectKeytabError(() => parseKeytab(Buffer.concat([be16(0x0502), good.subarray(0, good.length - 3)])));
    // A record whose declared size is too small for its own fields.
    const shrunk = Buffer.from(good);
    shrunk.writeInt32BE(10, 0);
    expectKeytabError(() => parseKeytab(Buffer.concat([be16(0x0502), shrunk])));
  });
});

describe('kerberos keytab: lookup', () => {
  const p = parsePrincipal('nn/host1@EXAMPLE.COM');
  const entry = (kvno: number, etype: number, fill: number): KeytabEntry => ({ principal: p, timestamp: 0, kvno, key: { etype, value: K(fill, etype === 17 || etype === 19 ? 16 : 32) } });
  const kt = new Keytab([entry(1, 18, 1), entry(2, 17, 2), entry(2, 18, 3), entry(2, 23, 4), entry(1, 20, 5)]);

  it('picks the highest kvno, then the strongest supported etype, by default', () => {
    const e = kt.findKey('nn/host1@EXAMPLE.COM')!;
    expect([e.kvno, e.key.etype]).to.deep.equal([2, 18]);
  });
  it('honours etype and kvno when given', () => {
    expect(kt.findKey(p, 18, 1)!.key.value[0]).to.equal(1);
    expect(kt.findKey(p, 17)!.kvno).to.equal(2);
    expect(kt.findKey(p, 20)!.kvno).to.equal(1);
    expect(kt.findKey(p, 23)!.key.value[0]).to.equal(4); // unsupported etypes are kept and found only by number
    expect(kt.findKey(p, 19)).to.equal(undefined);
    expect(kt.findKey(p, 18, 9)).to.equal(undefined);
  });
  it('matches realm and components and ignores the name type', () => {
    expect(kt.findKey({ name: { nameType: 3, components: ['nn', 'host1'] }, realm: 'EXAMPLE.COM' })).to.not.equal(undefined);
    expect(kt.findKey('nn/host1@OTHER.COM')).to.equal(undefined);
    expect(kt.findKey('nn/host2@EXAMPLE.COM')).to.equal(undefined);
    expect(kt.findKey('nn/host1')!.kvno).to.equal(2); // a bare name takes the keytab's realm
  });
  it('requireKey explains what is missing and what is there, without key bytes', () => {
    const err = expectKeytabError(() => kt.requireKey(p, 19));
    expect(err.message).to.include('nn/host1@EXAMPLE.COM');
    expect(err.message).to.include('etype 19');
    expect(err.message).to.include('kvno 2 etype 18');
    expect(err.message).to.not.include(K(3).toString('hex').slice(0, 8));
    const none = expectKeytabError(() => kt.requireKey('dn/x@EXAMPLE.COM'));
    expect(none.message).to.include('principals present: nn/host1@EXAMPLE.COM');
    expect(kt.requireKey(p).kvno).to.equal(2);
  });
  it('lists distinct principals', () => {
    expect(kt.with({ ...entry(1, 17, 6), principal: parsePrincipal('dn/h@EXAMPLE.COM') }).principals()).to.have.length(2);
  });
});

describe('kerberos keytab: principal text', () => {
  it('parses components, realm and escapes', () => {
    expect(parsePrincipal('a/b/c@R.COM').name.components).to.deep.equal(['a', 'b', 'c']);
    expect(parsePrincipal('we\\/ird\\@x@R').name.components).to.deep.equal(['we/ird@x']);
    expect(parsePrincipal('bob', 'DEF.REALM').realm).to.equal('DEF.REALM');
    for (const bad of ['a//b@R', '@R', 'a@R@S', 'trailing\\']) expect(() => parsePrincipal(bad, 'R')).to.throw(KerberosError);
    expect(() => parsePrincipal('bob')).to.throw(KerberosError);
  });
});

describe('kerberos keytab: files', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'hsec-kt-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes atomically with mode 0600 and reads back', async () => {
    const path = join(dir, 'svc.keytab');
    writeFileSync(path, 'old contents', { mode: 0o644 });
    const entries: KeytabEntry[] = [{ principal: parsePrincipal('svc/h@R'), timestamp: 1_600_000_000_000, kvno: 1000, key: { etype: 18, value: K(8) } }];
    await writeKeytab(path, entries);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    const kt = await readKeytab(path);
    expect(kt.entries).to.deep.equal(entries);
    expect(kt.path).to.equal(path);
    expect(readFileSync(path).readUInt16BE(0)).to.equal(0x0502);
  });
  it('a missing keytab is KRB_KEYTAB_NOT_FOUND naming the path', async () => {
    for (const read of [() => readKeytab(join(dir, 'missing.keytab')), async () => readKeytabSync(join(dir, 'missing.keytab'))]) {
      try {
        await read();
        expect.fail('expected an error');
      } catch (e) {
        expect((e as KerberosError).code).to.equal('KRB_KEYTAB_NOT_FOUND');
        expect((e as Error).message).to.include(`keytab ${join(dir, 'missing.keytab')} does not exist`);
        expect((e as KerberosError).details.keytab).to.equal(join(dir, 'missing.keytab'));
      }
    }
  });
  it('noEntryError: KRB_KEYTAB_NO_ENTRY names the principal, the keytab and what it holds', () => {
    const alice = parsePrincipal('alice@R');
    const kt = new Keytab([
      { principal: alice, timestamp: 0, kvno: 1, key: { etype: 18, value: K(32) } },
      { principal: alice, timestamp: 0, kvno: 1, key: { etype: 23, value: K(16) } },
    ], 'alice.keytab');
    const e = kt.noEntryError(parsePrincipal('bob@R'));
    expect(e.code).to.equal('KRB_KEYTAB_NO_ENTRY');
    expect(e.message).to.match(/^no entry for bob@R in alice\.keytab \(it holds: alice@R kvno 1 \(aes256-cts-hmac-sha1-96, arcfour-hmac\)\)/);
    expect(new Keytab([], 'empty.keytab').noEntryError(alice).message).to.contain('(it holds: no entries)');
  });
});
