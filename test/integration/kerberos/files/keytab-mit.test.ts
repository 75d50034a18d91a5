// Keytabs against MIT: ktutil-made keytabs read by hsec (proving string-to-key for all four AES
// enctypes), hsec-written keytabs listed by `klist -kte` and used by `kinit -kt` against a MiniKdc.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { requireBinary, runProgram } from '../../../../cluster/mini/binaries.ts';
import { requireBinariesOrSkip } from '../../../support/binaries.ts';
import { useMiniKdc } from '../../../support/fixtures.ts';
import { kinit, klist } from '../../../support/krb5-clients.ts';
import { readKeytab, writeKeytab, type KeytabEntry } from '../../../../security/kerberos/keytab/keytab.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { profileByName } from '../../../../security/kerberos/crypto/registry.ts';

const ENCTYPES = ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'aes256-cts-hmac-sha384-192', 'aes128-cts-hmac-sha256-128'];
const C_ENV = { ...process.env, LC_ALL: 'C', TZ: 'UTC' };

/** MIT's default salt: the realm followed by every component (RFC 4120 section 4). */
function defaultSalt(principal: string): string {
  const p = parsePrincipal(principal);
  return p.realm + p.name.components.join('');
}

async function ktutil(script: string): Promise<void> {
  const res = await runProgram(requireBinary('ktutil'), [], { input: script, env: C_ENV, timeoutMs: 20_000 });
  if (res.code !== 0 || /error|unknown|bad/i.test(res.stderr)) throw new Error(`ktutil failed (exit ${res.code}): ${res.stderr}`);
}

describe('kerberos files: keytabs and MIT ktutil / klist', function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    requireBinariesOrSkip(this, 'ktutil', 'klist');
    dir = mkdtempSync(join(tmpdir(), 'hsec-ktmit-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('reads a ktutil keytab and its keys equal our string-to-key of the same password and default salt', async () => {
    const path = join(dir, 'ktutil.keytab');
    const principals = [
      { name: 'alice@EXAMPLE.TEST', password: 'correct horse battery', kvno: 3 },
      { name: 'HTTP/web.example.test@EXAMPLE.TEST', password: 'pässwörd ✓ unicode', kvno: 70000 },
    ];
    let script = '';
    for (const p of principals) for (const e of ENCTYPES) script += `addent -password -p ${p.name} -k ${p.kvno} -e ${e}\n${p.password}\n`;
    script += `wkt ${path}\nquit\n`;
    await ktutil(script);

    const kt = await readKeytab(path);
    expect(kt.entries).to.have.length(principals.length * ENCTYPES.length);
    for (const p of principals) {
      for (const e of ENCTYPES) {
        const profile = profileByName(e);
        const entry = kt.findKey(p.name, profile.etype);
        expect(entry, `${p.name} ${e}`).to.not.equal(undefined);
        expect(entry!.kvno).to.equal(p.kvno);
        const ours = profile.stringToKey(p.password, defaultSalt(p.name));
        expect(entry!.key.value.toString('hex'), `${p.name} ${e}`).to.equal(ours.toString('hex'));
      }
    }
  });

  it('writes a keytab that klist -kte lists with the right principals, kvnos and enctypes', async () => {
    const path = join(dir, 'hsec.keytab');
    const entries: KeytabEntry[] = [];
    const principal = parsePrincipal('nn/host1.example.test@EXAMPLE.TEST');
    let kvno = 1;
    for (const e of ENCTYPES) {
      const p = profileByName(e);
      entries.push({ principal: { ...principal, name: { ...principal.name, nameType: 3 } }, timestamp: Date.UTC(2025, 0, 2, 3, 4, 5), kvno: kvno++, key: { etype: p.etype, value: p.randomToKey(Buffer.alloc(p.keyLength, kvno)) } });
    }
    entries.push({ principal: parsePrincipal('svc@EXAMPLE.TEST'), timestamp: Date.UTC(2025, 0, 2, 3, 4, 5), kvno: 300, key: { etype: 18, value: Buffer.alloc(32, 1) } });
    await writeKeytab(path, entries);
    expect(statSync(path).mode & 0o777).to.equal(0o600);

    const out = await klist(C_ENV, ['-kte', path]);
    const rows = [...out.matchAll(/^\s*(\d+)\s+(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)\s+(\S+)\s+\((\S+)\)/gm)].map((m) => ({ kvno: Number(m[1]), time: m[2], principal: m[3], enctype: m[4] }));
    expect(rows).to.deep.equal([
      ...ENCTYPES.map((e, i) => ({ kvno: i + 1, time: '01/02/25 03:04:05', principal: 'nn/host1.example.test@EXAMPLE.TEST', enctype: e })),
      { kvno: 300, time: '01/02/25 03:04:05', principal: 'svc@EXAMPLE.TEST', enctype: 'aes256-cts-hmac-sha1-96' },
    ]);
  });

  describe('with a MiniKdc', () => {
    const realm = useMiniKdc();

    it('kinit -kt accepts a keytab hsec derived from the password (string-to-key agrees with the KDC)', async () => {
      const kdc = realm.kdc;
      const name = kdc.principal('bob');
      const password = 'b0b-s3cret';
      await kdc.addPrincipal('bob', { password });
      const kvno = Number(/vno (\d+)/.exec(await kdc.kadmin('getprinc bob'))![1]);
      const path = join(dir, 'bob.keytab');
      const salt = defaultSalt(name);
      await writeKeytab(path, kdc.enctypes.map((e) => {
        const p = profileByName(e.split(':')[0]!);
        return { principal: parsePrincipal(name), timestamp: Date.now(), kvno, key: { etype: p.etype, value: p.stringToKey(password, salt) } };
      }));
      const kt = await readKeytab(path);
      for (const e of kdc.enctypes) {
        // One enctype at a time, so each of our keys must match the KDC's key of that enctype.
        const etype = profileByName(e.split(':')[0]!).etype;
        const only = join(dir, `bob-${etype}.keytab`);
        await writeKeytab(only, [kt.findKey(name, etype)!]);
        const ccache = join(dir, `cc-${etype}`);
        await kinit(kdc.env(ccache), ['-kt', only, name]);
        expect(await klist(kdc.env(ccache))).to.include(`krbtgt/${kdc.realm}@${kdc.realm}`);
      }
    });
  });
});
