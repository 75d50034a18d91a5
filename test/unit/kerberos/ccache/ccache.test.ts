// MIT FILE ccache: hand-built v4 and v3 files, round trips, config entries, ticket selection, file mode.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  configEntries, findTgt, findTicket, kdcOffsetMs, newCcache, parseCcache, readCcache, serializeCcache, setConfigEntry, storeCredential, tickets, writeCcache,
  type CcacheCredential,
} from '../../../../security/kerberos/ccache/ccache.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { openCredentialCache } from '../../../../security/kerberos/ccache/credential-cache.ts';
import { KerberosError } from '../../../../lib/errors/index.ts';

const u16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(v, 0); return b; };
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0, 0); return b; };
const data = (b: Buffer | string) => { const v = Buffer.from(b); return Buffer.concat([u32(v.length), v]); };
const principal = (nameType: number, realm: string, ...c: string[]) => Buffer.concat([u32(nameType), u32(c.length), data(realm), ...c.map((x) => data(x))]);

const TICKET = Buffer.from('6182010030820100a003020105', 'hex');
const KEY = Buffer.alloc(32, 0xab);

/** One credential, field by field from the MIT format description. */
function cred(version: 3 | 4, server: Buffer, opts: { times?: number[]; flags?: number; addrs?: [number, Buffer][]; ad?: [number, Buffer][]; ticket?: Buffer; second?: Buffer } = {}): Buffer {
  const [a, s, e, r] = opts.times ?? [1_700_000_000, 1_700_000_000, 1_700_036_000, 1_700_600_000];
  return Buffer.concat([
    principal(1, 'EXAMPLE.COM', 'alice'), server,
    u16(18), ...(version === 3 ? [u16(18)] : []), data(KEY),
    u32(a!), u32(s!), u32(e!), u32(r!), Buffer.of(0), u32(opts.flags ?? 0x40e10000),
    u32(opts.addrs?.length ?? 0), ...(opts.addrs ?? []).map(([t, v]) => Buffer.concat([u16(t), data(v)])),
    u32(opts.ad?.length ?? 0), ...(opts.ad ?? []).map(([t, v]) => Buffer.concat([u16(t), data(v)])),
    data(opts.ticket ?? TICKET), data(opts.second ?? Buffer.alloc(0)),
  ]);
}

const TGS = principal(2, 'EXAMPLE.COM', 'krbtgt', 'EXAMPLE.COM');
const CONF = principal(1, 'X-CACHECONF:', 'krb5_ccache_conf_data', 'fast_avail', 'krbtgt/EXAMPLE.COM@EXAMPLE.COM');

function v4File(): Buffer {
  const header = Buffer.concat([u16(1), u16(8), u32(-5 >>> 0), u32(250_000)]);
  return Buffer.concat([
    u16(0x0504), u16(header.length), header, principal(1, 'EXAMPLE.COM', 'alice'),
    Buffer.concat([principal(1, 'EXAMPLE.COM', 'alice'), CONF, u16(0), data(''), u32(0), u32(0), u32(0), u32(0), Buffer.of(0), u32(0), u32(0), u32(0), data('yes'), data('')]),
    cred(4, TGS, { addrs: [[2, Buffer.from([127, 0, 0, 1])]], ad: [[1, Buffer.from('3000', 'hex')]] }),
    cred(4, principal(3, 'EXAMPLE.COM', 'nn', 'host1'), { times: [1_700_000_000, 1_700_000_100, 1_700_030_000, 0], flags: 0x50a00000, second: Buffer.from('6103', 'hex') }),
  ]);
}

