// Credential caches against MIT: a ccache written by kinit/kvno is read by hsec (principal, times,
// enctypes, ticket bytes proven by decrypting the service ticket with the service's keytab key);
// ccaches written by hsec are listed by klist and used by kvno to get new service tickets.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { useMiniKdc } from '../../../support/fixtures.ts';
import { kinit, klist, kvno, ticketLifetimes } from '../../../support/krb5-clients.ts';
import {
  configEntries, findTgt, findTicket, newCcache, readCcache, storeCredential, tickets, writeCcache, type Ccache,
} from '../../../../security/kerberos/ccache/ccache.ts';
import { readKeytab } from '../../../../security/kerberos/keytab/keytab.ts';
import { getProfile } from '../../../../security/kerberos/crypto/registry.ts';
import { KEY_USAGE } from '../../../../security/kerberos/crypto/key-usage.ts';
import { decodeEncTicketPart, decodeTicket } from '../../../../security/kerberos/messages/index.ts';
import { principalToString } from '../../../../security/kerberos/types.ts';

/** klist -e prints "Etype (skey, tkt): a, b" under each ticket; map service -> [skey, tkt]. */
function klistEtypes(out: string): Map<string, [string, string]> {
  const map = new Map<string, [string, string]>();
  let service = '';
  for (const line of out.split('\n')) {
    const t = /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\s+\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\s+(\S+)/.exec(line);
    if (t) service = t[1]!;
    const e = /Etype \(skey, tkt\): (\S+), (\S+)/.exec(line);
    if (e && service) map.set(service, [e[1]!, e[2]!]);
  }
  return map;
}

