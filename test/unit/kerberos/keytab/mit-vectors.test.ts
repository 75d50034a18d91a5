// A keytab written by MIT ktutil (test/vectors/kerberos-files.json), checked against MIT's own
// `klist -kteK` listing of it and against our string-to-key: no MIT binary needed at test time.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseKeytab, serializeKeytab } from '../../../../security/kerberos/keytab/keytab.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { keytabEntriesFromPassword } from '../../../../security/kerberos/keytab/password-entries.ts';
import { getProfile, profileByName } from '../../../../security/kerberos/crypto/registry.ts';
import { principalToString } from '../../../../security/kerberos/types.ts';

const V = JSON.parse(readFileSync(new URL('../../../vectors/kerberos-files.json', import.meta.url), 'utf8'));

/** Rows of `klist -kteK`: kvno, time, principal, enctype, key. */
function klistKeytabRows(out: string): { kvno: number; time: string; principal: string; etype: number; keyHex: string }[] {
  return [...out.matchAll(/^\s*(\d+)\s+(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)\s+(\S+)\s+\((\S+)\)\s+\(0x([0-9a-f]+)\)/gm)].map((m) => ({
    kvno: Number(m[1]), time: m[2]!, principal: m[3]!, etype: profileByName(m[4]!).etype, keyHex: m[5]!,
  }));
}

function klistTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

describe('kerberos keytab: MIT ktutil vector', () => {
  const bytes = Buffer.from(V.keytab.fileHex, 'hex');
  const kt = parseKeytab(bytes);

  it('parses every entry exactly as MIT klist -kteK lists it', () => {
    const rows = klistKeytabRows(V.keytab.klist);
    expect(rows).to.have.length(5);
    expect(kt.entries.map((e) => ({ kvno: e.kvno, time: klistTime(e.timestamp), principal: principalToString(e.principal), etype: e.key.etype, keyHex: e.key.value.toString('hex') }))).to.deep.equal(rows);
  });

  it('holds keys equal to our string-to-key of the password with the default salt', () => {
    for (const e of kt.entries) {
      const name = principalToString(e.principal);
      const salt = e.principal.realm + e.principal.name.components.join('');
      expect(getProfile(e.key.etype).stringToKey(V.keytab.passwords[name], salt).equals(e.key.value), `${name} etype ${e.key.etype}`).to.equal(true);
    }
  });

  it('keytabEntriesFromPassword reproduces the ktutil file byte for byte', () => {
    const built = [
      ...keytabEntriesFromPassword('hdfs/nn1.example.test@EXAMPLE.TEST', 'hdfs-pw', { kvno: 2, etypes: [18, 17, 20, 19], timestamp: kt.entries[0]!.timestamp }),
      ...keytabEntriesFromPassword(parsePrincipal('alice@EXAMPLE.TEST'), 'alice-pw', { kvno: 1, etypes: [18], timestamp: kt.entries[4]!.timestamp }),
    ];
    expect(serializeKeytab(built).equals(bytes)).to.equal(true);
  });

  it('re-serializes to the identical bytes', () => {
    expect(serializeKeytab(kt).equals(bytes)).to.equal(true);
  });

  it('looks keys up by principal and etype', () => {
    expect(kt.findKey(parsePrincipal('hdfs/nn1.example.test@EXAMPLE.TEST'))!.key.etype).to.equal(20);
    expect(kt.findKey('alice@EXAMPLE.TEST', 18)!.kvno).to.equal(1);
    expect(kt.findKey('alice@EXAMPLE.TEST', 17)).to.equal(undefined);
  });
});