describe('kerberos ccache: MIT FILE format', () => {
  it('reads a v4 file: header offset, default principal, config entry, tickets with addresses and authdata', () => {
    const cc = parseCcache(v4File());
    expect(cc.version).to.equal(0x0504);
    expect(cc.kdcOffset).to.deep.equal({ seconds: -5, microseconds: 250_000 });
    expect(kdcOffsetMs(cc)).to.equal(-5000 + 250);
    expect(cc.defaultPrincipal).to.deep.equal({ name: { nameType: 1, components: ['alice'] }, realm: 'EXAMPLE.COM' });
    expect(cc.credentials).to.have.length(3);
    expect(configEntries(cc)).to.deep.equal([{ key: 'fast_avail', principal: 'krbtgt/EXAMPLE.COM@EXAMPLE.COM', value: Buffer.from('yes') }]);
    const [tgt, svc] = tickets(cc) as [CcacheCredential, CcacheCredential];
    expect(tgt.server.name.components).to.deep.equal(['krbtgt', 'EXAMPLE.COM']);
    expect(tgt.sessionKey.etype).to.equal(18);
    expect(tgt.sessionKey.value.equals(KEY)).to.equal(true);
    expect([tgt.authTime, tgt.startTime, tgt.endTime, tgt.renewTill]).to.deep.equal([1_700_000_000_000, 1_700_000_000_000, 1_700_036_000_000, 1_700_600_000_000]);
    expect(tgt.flags).to.equal(0x40e10000);
    expect(tgt.isSkey).to.equal(false);
    expect(tgt.addresses).to.deep.equal([{ type: 2, value: Buffer.from([127, 0, 0, 1]) }]);
    expect(tgt.authData).to.deep.equal([{ type: 1, value: Buffer.from('3000', 'hex') }]);
    expect(tgt.ticket.equals(TICKET)).to.equal(true);
    expect(svc.server.name.nameType).to.equal(3);
    expect(svc.renewTill).to.equal(0);
    expect(svc.secondTicket.toString('hex')).to.equal('6103');
  });

  it('serializes back to the identical bytes', () => {
    const file = v4File();
    expect(serializeCcache(parseCcache(file)).equals(file)).to.equal(true);
  });

  it('reads v3 (enctype stored twice, no header) and writes it out as v4', () => {
    const file = Buffer.concat([u16(0x0503), principal(1, 'EXAMPLE.COM', 'alice'), cred(3, TGS)]);
    const cc = parseCcache(file);
    expect(cc.version).to.equal(0x0503);
    expect(cc.kdcOffset).to.equal(undefined);
    expect(kdcOffsetMs(cc)).to.equal(0);
    expect(findTgt(cc)!.sessionKey.value.equals(KEY)).to.equal(true);
    const v4 = parseCcache(serializeCcache(cc));
    expect(v4.version).to.equal(0x0504);
    expect(v4.credentials).to.deep.equal(cc.credentials);
  });

  it('keeps the credentials before a record cut short by the end of the file, and says where (MIT cc_file.c: the end)', () => {
    const whole = parseCcache(v4File());
    const cut = parseCcache(v4File().subarray(0, 200));
    expect(cut.credentials).to.deep.equal([]);
    expect(cut.partialRecord!.bytes).to.equal(200 - cut.partialRecord!.offset);
    expect(cut.defaultPrincipal).to.deep.equal(whole.defaultPrincipal);
    expect(whole.partialRecord).to.equal(undefined);
  });

  it('skips entries MIT marked removed (endtime 0, authtime -1)', () => {
    const removed = cred(4, principal(1, 'EXAMPLE.COM', 'gone'), { times: [0xffffffff, 0, 0, 0] });
    const cc = parseCcache(Buffer.concat([v4File(), removed]));
    expect(cc.credentials).to.have.length(3);
    expect(cc.credentials.map((c) => c.server.name.components[0])).to.not.include('gone');
  });

  it('rejects other versions, a cut header or default principal, and lengths beyond the file with KRB_CCACHE', () => {
    const header = Buffer.concat([u16(1), u16(8), u32(0), u32(0)]);
    const beyond = Buffer.concat([u16(0x0504), u16(header.length), header, principal(1, 'EXAMPLE.COM', 'alice'), u32(1), u32(1), u32(0x00ffffff)]);
    for (const bad of [Buffer.concat([u16(0x0502), principal(1, 'R', 'a')]), v4File().subarray(0, 20), Buffer.from([5]), beyond]) {
      try {
        parseCcache(bad);
        expect.fail('expected an error');
      } catch (e) {
        expect(e).to.be.instanceOf(KerberosError);
        expect((e as KerberosError).code).to.equal('KRB_CCACHE');
      }
    }
  });
});

