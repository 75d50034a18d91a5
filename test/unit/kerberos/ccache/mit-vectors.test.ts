// A ccache written by MIT kinit + kvno (test/vectors/kerberos-files.json), checked against MIT's
// `klist -e -f` listing; its service ticket is decrypted with the recorded service keytab.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { configEntries, findTgt, findTicket, parseCcache, serializeCcache, tickets } from '../../../../security/kerberos/ccache/ccache.ts';
import { parseKeytab } from '../../../../security/kerberos/keytab/keytab.ts';
import { getProfile } from '../../../../security/kerberos/crypto/registry.ts';
import { KEY_USAGE } from '../../../../security/kerberos/crypto/key-usage.ts';
import { decodeEncTicketPart, decodeTicket } from '../../../../security/kerberos/messages/index.ts';
import { principalToString } from '../../../../security/kerberos/types.ts';

const V = JSON.parse(readFileSync(new URL('../../../vectors/kerberos-files.json', import.meta.url), 'utf8'));

function klistTime(text: string): number {
  const [mo, d, y, h, mi, s] = text.split(/[/ :]/).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(2000 + y, mo - 1, d, h, mi, s);
}

/** klist -f flag letters (MIT klist.c flags_string) for the bits of a 32-bit TicketFlags value. */
function flagLetters(flags: number): string {
  const bit = (n: number) => (flags >>> (31 - n)) & 1;
  // RFC 4120 5.3 bit numbers (bit 15, enc-pa-rep of RFC 6806, has no letter).
  const letters: [number, string][] = [[1, 'F'], [2, 'f'], [3, 'P'], [4, 'p'], [5, 'D'], [6, 'd'], [7, 'i'], [8, 'R'], [9, 'I'], [10, 'A'], [11, 'H'], [12, 'T'], [13, 'O'], [14, 'a']];
  return letters.filter(([n]) => bit(n)).map(([, l]) => l).join('');
}

describe('kerberos ccache: MIT kinit vector', () => {
  const bytes = Buffer.from(V.ccache.fileHex, 'hex');
  const cc = parseCcache(bytes);
  const rows = [...(V.ccache.klist as string).matchAll(/^(\S+ \S+)\s+(\S+ \S+)\s+(\S+)\n\trenew until (\S+ \S+), Flags: (\S+)\n\tEtype \(skey, tkt\): (\S+), (\S+)/gm)];

  it('has the default principal and one ticket per klist row with the same times, flags and enctypes', () => {
    expect(principalToString(cc.defaultPrincipal)).to.equal(/Default principal: (\S+)/.exec(V.ccache.klist)![1]);
    expect(rows).to.have.length(2);
    expect(tickets(cc)).to.have.length(2);
    for (const m of rows) {
      const c = findTicket(cc, m[3]!)!;
      expect(c, m[3]).to.not.equal(undefined);
      expect(c.startTime).to.equal(klistTime(m[1]!));
      expect(c.endTime).to.equal(klistTime(m[2]!));
      expect(c.renewTill).to.equal(klistTime(m[4]!));
      expect(flagLetters(c.flags)).to.equal(m[5]);
      expect(getProfile(c.sessionKey.etype).name).to.equal(m[6]);
      expect(getProfile(decodeTicket(c.ticket).encPart.etype).name).to.equal(m[7]);
    }
  });

  it('keeps the config entry MIT wrote and does not treat it as a ticket', () => {
    expect(configEntries(cc)).to.deep.equal([{ key: 'fast_avail', principal: 'krbtgt/EXAMPLE.TEST@EXAMPLE.TEST', value: Buffer.from('yes') }]);
    expect(cc.credentials).to.have.length(3);
  });

  it('decrypts the service ticket with the service key to the session key the cache holds', () => {
    const svc = findTicket(cc, 'svc/host.example.test@EXAMPLE.TEST')!;
    const ticket = decodeTicket(svc.ticket);
    const key = parseKeytab(Buffer.from(V.ccache.serviceKeytabHex, 'hex')).requireKey('svc/host.example.test@EXAMPLE.TEST', ticket.encPart.etype, ticket.encPart.kvno);
    const part = decodeEncTicketPart(getProfile(ticket.encPart.etype).decrypt(key.value, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher));
    expect(part.key.value.equals(svc.sessionKey.value)).to.equal(true);
    expect(part.cname.components).to.deep.equal(['alice']);
    expect(findTgt(cc)!.client).to.deep.equal(cc.defaultPrincipal);
  });

  it('re-serializes to the identical bytes', () => {
    expect(serializeCcache(cc).equals(bytes)).to.equal(true);
  });
});
