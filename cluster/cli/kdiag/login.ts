/**
 * The "Logging in" part of `hsec kdiag` (KDiag.dumpKeytab, loginFromKeytab, dumpUGI,
 * validateUGI): the keytab's entries (principal, kvno, timestamp, enctype and key length; never
 * key bytes), its file mode, whether --principal is in it with an enctype krb5.conf lets a login
 * use, then a real AS exchange as that principal and a second one (KDiag's relogin); without a
 * keytab, the ticket cache's ticket-granting ticket. The TGT is shown with its client, realm,
 * times, enctypes, flags and the short name auth_to_local gives it.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Configuration } from '../../../lib/config/index.ts';
import type { Clock } from '../../../lib/time/clock.ts';
import type { Krb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { requestInitialTicket, tgsPrincipal } from '../../../security/kerberos/client/index.ts';
import { ccacheNameFor, isConfigCredential, openCredentialCache } from '../../../security/kerberos/ccache/index.ts';
import { enctypeName } from '../../../security/kerberos/crypto/enctype-names.ts';
import { readKeytab, samePrincipal, type Keytab } from '../../../security/kerberos/keytab/index.ts';
import { decodeTicket, ticketFlagLetters } from '../../../security/kerberos/messages/index.ts';
import { AuthToLocal } from '../../../security/kerberos/names/index.ts';
import { principalToString, type Credential, type Principal } from '../../../security/kerberos/types.ts';
import { enctypeList, formatOffset, keyBits, keytabModeProblem, usableEnctypes } from './checks.ts';
import type { KdiagReport } from './report.ts';

export interface LoginContext {
  readonly report: KdiagReport;
  readonly conf: Configuration;
  readonly krb5: Krb5Config;
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** KDiag.verifyFileIsValid: exists, a file, not empty, readable. */
export function verifyFileIsValid(report: KdiagReport, path: string, category: 'KERBEROS' | 'TOKEN' | 'JAAS' | 'CONFIG', what: string): boolean {
  let st;
  try {
    st = statSync(path);
  } catch {
    return report.verify(false, category, `${what} file does not exist: ${path}`);
  }
  if (!report.verify(st.isFile(), category, `${what} path does not refer to a file: ${path}`)) return false;
  if (!report.verify(st.size > 0, category, `${what} file is empty: ${path}`)) return false;
  let readable = true;
  try {
    accessSync(path, constants.R_OK); // access(2) as the running user
  } catch {
    readable = false;
  }
  return report.verify(readable, category, `${what} file is not readable: ${path} (mode 0${(st.mode & 0o777).toString(8)}, owner uid ${st.uid}): run as its owner or fix its permissions`);
}

/** KDiag.dumpKeytab + loginFromKeytab. */
/** `minKeyBits` (--keylen): a warning when every usable key of the principal is shorter. */
export async function loginFromKeytab(ctx: LoginContext, keytabPath: string, principal: Principal | undefined, minKeyBits: number): Promise<void> {
  const { report } = ctx;
  const path = resolve(keytabPath);
  report.title(`Examining keytab ${path}`);
  if (!verifyFileIsValid(report, path, 'KERBEROS', 'keytab')) return;
  const modeProblem = keytabModeProblem(path, statSync(path).mode);
  if (modeProblem) report.warn('KERBEROS', modeProblem);
  let keytab: Keytab;
  try {
    keytab = await readKeytab(path);
  } catch (e) {
    report.verify(false, 'KERBEROS', `keytab ${path} cannot be read: ${message(e)}`);
    return;
  }
  const principals = keytab.principals();
  report.println(`keytab principal count: ${principals.length}`);
  for (const e of keytab.entries) {
    const bits = keyBits(e.key.etype);
    report.println(` ${principalToString(e.principal)}: version=${e.kvno} timestamp=${new Date(e.timestamp).toISOString()} encryption=${enctypeName(e.key.etype)}${bits ? ` (${bits}-bit key)` : ''}`);
  }
  report.println(`keytab entry count: ${keytab.entries.length}`);
  report.endln();

  report.failif(principal === undefined, 'KERBEROS', `No principal defined: name the principal to log in as with --principal (one of: ${principals.map(principalToString).join(', ') || 'none'})`);
  const me = principal!;
  const name = principalToString(me);
  const entries = keytab.entries.filter((e) => samePrincipal(e.principal, me));
  if (!report.verify(entries.length > 0, 'KERBEROS', () => `keytab ${path} holds no key for ${name}; it holds ${principals.map(principalToString).join(', ') || 'no principals'}. Pass one of those with --principal (the host part must match exactly; _HOST is not expanded), or export ${name}'s keys into it (kadmin: ktadd -k ${path} ${name})`)) return;
  const held = entries.map((e) => e.key.etype);
  const usable = usableEnctypes(held, ctx.krb5.defaultTktEnctypes, ctx.krb5.permittedEnctypes);
  report.println(`Keys of ${name}: ${enctypeList([...new Set(held)])}; usable for a login (hsec implements them, default_tkt_enctypes and permitted_enctypes allow them): ${enctypeList(usable)}`);
  if (!report.verify(usable.length > 0, 'KERBEROS', () => `keytab ${path} has no key for ${name} of an enctype a login may use: it holds ${enctypeList([...new Set(held)])}, krb5.conf allows ${enctypeList(ctx.krb5.defaultTktEnctypes.filter((e) => ctx.krb5.permittedEnctypes.includes(e)))}. Re-export the keytab with AES keys (kadmin: ktadd -k ${path} -e aes256-cts-hmac-sha1-96:normal ${name}) or widen default_tkt_enctypes / permitted_enctypes`)) return;

  const longest = Math.max(...usable.map((e) => keyBits(e) ?? 0));
  if (longest < minKeyBits) report.warn('KERBEROS', `the longest usable key of ${name} in ${path} has ${longest} bits, less than --keylen ${minKeyBits}: give the principal an aes256 key (kadmin: cpw -randkey -e aes256-cts-hmac-sha1-96:normal ${name}, then ktadd -k ${path} ${name})`);

  report.title(`Logging in as ${name} from keytab ${path}`);
  const first = await asLogin(ctx, me, keytab, path);
  if (!first) return;
  dumpTgt(ctx, first.credential, { kdc: first.kdc, offsetMs: first.kdcOffsetMs });
  report.title('Attempting to relogin');
  if (await asLogin(ctx, me, keytab, path)) report.println(`Second login as ${name} succeeded`);
}

