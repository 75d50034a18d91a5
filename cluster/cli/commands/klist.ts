/**
 * `hsec klist`: lists a credential cache, a cache collection or a keytab with MIT klist's options,
 * layouts and exit statuses (src/clients/klist/klist.c), byte for byte in the C locale:
 *   [-c] [NAME]  a cache (default KRB5CCNAME, default_ccache_name)   -k [NAME]  a keytab
 *   -e enctypes  -f flags  -a addresses (-n numeric)  -d authdata types  -C config entries
 *   -s  no output; exit 0 if the cache holds an unexpired local TGT (or, without any local TGT, any
 *       unexpired ticket), else 1 (klist.c check_ccache)
 *   -l  the caches of the collection, one line each, "(Expired)" marked; exit 1 if none
 *   -A  every cache of the collection, a blank line between
 *   -t  keytab timestamps   -K keytab keys   -i the default client keytab
 * A cache whose last record is cut short (a writer appending) is listed up to it, with a warning
 * on stderr. Errors surface as the typed error's message, except under -s.
 */
import { lookupService } from 'node:dns/promises';
import type { Command } from 'commander';
import { KerberosError } from '../../../lib/errors/index.ts';
import { loadKrb5Config, type Krb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { ccacheNameFor, isConfigCredential, openCcacheCollection, openCredentialCache, type Ccache, type CcacheCredential, type CredentialCache, type TypedData } from '../../../security/kerberos/ccache/index.ts';
import { klistEnctypeName } from '../../../security/kerberos/crypto/enctype-names.ts';
import { readKeytab } from '../../../security/kerberos/keytab/index.ts';
import { samePrincipal } from '../../../security/kerberos/keytab/principal-text.ts';
import { decodeTicket, ticketFlagLetters } from '../../../security/kerberos/messages/index.ts';
import { defaultClientKeytabPath } from '../../../security/kerberos/login/ccache-store.ts';
import { principalToString, type Principal } from '../../../security/kerberos/types.ts';

export interface KlistOptions {
  readonly c?: boolean;
  readonly k?: boolean;
  readonly e?: boolean;
  readonly f?: boolean;
  readonly s?: boolean;
  readonly a?: boolean;
  readonly n?: boolean;
  readonly t?: boolean;
  readonly K?: boolean;
  readonly l?: boolean;
  readonly A?: boolean;
  readonly C?: boolean;
  readonly d?: boolean;
  readonly i?: boolean;
}

/** What klist printed and its exit status; `warnings` go to stderr. */
export interface KlistResult {
  readonly stdout: string;
  readonly exitCode: number;
  readonly warnings: readonly string[];
}

export function register(program: Command): void {
  program
    .command('klist')
    .description('list the credential cache, the cache collection or a keytab (MIT klist)')
    .argument('[name]', 'cache name (FILE:, DIR:, KEYRING:, KCM:) or, with -k, keytab name')
    .option('-c', 'list a credential cache (the default)')
    .option('-k', 'list a keytab')
    .option('-e', 'show encryption types')
    .option('-f', 'show ticket flags')
    .option('-s', 'silent: exit 0 if the cache holds a valid TGT, else 1')
    .option('-a', 'show ticket addresses')
    .option('-n', 'with -a: numeric addresses, no reverse lookup')
    .option('-d', 'show authorization data types')
    .option('-C', 'show configuration entries')
    .option('-l', 'list the caches of the collection')
    .option('-A', 'show every cache of the collection')
    .option('-t', 'with -k: show entry timestamps')
    .option('-K', 'with -k: show keys')
    .option('-i', 'with -k: the default client keytab')
    .action(async function (this: Command, name: string | undefined, opts: KlistOptions) {
      const usage = klistUsageError(opts);
      if (usage) this.error(`error: ${usage}`, { exitCode: 2, code: 'hsec.usage' });
      const r = await runKlist(name, opts);
      process.stdout.write(r.stdout);
      for (const w of r.warnings) process.stderr.write(`hsec: warning: ${w}\n`);
      process.exitCode = r.exitCode;
    });
}

/** MIT klist's refusals of option combinations (klist.c main), as a message, or undefined. */
export function klistUsageError(o: KlistOptions): string | undefined {
  if (o.c && o.k) return '-c and -k cannot be combined';
  if (o.n && !o.a) return '-n needs -a';
  if (o.k) {
    const bad = (['f', 's', 'a', 'A', 'l'] as const).filter((x) => o[x]);
    if (bad.length) return `-${bad.join(', -')} apply to credential caches, not to keytabs (-k)`;
  } else {
    if (o.t || o.K) return '-t and -K apply to keytabs (-k)';
    if ((o.A || o.s) && o.l) return '-l cannot be combined with -A or -s';
  }
  return undefined;
}

export async function runKlist(name: string | undefined, opts: KlistOptions, env: NodeJS.ProcessEnv = process.env): Promise<KlistResult> {
  const conf = loadKrb5Config(undefined, env);
  if (opts.k) return { stdout: await listKeytab(name, opts, env, conf), exitCode: 0, warnings: [] };
  const warnings: string[] = [];
  const { name: cacheName, source } = ccacheNameFor(conf, name, env);
  const now = Date.now();
  if (opts.l || opts.A) {
    let caches: CredentialCache[];
    try {
      caches = await (await openCcacheCollection(cacheName, { krb5Config: conf }, source)).list();
    } catch (e) {
      if (opts.s) return { stdout: '', exitCode: 1, warnings };
      throw e;
    }
    return opts.l ? listCollection(caches, now, warnings) : showAll(caches, opts, now, warnings);
  }
  let cache: CredentialCache;
  let cc: Ccache;
  try {
    cache = await openCredentialCache(cacheName, { krb5Config: conf }, source);
    cc = await readCache(cache, warnings);
  } catch (e) {
    if (opts.s) return { stdout: '', exitCode: 1, warnings };
    throw e;
  }
  if (opts.s) return { stdout: '', exitCode: isValidCache(cc, now) ? 0 : 1, warnings };
  return { stdout: await showCache(cache, cc, opts), exitCode: 0, warnings };
}

async function readCache(cache: CredentialCache, warnings: string[]): Promise<Ccache> {
  const cc = await cache.read();
  if (cc.partialRecord) {
    warnings.push(`${cache.fullName}: ignoring a partial credential at offset ${cc.partialRecord.offset} (${cc.partialRecord.bytes} bytes; a writer may be appending), as MIT does`);
  }
  return cc;
}

/** klist -l (list_all_ccaches): exit 0 when at least one cache was listed. */
async function listCollection(caches: readonly CredentialCache[], now: number, warnings: string[]): Promise<KlistResult> {
  const lines = [`${'Principal name'.padEnd(30)} Cache name`, `${'--------------'.padEnd(30)} ----------`];
  let listed = false;
  for (const cache of caches) {
    const cc = await readCache(cache, warnings).catch(() => undefined);
    if (!cc) continue; // an uninitialised cache, as MIT skips it
    const principal = principalToString(cc.defaultPrincipal).slice(0, 30).padEnd(30);
    lines.push(`${principal} ${cache.fullName}${isValidCache(cc, now) ? '' : ' (Expired)'}`);
    listed = true;
  }
  return { stdout: lines.join('\n') + '\n', exitCode: listed ? 0 : 1, warnings };
}

/** klist -A (show_all_ccaches): exit 0 when at least one cache showed (-s: was valid). */
async function showAll(caches: readonly CredentialCache[], opts: KlistOptions, now: number, warnings: string[]): Promise<KlistResult> {
  const parts: string[] = [];
  let ok = false;
  let first = true;
  for (const cache of caches) {
    const cc = await readCache(cache, warnings).catch((e: Error) => {
      if (!opts.s) warnings.push(`${cache.fullName}: ${e.message}`);
      return undefined;
    });
    if (opts.s) {
      ok ||= cc !== undefined && isValidCache(cc, now);
      continue;
    }
    if (!first) parts.push('\n');
    first = false;
    if (cc) {
      parts.push(await showCache(cache, cc, opts));
      ok = true;
    }
  }
  return { stdout: parts.join(''), exitCode: ok ? 0 : 1, warnings };
}

/** krbtgt/REALM@REALM for the default principal's realm (klist.c is_local_tgt). */
function isLocalTgt(server: Principal, realm: string): boolean {
  const c = server.name.components;
  return c.length === 2 && server.realm === realm && c[0] === 'krbtgt' && c[1] === realm;
}

/** klist.c check_ccache: a current local TGT if there is any local TGT, else any current ticket. */
export function isValidCache(cc: Ccache, now: number): boolean {
  let foundTgt = false;
  let currentTgt = false;
  let currentCred = false;
  for (const c of cc.credentials) {
    if (isLocalTgt(c.server, cc.defaultPrincipal.realm)) {
      foundTgt = true;
      if (c.endTime > now) currentTgt = true;
    } else if (!isConfigCredential(c) && c.endTime > now) {
      currentCred = true;
    }
  }
  return foundTgt ? currentTgt : currentCred;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** MIT klist's local date-time in the C locale (strftime "%x %X"), e.g. 11/22/26 07:40:05. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getMonth() + 1)}/${pad(d.getDate())}/${pad(d.getFullYear() % 100)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The width of formatTime's output (klist.c timestamp_width). */
const TIME_WIDTH = 17;

/** klist.c show_ccache. */
async function showCache(cache: CredentialCache, cc: Ccache, opts: KlistOptions): Promise<string> {
  const defname = principalToString(cc.defaultPrincipal);
  let out = `Ticket cache: ${cache.fullName}\nDefault principal: ${defname}\n\n`;
  out += `Valid starting${' '.repeat(TIME_WIDTH - 15 + 3)}Expires${' '.repeat(TIME_WIDTH - 8 + 3)}Service principal\n`;
  for (const c of cc.credentials) {
    if (opts.C || !isConfigCredential(c)) out += await showCredential(c, defname, opts);
  }
  return out;
}

/** klist.c show_credential, field for field (the extra_field bookkeeping included). */
async function showCredential(cred: CcacheCredential, defname: string, opts: KlistOptions): Promise<string> {
  const isConfig = isConfigCredential(cred);
  let ticket: ReturnType<typeof decodeTicket> | undefined;
  if (!isConfig) {
    try {
      ticket = decodeTicket(cred.ticket);
    } catch {
      /* an undecodable ticket is still listed, without its enctype */
    }
  }
  let out = '';
  let extra = 0;
  let col = 0;
  const sep = () => (extra ? ', ' : '\t');
  if (!isConfig) {
    out += `${formatTime(cred.startTime || cred.authTime)}  ${formatTime(cred.endTime)}  ${principalToString(cred.server)}\n`;
  } else {
    out += 'config: ';
    col = 8;
    cred.server.name.components.slice(1).forEach((part, i) => {
      const text = i > 0 ? `(${part})` : part;
      out += text;
      col += text.length;
    });
    out += ' = ';
    col += 3;
  }
  const client = principalToString(cred.client);
  if (client !== defname) {
    out += `\tfor client ${client}`;
    extra++;
  }
  if (isConfig) out += configData(col, cred.ticket);
  if (cred.renewTill) {
    out += `${sep()}renew until ${formatTime(cred.renewTill)}`;
    extra += 2;
  }
  if (opts.f) {
    const flags = ticketFlagLetters(cred.flags);
    if (flags) {
      out += `${sep()}Flags: ${flags}`;
      extra++;
    }
  }
  if (extra > 2) {
    out += '\n';
    extra = 0;
  }
  if (opts.e && ticket) {
    out += `${sep()}Etype (skey, tkt): ${klistEnctypeName(cred.sessionKey.etype)}, ${klistEnctypeName(ticket.encPart.etype)} `;
    extra++;
  }
  // MIT's unmarshalled credentials always carry an authdata list, empty or not, so -d always prints.
  if (opts.d) {
    out += `${sep()}AD types: ${cred.authData.map((a) => a.type).join(', ')}`;
    extra++;
  }
  if (extra) out += '\n';
  if (opts.a) {
    out += cred.addresses.length === 0 ? '\tAddresses: (none)\n' : `\tAddresses: ${(await Promise.all(cred.addresses.map((a) => formatAddress(a, opts.n ?? false)))).join(', ')}\n`;
  }
  if (ticket) {
    const ticketServer: Principal = { name: ticket.sname, realm: ticket.realm };
    if (!samePrincipal(ticketServer, cred.server)) out += `\tTicket server: ${principalToString(ticketServer)}\n`;
  }
  return out;
}

/** klist.c print_config_data: printable bytes as they are, others as \ooo, lines wrapped after column 72. */
function configData(startCol: number, data: Buffer): string {
  let out = '';
  let col = startCol;
  for (const byte of data) {
    while (col < 8) {
      out += ' ';
      col++;
    }
    if (byte > 0x20 && byte < 0x7f) {
      out += String.fromCharCode(byte);
      col++;
    } else {
      const esc = `\\${byte.toString(8).padStart(3, '0')}`;
      out += esc;
      col += esc.length;
    }
    if (col > 72) {
      out += '\n';
      col = 0;
    }
  }
  if (col > 0) out += '\n';
  return out;
}

/** klist.c one_addr: IPv4 (type 2) and IPv6 (type 24), reverse-resolved unless -n (getnameinfo falls back to numeric). */
async function formatAddress(a: TypedData, numeric: boolean): Promise<string> {
  let text: string;
  if (a.type === 2) {
    if (a.value.length !== 4) return `broken address (type ${a.type} length ${a.value.length})`;
    text = [...a.value].join('.');
  } else if (a.type === 24) {
    if (a.value.length !== 16) return `broken address (type ${a.type} length ${a.value.length})`;
    const groups = Array.from({ length: 8 }, (_, i) => a.value.readUInt16BE(i * 2).toString(16));
    text = new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
  } else {
    return `unknown addrtype ${a.type}`;
  }
  if (numeric) return text;
  try {
    return (await lookupService(text, 0)).hostname;
  } catch {
    return text;
  }
}

/** klist -k (do_keytab). */
async function listKeytab(name: string | undefined, opts: KlistOptions, env: NodeJS.ProcessEnv, conf: Krb5Config): Promise<string> {
  const full = name ?? (opts.i ? `FILE:${defaultClientKeytabPath(env, conf)}` : env.KRB5_KTNAME || conf.defaultKeytabName || 'FILE:/etc/krb5.keytab');
  const m = /^([A-Za-z]+):(.*)$/.exec(full);
  const type = m && !m[1]!.includes('/') ? m[1]!.toUpperCase() : 'FILE';
  const path = m && !m[1]!.includes('/') ? m[2]! : full;
  if (type !== 'FILE' && type !== 'WRFILE') {
    throw new KerberosError('KRB_KEYTAB', `keytab ${full} is of type ${type}; hsec reads FILE keytabs`, { keytab: full });
  }
  const kt = await readKeytab(path.replace(/%\{(uid|euid|USERID)\}/g, String(process.getuid?.() ?? 0)));
  let out = `Keytab name: ${type}:${path}\n`;
  if (opts.t) {
    out += `KVNO Timestamp${' '.repeat(TIME_WIDTH - 10 + 2)}Principal\n`;
    out += `---- ${'-'.repeat(TIME_WIDTH)} ${'-'.repeat(78 - TIME_WIDTH - 5)}\n`;
  } else {
    out += `KVNO Principal\n---- ${'-'.repeat(74)}\n`;
  }
  for (const e of kt.entries) {
    out += `${String(e.kvno).padStart(4)} `;
    if (opts.t) out += `${formatTime(e.timestamp)} `;
    out += principalToString(e.principal);
    if (opts.e) out += ` (${klistEnctypeName(e.key.etype)}) `;
    if (opts.K) out += ` (0x${e.key.value.toString('hex')})`;
    out += '\n';
  }
  return out;
}
