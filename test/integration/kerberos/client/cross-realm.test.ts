// Transitive cross-realm against three real MIT KDCs: along [capaths] (EXAMPLE.TEST -> MID.TEST
// -> FAR.TEST), and along the realm hierarchy when the direct krbtgt is unknown
// (ONE.CORP.TEST -> CORP.TEST -> TWO.CORP.TEST). The final ticket decrypts with the remote
// service's keytab and records the transited realms.
import { expect } from 'chai';
import { appendFileSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiniKdc } from '../../../../cluster/mini/mini-kdc.ts';
import { loadKrb5Config } from '../../../../security/kerberos/config/index.ts';
import { getProfile, KEY_USAGE } from '../../../../security/kerberos/crypto/index.ts';
import { readKeytabSync } from '../../../../security/kerberos/keytab/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';
import { ConfiguredTransport, requestInitialTicket, requestServiceTicket } from '../../../../security/kerberos/client/index.ts';
import { decodeEncTicketPart, decodeTicket } from '../../../../security/kerberos/messages/index.ts';

async function threeRealms(names: [string, string, string], trusts: Array<[string, string]>, capaths: string) {
  const kdcs = new Map<string, MiniKdc>();
  try {
    for (const n of names) kdcs.set(n, await MiniKdc.start({ realm: n }));
    for (const [from, to] of trusts) {
      for (const n of [from, to]) await kdcs.get(n)!.kadmin(`addprinc -pw trust-${from}-${to} krbtgt/${to}@${from}`);
    }
  } catch (e) {
    for (const k of kdcs.values()) await k.stop();
    throw e;
  }
  // The KDCs check the transited path against their own [capaths]. MIT re-reads a profile whose
  // mtime (whole seconds) changed, stat-ing at most once a second: append, move mtime on, wait.
  if (capaths) {
    const later = new Date(Date.now() + 5_000);
    for (const k of kdcs.values()) {
      appendFileSync(k.krb5ConfPath, `\n${capaths}`);
      utimesSync(k.krb5ConfPath, later, later);
    }
    await new Promise((r) => setTimeout(r, 1_100));
  }
  const dir = mkdtempSync(join(tmpdir(), 'hsec-xrealm-'));
  const confPath = join(dir, 'krb5.conf');
  const realms = names.map((n) => ` ${n} = {\n  kdc = ${kdcs.get(n)!.address}\n }\n`).join('');
  writeFileSync(confPath, `[libdefaults]\n default_realm = ${names[0]}\n[realms]\n${realms}${capaths}`);
  return { kdcs, dir, conf: loadKrb5Config(confPath), stop: async () => Promise.all([...kdcs.values()].map((k) => k.stop())) };
}

async function crossTo(names: [string, string, string], trusts: Array<[string, string]>, capaths: string) {
  const env = await threeRealms(names, trusts, capaths);
  try {
    const [home, , far] = names;
    await env.kdcs.get(home)!.addPrincipal('alice', { password: 'pw' });
    const keytab = join(env.dir, 'far.keytab');
    await env.kdcs.get(far)!.createKeytab(keytab, 'svc/localhost');
    const sent: string[] = [];
    const real = new ConfiguredTransport(env.conf);
    const transport = { send: (realm: string, req: Buffer) => (sent.push(realm), real.send(realm, req)) };
    const { credential: tgt } = await requestInitialTicket({ client: parsePrincipal(`alice@${home}`), secret: { password: 'pw' }, conf: env.conf, transport });
    const server = parsePrincipal(`svc/localhost@${far}`);
    const { credential } = await requestServiceTicket({ tgt, conf: env.conf, transport }, server);
    const ticket = decodeTicket(credential.ticket);
    const key = readKeytabSync(keytab).requireKey(server, ticket.encPart.etype);
    const part = decodeEncTicketPart(getProfile(key.etype).decrypt(key.value, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher));
    return { sent, part };
  } finally {
    await env.stop();
  }
}

describe('kerberos/client: transitive cross-realm against three MIT KDCs', function () {
  this.timeout(120_000);

  it('follows [capaths] through an intermediate realm', async () => {
    const capaths = '[capaths]\n EXAMPLE.TEST = {\n  FAR.TEST = MID.TEST\n }\n FAR.TEST = {\n  EXAMPLE.TEST = MID.TEST\n }\n';
    const { sent, part } = await crossTo(['EXAMPLE.TEST', 'MID.TEST', 'FAR.TEST'], [['EXAMPLE.TEST', 'MID.TEST'], ['MID.TEST', 'FAR.TEST']], capaths);
    // AS at home, krbtgt/MID at home, krbtgt/FAR at MID, the service at FAR.
    expect(sent).to.deep.equal(['EXAMPLE.TEST', 'EXAMPLE.TEST', 'MID.TEST', 'FAR.TEST']);
    expect(part.crealm).to.equal('EXAMPLE.TEST');
    expect(part.cname.components).to.deep.equal(['alice']);
    expect(part.transited.contents.toString()).to.contain('MID.TEST');
  });

  it('falls back to the realm hierarchy when there is no direct trust', async () => {
    const { sent, part } = await crossTo(
      ['ONE.CORP.TEST', 'CORP.TEST', 'TWO.CORP.TEST'],
      [['ONE.CORP.TEST', 'CORP.TEST'], ['CORP.TEST', 'TWO.CORP.TEST']],
      '',
    );
    // AS; krbtgt/TWO.CORP.TEST asked of ONE.CORP.TEST, which answers with krbtgt/CORP.TEST (MIT
    // walks the hierarchy); the same asked of CORP.TEST; the service at TWO.CORP.TEST.
    expect(sent).to.deep.equal(['ONE.CORP.TEST', 'ONE.CORP.TEST', 'CORP.TEST', 'TWO.CORP.TEST']);
    expect(part.crealm).to.equal('ONE.CORP.TEST');
  });
});