async function asLogin(ctx: LoginContext, me: Principal, keytab: Keytab, path: string) {
  try {
    return await requestInitialTicket({ client: me, secret: { keytab }, conf: ctx.krb5, clock: ctx.clock });
  } catch (e) {
    ctx.report.verify(false, 'LOGIN', `login as ${principalToString(me)} from keytab ${path} failed: ${message(e)}`);
    return undefined;
  }
}

/** The default principal of the ticket cache a login without a keytab would use, if it has one. */
export async function ticketCachePrincipal(krb5: Krb5Config, env: NodeJS.ProcessEnv): Promise<Principal | undefined> {
  try {
    const { name, source } = ccacheNameFor(krb5, undefined, env);
    return (await (await openCredentialCache(name, { krb5Config: krb5 }, source)).read()).defaultPrincipal;
  } catch {
    return undefined; // the login section says why
  }
}

/** KDiag's UGI login without a keytab: the ticket cache's TGT. */
export async function loginFromTicketCache(ctx: LoginContext): Promise<void> {
  const { report } = ctx;
  report.title('Logging in from the ticket cache');
  const { name, source } = ccacheNameFor(ctx.krb5, undefined, ctx.env);
  report.println(`Ticket cache: ${name} (from ${source})`);
  let cc;
  try {
    cc = await (await openCredentialCache(name, { krb5Config: ctx.krb5 }, source)).read();
  } catch (e) {
    report.verify(false, 'LOGIN', `no Kerberos credentials in ticket cache ${name}: ${message(e)}. Log in first: hsec kinit PRINCIPAL (or hsec kinit -kt KEYTAB PRINCIPAL), or run hsec kdiag --keytab KEYTAB --principal PRINCIPAL`);
    return;
  }
  const me = cc.defaultPrincipal;
  report.println(`Default principal: ${principalToString(me)}`);
  const krbtgt = tgsPrincipal(me.realm);
  const tgt = cc.credentials.find((c) => !isConfigCredential(c) && samePrincipal(c.server, krbtgt));
  if (!report.verify(tgt !== undefined, 'LOGIN', `ticket cache ${name} holds no ticket-granting ticket ${principalToString(krbtgt)} for ${principalToString(me)}: log in again with hsec kinit ${principalToString(me)}`)) return;
  dumpTgt(ctx, tgt!, {});
  const now = ctx.clock.now();
  report.verify(tgt!.endTime > now, 'LOGIN', `the ticket-granting ticket of ${principalToString(me)} in ${name} expired at ${new Date(tgt!.endTime).toISOString()}${tgt!.renewTill > now ? ` (renewable until ${new Date(tgt!.renewTill).toISOString()}: hsec kinit -R renews it)` : ''}: log in again with hsec kinit ${principalToString(me)}`);
}

function dumpTgt(ctx: LoginContext, c: Credential, from: { kdc?: string; offsetMs?: number }): void {
  const { report } = ctx;
  const time = (ms: number) => new Date(ms).toISOString();
  report.println(`Client: ${principalToString(c.client)}`);
  report.println(`Realm: ${c.client.realm}`);
  report.println(`Server: ${principalToString(c.server)}`);
  if (from.kdc) report.println(`KDC: ${from.kdc}`);
  report.println(`Auth time: ${time(c.authTime)}`);
  report.println(`Start time: ${time(c.startTime || c.authTime)}`);
  report.println(`End time: ${time(c.endTime)}${c.endTime <= ctx.clock.now() ? ' (expired)' : ''}`);
  report.println(c.renewTill ? `Renewable until: ${time(c.renewTill)}` : 'Renewable: no (the KDC gave no renewable life: check max_renewable_life of the principal and of krbtgt)');
  report.println(`Flags: ${ticketFlagLetters(c.flags) || '(none)'}`);
  report.println(`Session key enctype: ${enctypeName(c.sessionKey.etype)}`);
  try {
    report.println(`Ticket enctype: ${enctypeName(decodeTicket(c.ticket).encPart.etype)}`);
  } catch {
    report.println('Ticket enctype: (the ticket does not decode)');
  }
  if (from.offsetMs !== undefined) report.println(`KDC clock offset (from the AS-REP auth time, whole seconds): ${formatOffset(from.offsetMs)}`);
  try {
    const short = AuthToLocal.fromConfiguration(ctx.conf, { defaultRealm: ctx.krb5.defaultRealm ?? '' }).shortName(principalToString(c.client));
    report.println(`Short name (hadoop.security.auth_to_local): ${short}`);
  } catch (e) {
    report.warn('KERBEROS', `${principalToString(c.client)} has no short name: ${message(e)}`);
  }
}