describe('kerberos files: ccaches and MIT kinit / klist / kvno', function () {
  this.timeout(60_000);
  const realm = useMiniKdc();
  let dir: string;
  let mitCache: string;
  let cc: Ccache;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-ccmit-'));
    const kdc = realm.kdc;
    await kdc.addPrincipal('alice', { password: 'alice-pw' });
    await kdc.createKeytab(join(dir, 'svc.keytab'), 'svc/host.example.test');
    await kdc.addPrincipal('other/host.example.test', { password: 'x1' });
    await kdc.addPrincipal('third/host.example.test', { password: 'x2' });
    mitCache = join(dir, 'mit-cc');
    await kinit(kdc.env(mitCache), [kdc.principal('alice')], 'alice-pw\n');
    await kvno(kdc.env(mitCache), kdc.principal('svc/host.example.test'));
    cc = await readCcache(mitCache);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('reads the default principal, config entries, and the tickets klist shows with the same times and enctypes', async () => {
    const kdc = realm.kdc;
    expect(principalToString(cc.defaultPrincipal)).to.equal(kdc.principal('alice'));
    expect(configEntries(cc).map((e) => e.key)).to.include('fast_avail');
    const out = await klist(kdc.env(mitCache), ['-e']);
    const times = ticketLifetimes(out);
    const etypes = klistEtypes(out);
    const ours = tickets(cc);
    expect(ours.map((c) => principalToString(c.server)).sort()).to.deep.equal([...times.keys()].sort());
    for (const c of ours) {
      const name = principalToString(c.server);
      expect(c.startTime, name).to.equal(times.get(name)!.startMs);
      expect(c.endTime, name).to.equal(times.get(name)!.endMs);
      expect(getProfile(c.sessionKey.etype).name, name).to.equal(etypes.get(name)![0]);
      expect(getProfile(decodeTicket(c.ticket).encPart.etype).name, name).to.equal(etypes.get(name)![1]);
      expect(c.sessionKey.value).to.have.length(getProfile(c.sessionKey.etype).keyLength);
      expect(c.renewTill).to.be.greaterThan(c.endTime);
    }
  });

  it('holds the real service ticket: its enc-part decrypts with the service key and carries our session key', async () => {
    const kdc = realm.kdc;
    const svc = findTicket(cc, 'svc/host.example.test', Date.now())!;
    expect(svc).to.not.equal(undefined);
    const ticket = decodeTicket(svc.ticket);
    const key = (await readKeytab(join(dir, 'svc.keytab'))).requireKey(kdc.principal('svc/host.example.test'), ticket.encPart.etype, ticket.encPart.kvno);
    const part = decodeEncTicketPart(getProfile(ticket.encPart.etype).decrypt(key.value, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher));
    expect(part.key.etype).to.equal(svc.sessionKey.etype);
    expect(part.key.value.equals(svc.sessionKey.value)).to.equal(true);
    expect(part.crealm).to.equal(kdc.realm);
    expect(part.cname.components).to.deep.equal(['alice']);
    expect(part.endTime).to.equal(svc.endTime);
    expect(part.authTime).to.equal(svc.authTime);
    expect(part.flags).to.equal(svc.flags);
  });

  it('decrypts MIT-KDC-made service tickets of every AES enctype (etypes 17, 18, 19, 20)', async () => {
    const kdc = realm.kdc;
    const cache = join(dir, 'etypes-cc');
    await kinit(kdc.env(cache), [kdc.principal('alice')], 'alice-pw\n');
    for (const etype of [17, 18, 19, 20]) {
      const name = `e${etype}/host.example.test`;
      await kdc.kadmin(`addprinc -randkey -e ${getProfile(etype).name}:normal ${name}`);
      const keytab = join(dir, `e${etype}.keytab`);
      await kdc.createKeytab(keytab, name);
      await kvno(kdc.env(cache), kdc.principal(name));
      const cred = findTicket(await readCcache(cache), name, Date.now())!;
      const ticket = decodeTicket(cred.ticket);
      expect(ticket.encPart.etype, name).to.equal(etype);
      const key = (await readKeytab(keytab)).requireKey(kdc.principal(name), etype, ticket.encPart.kvno);
      const part = decodeEncTicketPart(getProfile(etype).decrypt(key.value, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher));
      expect(part.key.value.equals(cred.sessionKey.value), name).to.equal(true);
      // The same ciphertext under another key usage must fail its integrity check.
      expect(() => getProfile(etype).decrypt(key.value, KEY_USAGE.AS_REP_ENC_PART, ticket.encPart.cipher)).to.throw(/integrity/);
    }
  });

  it('writes the same bytes MIT wrote when nothing changed', async () => {
    const copy = join(dir, 'copy-cc');
    await writeCcache(copy, cc);
    expect(readFileSync(copy).equals(readFileSync(mitCache))).to.equal(true);
    expect(statSync(copy).mode & 0o777).to.equal(0o600);
  });

  it('writes a fresh cache from the TGT that klist lists and kvno uses (TGT and session key survive)', async () => {
    const kdc = realm.kdc;
    const ours = join(dir, 'hsec-cc');
    const tgt = findTgt(cc, kdc.realm, Date.now())!;
    const plain = { client: tgt.client, server: tgt.server, sessionKey: tgt.sessionKey, authTime: tgt.authTime, startTime: tgt.startTime, endTime: tgt.endTime, renewTill: tgt.renewTill, flags: tgt.flags, ticket: tgt.ticket };
    await writeCcache(ours, storeCredential(newCcache(cc.defaultPrincipal), plain));
    const listed = await klist(kdc.env(ours), ['-e']);
    expect(listed).to.include(`Default principal: ${kdc.principal('alice')}`);
    expect(listed).to.include(`krbtgt/${kdc.realm}@${kdc.realm}`);
    const out = await kvno(kdc.env(ours), kdc.principal('other/host.example.test'));
    expect(out).to.match(/other\/host\.example\.test@EXAMPLE\.TEST: kvno = \d+/);
    // MIT appended the new service ticket to our file; we read it back.
    const after = await readCcache(ours);
    expect(findTicket(after, 'other/host.example.test', Date.now())).to.not.equal(undefined);
    expect(findTgt(after)!.ticket.equals(tgt.ticket)).to.equal(true);
  });

  it('a copy of the MIT cache with its config entries is still usable by kvno', async () => {
    const kdc = realm.kdc;
    const copy = join(dir, 'copy2-cc');
    await writeCcache(copy, cc);
    await kvno(kdc.env(copy), kdc.principal('third/host.example.test'));
    const after = await readCcache(copy);
    expect(configEntries(after)).to.deep.equal(configEntries(cc));
    expect(tickets(after)).to.have.length(tickets(cc).length + 1);
  });
});
