/**
 * `hsec kinit`: obtains a ticket-granting ticket and stores it in a credential cache of any type
 * (FILE, DIR, KEYRING, KCM), as MIT kinit(1) does (src/clients/kinit/kinit.c):
 *   -V verbose (MIT's lines on stderr: "Using default cache: ...", "Using principal: ...",
 *      "Using keytab: ...", "Authenticated to Kerberos v5")   -l / -r lifetime, renewable life
 *   -f / -F forwardable or not   -p / -P proxiable or not   -A no addresses (hsec never sends any)
 *   -k use a keytab: -t KEYTAB, or -i the default client keytab, else the default keytab
 *   -c CACHE output cache   -R renew the cache's TGT   -S SERVICE ask for that service's ticket
 * Without -c, the cache follows MIT's k5_begin: a collection type (DIR, KEYRING, KCM) reuses the
 * cache already holding the principal, or makes a new one when the default cache holds another
 * principal, and switches the collection's primary to it. The principal defaults to the named
 * one, the client keytab's first (-i), host/<this host> (-k), the output cache's, the default
 * cache's, else the login name. Without -k the password is read from the terminal without echo
 * (or the first line of stdin when it is not a terminal). While a KDC is silent for a second,
 * "hsec: waiting for KDC host:port (udp)..." goes to stderr. Errors surface as the typed error's
 * message (cluster/cli/index.ts prints them).
 */
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { ConfigError, KerberosError } from '../../../lib/errors/index.ts';
import { loadKrb5Config, realmForHost, type Krb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { parseDuration } from '../../../security/kerberos/config/duration.ts';
import { kdcWaitingChannel, requestInitialTicket, renewTicket, tgsPrincipal, type KdcWaitingEvent } from '../../../security/kerberos/client/index.ts';
import { ccacheNameFor, findTicket, matchCache, newCcache, openCcacheCollection, openCredentialCache, type CcacheCollection, type CredentialCache } from '../../../security/kerberos/ccache/index.ts';
import { readKeytabSync } from '../../../security/kerberos/keytab/index.ts';
import { parsePrincipal } from '../../../security/kerberos/keytab/principal-text.ts';
import { defaultClientKeytabPath, defaultKeytabPath, storeInitialTicket } from '../../../security/kerberos/login/ccache-store.ts';
import { NAME_TYPE, principalToString, type Principal } from '../../../security/kerberos/types.ts';

export interface KinitOptions {
  /** -V: verbose. */
  readonly V?: boolean;
  readonly lifetime?: string;
  readonly renewable?: string;
  readonly forwardable?: boolean;
  readonly noforwardable?: boolean;
  readonly proxiable?: boolean;
  readonly noproxiable?: boolean;
  readonly noaddresses?: boolean;
  /** -k: use a keytab. */
  readonly k?: boolean;
  /** -i: the default client keytab. */
  readonly i?: boolean;
  readonly keytab?: string;
  readonly cache?: string;
  readonly renew?: boolean;
  readonly service?: string;
}

export interface Writer {
  write(text: string): unknown;
}

export function register(program: Command): void {
  program
    .command('kinit')
    .description('obtain a Kerberos ticket-granting ticket and store it in the credential cache (MIT kinit)')
    .argument('[principal]', 'client principal, e.g. alice or nn/host@REALM')
    .option('-V', 'verbose: say which cache, principal and keytab are used (on stderr, as MIT)')
    .option('-l, --lifetime <duration>', 'requested ticket lifetime, e.g. 10h, 1d, 3600')
    .option('-r, --renewable <duration>', 'requested renewable lifetime, e.g. 7d')
    .option('-f, --forwardable', 'request a forwardable ticket')
    .option('-F, --noforwardable', 'request a ticket that is not forwardable')
    .option('-p, --proxiable', 'request a proxiable ticket')
    .option('-P, --noproxiable', 'request a ticket that is not proxiable')
    .option('-A, --noaddresses', 'request a ticket without addresses (always the case with hsec)')
    .option('-k', 'use a keytab (-t KEYTAB, -i the client keytab, else the default keytab)')
    .option('-i', 'with -k: the default client keytab (KRB5_CLIENT_KTNAME, default_client_keytab_name)')
    .option('-t, --keytab <file>', 'keytab file to take the key from (implies -k)')
    .option('-c, --cache <name>', 'credential cache, e.g. FILE:/tmp/krb5cc_1000, DIR:/run/cc, KEYRING:persistent:1000, KCM: (default: KRB5CCNAME, then default_ccache_name)')
    .option('-R, --renew', 'renew the ticket-granting ticket already in the cache')
    .option('-S, --service <name>', 'get an initial ticket for this service instead of krbtgt/REALM')
    .action(async function (this: Command, principal: string | undefined, opts: KinitOptions) {
      const usage = kinitUsageError(opts);
      if (usage) this.error(`error: ${usage}`, { exitCode: 2, code: 'hsec.usage' });
      await runKinit(principal, opts);
    });
}

/** MIT kinit's refusals of contradictory options (parse_options), as a message, or undefined. */
export function kinitUsageError(opts: KinitOptions): string | undefined {
  if (opts.forwardable && opts.noforwardable) return 'Only one of -f and -F allowed';
  if (opts.proxiable && opts.noproxiable) return 'Only one of -p and -P allowed';
  if (opts.keytab !== undefined && opts.i) return 'Only one of -t and -i allowed';
  if (opts.renew && (opts.k || opts.keytab !== undefined || opts.i)) return '-R renews the cached ticket; it takes no keytab';
  return undefined;
}

/**
 * Prints "hsec: waiting for KDC host:port (udp)..." on stderr when an attempt has been silent for
 * a second (the library publishes hsec:kerberos:kdc-waiting; it prints nothing itself).
 */
export function reportKdcWaits(stderr: Writer): () => void {
  const onWaiting = (message: unknown) => {
    const e = message as KdcWaitingEvent;
    stderr.write(`hsec: waiting for KDC ${e.kdc} (${e.transport})...\n`);
  };
  kdcWaitingChannel.subscribe(onWaiting);
  return () => kdcWaitingChannel.unsubscribe(onWaiting);
}

/** Runs kinit; verbose lines, notices and progress go to `stderr`. */
export async function runKinit(principalText: string | undefined, opts: KinitOptions, env: NodeJS.ProcessEnv = process.env, stderr: Writer = process.stderr): Promise<void> {
  const stopProgress = reportKdcWaits(stderr);
  try {
    await kinit(principalText, opts, env, stderr);
  } finally {
    stopProgress();
  }
}

interface Target {
  readonly cache: CredentialCache;
  readonly me: Principal;
  /** The collection to switch to `cache` afterwards (MIT switch_to_cache). */
  readonly switchIn?: CcacheCollection;
}

async function kinit(principalText: string | undefined, opts: KinitOptions, env: NodeJS.ProcessEnv, stderr: Writer): Promise<void> {
  const conf = loadKrb5Config(undefined, env);
  const verbose = (line: string) => {
    if (opts.V) stderr.write(`${line}\n`);
  };
  const useKeytab = Boolean(opts.k || opts.keytab !== undefined || opts.i);
  if (!opts.k && (opts.keytab !== undefined || opts.i)) stderr.write('keytab specified, forcing -k\n');
  const keytabPath = opts.keytab ?? (opts.i ? defaultClientKeytabPath(env, conf) : defaultKeytabPath(env, conf));
  const target = await chooseTarget(principalText, opts, useKeytab, keytabPath, conf, env, verbose);
  verbose(`Using principal: ${principalToString(target.me)}`);
  if (opts.keytab !== undefined) verbose(`Using keytab: ${opts.keytab}`);

  if (opts.renew) {
    const cc = await target.cache.read();
    const server = opts.service ? withRealm(parsePrincipal(opts.service, target.me.realm), target.me.realm) : tgsPrincipal(target.me.realm);
    const ticket = findTicket(cc, server);
    if (!ticket) throw new KerberosError('KRB_NO_CREDENTIALS', `${target.cache.fullName} holds no ticket for ${principalToString(server)} to renew: run kinit first`, { ccache: target.cache.fullName });
    const renewed = await renewTicket({ ticket, conf });
    verbose('Initialized cache');
    await target.cache.write(newCcache(target.me, [renewed.credential]));
    verbose('Stored credentials');
  } else {
    const lifetimeMs = opts.lifetime ? positiveDuration(opts.lifetime, '-l') : undefined;
    const renewLifetimeMs = opts.renewable ? positiveDuration(opts.renewable, '-r') : undefined;
    const forwardable = opts.forwardable ? true : opts.noforwardable ? false : undefined;
    const proxiable = opts.proxiable ? true : opts.noproxiable ? false : undefined;
    const secret = useKeytab ? { keytab: readKeytabSync(keytabPath) } : { password: await readPassword(`Password for ${principalToString(target.me)}: `) };
    const result = await requestInitialTicket({
      client: target.me,
      secret,
      conf,
      ...(opts.service ? { server: withRealm(parsePrincipal(opts.service, target.me.realm), target.me.realm) } : {}),
      ...(lifetimeMs !== undefined ? { lifetimeMs } : {}),
      ...(renewLifetimeMs !== undefined ? { renewLifetimeMs } : {}),
      ...(forwardable !== undefined ? { forwardable } : {}),
      ...(proxiable !== undefined ? { proxiable } : {}),
    });
    await storeInitialTicket(target.cache, result.credential, result.kdcOffsetMs);
  }
  if (target.switchIn) await target.switchIn.switchTo(target.cache);
  verbose('Authenticated to Kerberos v5');
}

/** MIT k5_begin: the output cache and the client principal. */
async function chooseTarget(
  principalText: string | undefined,
  opts: KinitOptions,
  useKeytab: boolean,
  keytabPath: string,
  conf: Krb5Config,
  env: NodeJS.ProcessEnv,
  verbose: (line: string) => void,
): Promise<Target> {
  let out: CredentialCache | undefined;
  let defcache: CredentialCache | undefined;
  let defPrincipal: Principal | undefined;
  let collection: CcacheCollection | undefined;
  if (opts.cache) {
    const { name, source } = ccacheNameFor(conf, opts.cache, env);
    out = await openCredentialCache(name, { krb5Config: conf }, source);
    verbose(`Using specified cache: ${opts.cache}`);
  } else {
    const { name, source } = ccacheNameFor(conf, undefined, env);
    defcache = await openCredentialCache(name, { krb5Config: conf }, source);
    defPrincipal = (await defcache.read().catch(() => undefined))?.defaultPrincipal;
    collection = await openCcacheCollection(name, { krb5Config: conf }, source);
  }

  let me: Principal | undefined;
  if (principalText) {
    me = parsePrincipal(principalText, conf.defaultRealm);
  } else if (useKeytab && opts.i) {
    me = readKeytabSync(keytabPath).principals()[0];
    if (!me) throw new ConfigError('CONFIG_INVALID', `client keytab ${keytabPath} holds no principals: name one, hsec kinit -k -t KEYTAB PRINCIPAL`, { keytab: keytabPath });
  } else if (useKeytab) {
    // krb5_sname_to_principal(NULL, "host", KRB5_NT_SRV_HST): host/<this host, lower case>.
    const host = hostname().toLowerCase();
    me = { name: { nameType: NAME_TYPE.SRV_HST, components: ['host', host] }, realm: realmForHost(conf, host) ?? requireRealm(conf) };
  } else if (out) {
    me = (await out.read().catch(() => undefined))?.defaultPrincipal;
  } else if (defPrincipal) {
    out = defcache;
    me = defPrincipal;
  }
  me ??= parsePrincipal(userInfo().username, requireRealm(conf));

  let switchIn: CcacheCollection | undefined;
  if (!out && collection?.supportsSwitch) {
    const match = await matchCache(collection, me);
    if (match) {
      out = match;
      verbose(`Using existing cache: ${out.name}`);
      switchIn = collection;
    } else if (defPrincipal) {
      // Do not overwrite the initialised default cache of another principal.
      out = await collection.newUnique();
      verbose(`Using new cache: ${out.name}`);
      switchIn = collection;
    }
  }
  if (!out) {
    out = defcache!;
    verbose(`Using default cache: ${out.name}`);
  }
  return { cache: out, me, ...(switchIn ? { switchIn } : {}) };
}

function requireRealm(conf: Krb5Config): string {
  if (!conf.defaultRealm) throw new ConfigError('CONFIG_INVALID', `no default_realm in ${conf.files.join(', ') || 'krb5.conf'}: name the principal with its realm, e.g. hsec kinit alice@EXAMPLE.COM`, { configKey: 'default_realm' });
  return conf.defaultRealm;
}

/** MIT -S: the service is in the client's realm (get_in_tkt.c uses the client realm for it). */
function withRealm(p: Principal, realm: string): Principal {
  return { name: p.name, realm };
}

function positiveDuration(text: string, option: string): number {
  const ms = parseDuration(text, option);
  if (ms <= 0) throw new ConfigError('CONFIG_INVALID', `Bad lifetime value ${text} (${option})`, { option });
  return ms;
}

/** Reads a password: from the terminal without echo, or the first line of piped stdin. */
export function readPassword(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) return readFirstLine(input);
  return new Promise((resolve, reject) => {
    // Echo goes off before the prompt appears, so nothing typed after the prompt can echo.
    input.setRawMode(true);
    output.write(prompt);
    let value = '';
    input.resume();
    input.setEncoding('utf8');
    const finish = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new ConfigError('CONFIG_INVALID', 'password entry cancelled', { option: 'password' }));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = () => {
      input.removeListener('data', onData);
      input.removeListener('end', done);
      input.removeListener('error', reject);
      const line = buf.split(/\r?\n/)[0] ?? '';
      resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString();
      if (buf.includes('\n')) {
        if ('pause' in input) input.pause();
        done();
      }
    };
    input.on('data', onData);
    input.on('end', done);
    input.on('error', reject);
  });
}