describe('kerberos ccache: contents', () => {
  const alice = parsePrincipal('alice@EXAMPLE.COM');
  const svc = (name: string, end: number): CcacheCredential => ({
    client: alice, server: parsePrincipal(name), sessionKey: { etype: 17, value: Buffer.alloc(16, end & 0xff) }, authTime: 1000, startTime: 1000, endTime: end,
    renewTill: 0, flags: 0, isSkey: false, addresses: [], authData: [], ticket: Buffer.from([end & 0xff]), secondTicket: Buffer.alloc(0),
  });

  it('never selects config entries as tickets', () => {
    let cc = newCcache(alice);
    cc = setConfigEntry(cc, 'pa_type', '2', 'krbtgt/EXAMPLE.COM@EXAMPLE.COM');
    cc = setConfigEntry(cc, 'pa_type', '138', 'krbtgt/EXAMPLE.COM@EXAMPLE.COM');
    expect(configEntries(cc)).to.deep.equal([{ key: 'pa_type', principal: 'krbtgt/EXAMPLE.COM@EXAMPLE.COM', value: Buffer.from('138') }]);
    expect(tickets(cc)).to.deep.equal([]);
    expect(findTicket(cc, { name: { nameType: 1, components: ['krb5_ccache_conf_data', 'pa_type', 'krbtgt/EXAMPLE.COM@EXAMPLE.COM'] }, realm: 'X-CACHECONF:' })).to.equal(undefined);
  });

  it('finds the unexpired ticket with the latest end time and replaces on store', () => {
    let cc = newCcache(alice, [svc('nn/h@EXAMPLE.COM', 5000), svc('krbtgt/EXAMPLE.COM@EXAMPLE.COM', 9000)]);
    cc = { ...cc, credentials: [...cc.credentials, svc('nn/h@EXAMPLE.COM', 7000)] };
    expect(findTicket(cc, 'nn/h')!.endTime).to.equal(7000);
    expect(findTicket(cc, 'nn/h@EXAMPLE.COM', 7000)).to.equal(undefined);
    expect(findTicket(cc, 'dn/h')).to.equal(undefined);
    expect(findTgt(cc)!.endTime).to.equal(9000);
    cc = storeCredential(cc, svc('nn/h@EXAMPLE.COM', 8000));
    expect(tickets(cc).filter((c) => c.server.name.components[0] === 'nn').map((c) => c.endTime)).to.deep.equal([8000]);
  });

  it('accepts plain Credentials (no addresses/authdata) when storing and serializing', () => {
    const plain = { client: alice, server: parsePrincipal('krbtgt/EXAMPLE.COM@EXAMPLE.COM'), sessionKey: { etype: 18, value: KEY }, authTime: 1_000_000, startTime: 1_000_000, endTime: 2_000_000, renewTill: 3_000_000, flags: 0x40000000, ticket: TICKET };
    const cc = storeCredential(newCcache(alice, [], -1500), plain);
    const back = parseCcache(serializeCcache(cc));
    expect(back.kdcOffset).to.deep.equal({ seconds: -1, microseconds: -500_000 });
    expect(kdcOffsetMs(back)).to.equal(-1500);
    expect(findTgt(back)).to.deep.include({ endTime: 2_000_000, flags: 0x40000000, isSkey: false });
  });
});

describe('kerberos ccache: files', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'hsec-cc-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes 0600 atomically and reads back', async () => {
    const path = join(dir, 'cc');
    const cc = parseCcache(v4File());
    await writeCcache(path, cc);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(await readCcache(path)).to.deep.equal(cc);
  });

  it('a cache that cannot be written is KRB_CCACHE naming it and the OS reason, not the temp file', async () => {
    const path = join(dir, 'no-such-dir', 'cc');
    const cache = await openCredentialCache(`FILE:${path}`);
    const e = await cache.write(parseCcache(v4File())).then(() => expect.fail('wrote'), (x: KerberosError) => x);
    expect(e.code).to.equal('KRB_CCACHE');
    expect(e.message).to.equal(`cannot write credential cache ${path}: no such file or directory (ENOENT); check KRB5CCNAME (kinit -c) names a file in a directory you can write to`);
  });

  it('reports a missing cache as KRB_NO_CREDENTIALS naming the path', async () => {
    try {
      await readCcache(join(dir, 'nope'));
      expect.fail('expected an error');
    } catch (e) {
      expect((e as KerberosError).code).to.equal('KRB_NO_CREDENTIALS');
      expect((e as Error).message).to.include(join(dir, 'nope'));
    }
  });
});

