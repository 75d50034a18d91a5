/**
 * `hsec kdiag`: Kerberos diagnostics with Hadoop KDiag's options, sections, failure categories and
 * exit codes (org.apache.hadoop.security.KDiag; SecureMode.md "Troubleshooting with KDiag"), run
 * on hsec's own Kerberos and the Hadoop configuration the generic options name:
 *   --keytab FILE --principal P  log in from the keytab as P   --keylen BITS  minimum AES key length
 *   --nofail  report every problem, not just the first         --nologin  skip the login
 *   --out FILE  write the report there                         --resource FILE  load one more XML resource
 *   --secure  fail when hadoop.security.authentication is simple
 *   --verifyshortname  P's auth_to_local short name must be simple (no / or @)
 *   --jaas  require -Djava.security.auth.login.config in HADOOP_OPTS / HADOOP_CLIENT_OPTS (hsec
 *           itself reads no JAAS file; JVM services beside it, such as ZooKeeper, do)
 * Beyond KDiag, krb5.conf is shown parsed (not dumped), every KDC of the realm is probed over UDP
 * and TCP, and the KDC's clock is compared with ours against clockskew. Exit 0, or 41 (KDiag's
 * KDIAG_FAILURE) when a probe failed; without --nofail the scan stops at the first failure.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_CONF_DIR, type Configuration } from '../../../lib/config/index.ts';
import { HsecError } from '../../../lib/errors/index.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';
import { kdcsForRealm, loadKrb5Config, DEFAULT_KRB5_CONF, type Krb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { KRB_ERROR_CODE } from '../../../security/kerberos/messages/error-codes.ts';
import { parsePrincipal } from '../../../security/kerberos/keytab/index.ts';
import { AuthToLocal, canonicalHostName } from '../../../security/kerberos/names/index.ts';
import { readTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { isSecurityEnabled } from '../../../security/identity/authentication-method.ts';
import { principalToString, type Principal } from '../../../security/kerberos/types.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { cliConfigSource, toConfigSource, type CliConfigArg } from '../generic-options.ts';
import { clockSkewProblem, DEFAULT_MIN_KEY_BITS, enctypeList, formatOffset, maxAesKeyBits, redactJvmOptions, shortNameProblem } from '../kdiag/checks.ts';
import { probeKdcs } from '../kdiag/kdc-probe.ts';
import { loginFromKeytab, loginFromTicketCache, ticketCachePrincipal, verifyFileIsValid, type LoginContext } from '../kdiag/login.ts';
import { KDIAG_FAILURE, KdiagReport, KerberosDiagsFailure } from '../kdiag/report.ts';

export interface KdiagOptions {
  readonly keytab?: string;
  readonly principal?: string;
  readonly keylen?: number;
  readonly nofail?: boolean;
  readonly nologin?: boolean;
  readonly out?: string;
  readonly resource?: readonly string[];
  readonly secure?: boolean;
  readonly verifyshortname?: boolean;
  readonly jaas?: boolean;
}

/** Where the report goes, the environment, and the clock (the Kerberos client's own Clock seam). */
export interface KdiagIo {
  /** stdout (default process.stdout). */
  readonly out?: (s: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
}

const parseKeylen = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new InvalidArgumentError('--keylen takes a key length in bits, e.g. 256');
  return Number(v);
};
const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function register(program: Command): void {
  program
    .command('kdiag')
    .description('diagnose Kerberos problems: krb5.conf, KDCs, clock skew, keytab, login (Hadoop KDiag)')
    .option('--keytab <keytab>', 'log in from a keytab (with --principal)')
    .option('--principal <principal>', 'the principal to log in as (and to check with --verifyshortname)')
    .option('--keylen <keylen>', `require a minimum size in bits for AES keys (default ${DEFAULT_MIN_KEY_BITS})`, parseKeylen)
    .option('--nofail', 'do not fail on the first problem')
    .option('--nologin', 'do not attempt to log in')
    .option('--out <file>', 'write output to a file')
    .option('--resource <resource>', 'load an XML configuration resource (a file, or a name in the configuration directory; repeatable)', collect)
    .option('--secure', 'require the Hadoop configuration to be secure (hadoop.security.authentication=kerberos)')
    .option('--verifyshortname', "verify the short name of --principal does not contain '@' or '/'")
    .option('--jaas', 'require a JAAS file (-Djava.security.auth.login.config in HADOOP_OPTS or HADOOP_CLIENT_OPTS)')
    .action(async (opts: KdiagOptions, command: Command) => {
      process.exitCode = await runKdiag(cliConfigSource(command), opts);
    });
}

/** Runs the diagnosis; resolves to the exit code (0, or 41 when a probe failed). */
export async function runKdiag(config: CliConfigArg, opts: KdiagOptions, io: KdiagIo = {}): Promise<number> {
  const stdout = io.out ?? ((s: string) => void process.stdout.write(s));
  let fd: number | undefined;
  if (opts.out !== undefined) {
    stdout(`Printing output to ${opts.out}\n`);
    fd = openSync(opts.out, 'w', 0o644);
  }
  const write = fd === undefined ? stdout : (s: string) => void writeSync(fd!, s);
  const report = new KdiagReport(write, opts.nofail ?? false);
  try {
    await new Scan(report, config, opts, io.env ?? process.env, io.clock ?? systemClock).run();
  } catch (e) {
    // A KerberosDiagsFailure was printed when raised. A typed error no check expected is still one
    // clear failure line, not a stack; anything else is a bug (KDiag: exit -1).
    if (!(e instanceof KerberosDiagsFailure)) {
      if (!(e instanceof HsecError)) throw e;
      report.error('KERBEROS', e.message);
      return KDIAG_FAILURE;
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return report.failed ? KDIAG_FAILURE : 0;
}

const ENV_VARS = ['HADOOP_JAAS_DEBUG', 'KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5_CLIENT_KTNAME', 'HADOOP_CONF_DIR', 'HADOOP_USER_NAME', 'HADOOP_PROXY_USER', 'HADOOP_TOKEN_FILE_LOCATION', 'HADOOP_SECURE_LOG', 'HADOOP_OPTS', 'HADOOP_CLIENT_OPTS', 'HSEC_LOG_LEVEL'];

/** KDiag's "Configuration Options", plus the auth_to_local keys. */
const CONF_KEYS = [
  'hadoop.kerberos.kinit.command', 'hadoop.security.authentication', 'hadoop.security.authorization', 'hadoop.kerberos.min.seconds.before.relogin',
  'hadoop.security.dns.interface', 'hadoop.security.dns.nameserver', 'hadoop.rpc.protection', 'hadoop.security.saslproperties.resolver.class',
  'hadoop.security.crypto.codec.classes', 'hadoop.security.group.mapping', 'hadoop.security.impersonation.provider.class',
  'dfs.data.transfer.protection', 'dfs.data.transfer.saslproperties.resolver.class', 'hadoop.security.auth_to_local', 'hadoop.security.auth_to_local.mechanism',
];

const JAAS_PROPERTY = 'java.security.auth.login.config';

class Scan {
  readonly #r: KdiagReport;
  readonly #config: CliConfigArg;
  readonly #opts: KdiagOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #clock: Clock;
  readonly #minKeyBits: number;

  constructor(report: KdiagReport, config: CliConfigArg, opts: KdiagOptions, env: NodeJS.ProcessEnv, clock: Clock) {
    this.#r = report;
    this.#config = config;
    this.#opts = opts;
    this.#env = env;
    this.#clock = clock;
    this.#minKeyBits = opts.keylen ?? DEFAULT_MIN_KEY_BITS;
  }

  async run(): Promise<void> {
    const r = this.#r;
    r.title(`Kerberos Diagnostics scan at ${new Date(this.#clock.now()).toString()}`);
    r.println(`Hostname = ${await canonicalHostName().catch(() => '(unknown)')}`);
    r.println(`--keylen = ${this.#minKeyBits}`);
    r.println(`--keytab = ${this.#opts.keytab ?? 'null'}`);
    r.println(`--principal = ${this.#opts.principal ?? 'null'}`);
    r.println(`--verifyshortname = ${this.#opts.verifyshortname ? 'true' : 'false'}`);
    this.#validateKeyLength();

    r.title('Environment Variables');
    for (const v of ENV_VARS) r.value(v, this.#env[v] === undefined ? undefined : redactJvmOptions(this.#env[v]!));
    r.endln();

    const conf = this.#loadConfiguration();
    r.title('Configuration Options');
    for (const k of CONF_KEYS) r.value(k, conf.get(k));
    const secure = isSecurityEnabled(conf);
    if (!secure) {
      r.println('Hadoop authentication is disabled');
      r.failif(this.#opts.secure ?? false, 'CONFIG', 'Hadoop authentication is disabled: hadoop.security.authentication is simple; set it to kerberos in core-site.xml (or -D hadoop.security.authentication=kerberos)');
      r.warn('CONFIG', 'Security is not enabled for the Hadoop cluster');
    }

    await this.#validateTokenFiles(conf);
    const krb5 = this.#validateKrb5File();
    this.#validateJaas();
    const principal = krb5 && this.#opts.principal !== undefined ? this.#parsePrincipal(krb5) : undefined;
    if (this.#opts.verifyshortname) this.#validateShortName(conf, krb5);
    // Without --principal, the probe asks about the principal a ticket-cache login would be.
    const probed = principal ?? (krb5 && this.#opts.keytab === undefined && !this.#opts.nologin ? await ticketCachePrincipal(krb5, this.#env) : undefined);
    if (krb5) await this.#probeKdcs(krb5, probed);
    if (!this.#opts.nologin && krb5) {
      r.title('Logging in');
      const auth = r.verify(secure, 'LOGIN', 'User is not authenticated by Kerberos: hadoop.security.authentication is simple, so Hadoop clients do not log in with Kerberos. Set it to kerberos (core-site.xml or -D), or pass --nologin');
      if (auth) {
        const ctx: LoginContext = { report: r, conf, krb5, clock: this.#clock, env: this.#env };
        if (this.#opts.keytab !== undefined) await loginFromKeytab(ctx, this.#opts.keytab, principal, this.#minKeyBits);
        else await loginFromTicketCache(ctx);
      }
      r.endln();
    }
  }

  /** KDiag.validateKeyLength (the JVM's JCE check): the longest AES key this runtime offers. */
  #validateKeyLength(): void {
    const max = maxAesKeyBits();
    this.#r.println(`Maximum AES encryption key length ${max} bits`);
    this.#r.verify(this.#minKeyBits <= max, 'JVM', `this Node.js runtime's OpenSSL offers AES keys of at most ${max} bits, less than the ${this.#minKeyBits} bits required (--keylen): aes256 enctypes cannot work here. Run hsec on a Node.js built with full OpenSSL, or lower --keylen if the realm uses only aes128 enctypes`);
  }

  /** The generic options' configuration, plus each --resource (KDiag: "No resource %s"). */
  #loadConfiguration(): Configuration {
    const source = toConfigSource(this.#config);
    const confDir = source.confDir ?? this.#env.HADOOP_CONF_DIR ?? DEFAULT_CONF_DIR;
    const resources: string[] = [];
    for (const res of this.#opts.resource ?? []) {
      const path = existsSync(res) ? res : join(confDir, res);
      this.#r.println(`Loading resource ${res}${path !== res ? ` (${path})` : ''}`);
      if (this.#r.verify(existsSync(path), 'CONFIG', `No resource ${res}: neither ${res} nor ${join(confDir, res)} exists; name the file by its path`)) resources.push(path);
    }
    try {
      return loadCliConfiguration({ ...source, resources: [...(source.resources ?? []), ...resources] }, this.#env);
    } catch (e) {
      this.#r.failif(true, 'CONFIG', `the Hadoop configuration cannot be loaded: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  /** KDiag.validateHadoopTokenFiles, with UGI's HADOOP_TOKEN_FILE_LOCATION too. */
  async #validateTokenFiles(conf: Configuration): Promise<void> {
    const r = this.#r;
    r.title('Locating Hadoop token files');
    const files: string[] = [];
    const fromEnv = this.#env.HADOOP_TOKEN_FILE_LOCATION;
    if (fromEnv) {
      r.println(`Found HADOOP_TOKEN_FILE_LOCATION in the environment : ${fromEnv}`);
      files.push(fromEnv);
    }
    const fromConf = conf.get('hadoop.token.files');
    if (fromConf) {
      r.println(`Found hadoop.token.files in hadoop configuration : ${fromConf}`);
      files.push(...fromConf.split(',').map((f) => f.trim()).filter(Boolean));
    }
    for (const file of files) {
      if (!verifyFileIsValid(r, file, 'TOKEN', 'token')) continue;
      try {
        const tokens = (await readTokenStorageFile(file)).tokens();
        r.println(`${file}: ${tokens.length} token(s): ${tokens.map(([, t]) => `${t.kind} for ${t.service}`).join(', ') || '(none)'}`);
      } catch (e) {
        r.verify(false, 'TOKEN', `token file ${file} is not a Hadoop credentials file: ${e instanceof Error ? e.message : String(e)}. Fetch it again (hsec fetchdt FILE) or unset HADOOP_TOKEN_FILE_LOCATION / hadoop.token.files`);
      }
    }
  }

  /** KDiag.validateKrb5File + printDefaultRealm: which file, parsed, and what it says. */
  #validateKrb5File(): Krb5Config | undefined {
    const r = this.#r;
    r.title('Locating Kerberos configuration file');
    const named = this.#env.KRB5_CONFIG;
    if (named) r.println(`Setting kerberos path from environment variable KRB5_CONFIG: "${named}"`);
    const candidates = (named ?? DEFAULT_KRB5_CONF).split(':').filter(Boolean);
    r.println(`Kerberos configuration file = ${candidates.join(':')}`);
    if (!r.verify(candidates.some((f) => existsSync(f)), 'KERBEROS', `krb5.conf file does not exist: ${candidates.join(', ')}. Create it (libdefaults default_realm, realms with their kdc) or point KRB5_CONFIG at it`)) return undefined;
    let krb5: Krb5Config;
    try {
      krb5 = loadKrb5Config(undefined, this.#env);
    } catch (e) {
      r.verify(false, 'KERBEROS', `krb5.conf cannot be parsed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    r.println(`Files read: ${krb5.files.join(', ')}`);
    r.println(`default_tkt_enctypes = ${enctypeList(krb5.defaultTktEnctypes)}`);
    r.println(`default_tgs_enctypes = ${enctypeList(krb5.defaultTgsEnctypes)}`);
    r.println(`permitted_enctypes = ${enctypeList(krb5.permittedEnctypes)}`);
    if (krb5.droppedEnctypes.length) r.warn('KERBEROS', `krb5.conf names enctypes hsec does not use (weak or not implemented), ignored: ${krb5.droppedEnctypes.join(', ')}`);
    r.println(`clockskew = ${Math.round(krb5.clockSkewMs / 1000)} s`);
    r.println(`kdc_timesync = ${krb5.kdcTimesync}`);
    r.println(`kdc_timeout = ${krb5.kdcTimeoutMs} ms`);
    r.println(`udp_preference_limit = ${krb5.udpPreferenceLimit}`);
    r.println(`default_ccache_name = ${krb5.defaultCcacheName ?? '(unset)'}`);
    r.println(`default_keytab_name = ${krb5.defaultKeytabName ?? '(unset)'}`);
    for (const [realm, rc] of krb5.realms) r.println(`Realm ${realm}: kdc = ${rc.kdcs.map((k) => `${k.transport ? `${k.transport}/` : ''}${k.host}:${k.port}`).join(', ') || '(none)'}`);
    r.println('KDC lookup in DNS (dns_lookup_kdc): not done by hsec; the KDCs are those of [realms]');
    r.println(`Default Realm = ${krb5.defaultRealm ?? 'null'}`);
    if (!krb5.defaultRealm) r.warn('KERBEROS', 'Host has no default realm');
    r.endln();
    return krb5;
  }

  /** KDiag.validateJAAS: the JVM's JAAS file, as HADOOP_OPTS / HADOOP_CLIENT_OPTS name it. */
  #validateJaas(): void {
    const r = this.#r;
    const opts = `${this.#env.HADOOP_OPTS ?? ''} ${this.#env.HADOOP_CLIENT_OPTS ?? ''}`;
    const file = new RegExp(`-D${JAAS_PROPERTY.replace(/\./g, '\\.')}=("([^"]*)"|(\\S+))`).exec(opts);
    const path = file ? (file[2] ?? file[3]) : undefined;
    if (this.#opts.jaas) r.verify(path !== undefined, 'JAAS', `No JAAS file specified in ${JAAS_PROPERTY} (-D${JAAS_PROPERTY}=FILE in HADOOP_OPTS or HADOOP_CLIENT_OPTS). hsec itself reads no JAAS file; the JVM services that need one (ZooKeeper clients and servers) take it from there`);
    if (path === undefined) return;
    r.title('JAAS');
    r.println(`JAAS file is defined in ${JAAS_PROPERTY}: ${path}`);
    verifyFileIsValid(r, path, 'JAAS', `JAAS file defined in ${JAAS_PROPERTY}`);
    r.endln();
  }

  #parsePrincipal(krb5: Krb5Config): Principal | undefined {
    try {
      return parsePrincipal(this.#opts.principal!, krb5.defaultRealm);
    } catch (e) {
      this.#r.verify(false, 'KERBEROS', `--principal ${this.#opts.principal} is not a principal name: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** KDiag.validateShortName: a short name that cannot be made fails; one holding / or @ warns. */
  #validateShortName(conf: Configuration, krb5: Krb5Config | undefined): void {
    const r = this.#r;
    const p = this.#opts.principal;
    r.failif(p === undefined, 'KERBEROS', 'No principal defined: --verifyshortname checks the principal named with --principal');
    let short: string;
    try {
      short = AuthToLocal.fromConfiguration(conf, { defaultRealm: krb5?.defaultRealm ?? '' }).shortName(p!);
    } catch (e) {
      r.failif(true, 'KERBEROS', `Failed to get short name for ${p}: ${e instanceof Error ? e.message : String(e)} (hadoop.security.auth_to_local = ${conf.get('hadoop.security.auth_to_local') ?? '(default)'}, mechanism ${conf.get('hadoop.security.auth_to_local.mechanism') ?? 'hadoop'})`);
      return;
    }
    r.println(`Short name of ${p}: ${short}`);
    const problem = shortNameProblem(p!, short);
    if (problem) r.warn('KERBEROS', problem);
  }

  /** Every KDC of the realm over UDP and TCP, the principal's existence, and the KDC's clock. */
  async #probeKdcs(krb5: Krb5Config, principal: Principal | undefined): Promise<void> {
    const r = this.#r;
    const realm = principal?.realm ?? krb5.defaultRealm;
    if (!realm) return;
    r.title(`Probing the KDCs of realm ${realm}`);
    let kdcs;
    try {
      kdcs = kdcsForRealm(krb5, realm);
    } catch (e) {
      r.verify(false, 'KERBEROS', e instanceof Error ? e.message : String(e));
      return;
    }
    const client = principal ?? parsePrincipal('kdiag-probe', realm);
    const results = await probeKdcs(kdcs, client, krb5, this.#clock);
    for (const p of results) {
      r.println(`${p.target}: ${p.ok ? `answered in ${p.roundTripMs} ms with ${p.outcome}${p.offsetMs !== undefined ? `, KDC clock offset ${formatOffset(p.offsetMs)}` : ''}` : `no answer: ${p.outcome}`}`);
    }
    const answered = results.filter((p) => p.ok);
    const tried = results.map((p) => `${p.target}: ${p.outcome}`).join('; ');
    if (!r.verify(answered.length > 0, 'KERBEROS', `Cannot contact any KDC for realm ${realm} (tried ${tried}). Check that the KDC host names resolve, that the KDC is running and listening there (UDP and TCP), that no firewall drops the port, and the kdc entries of [realms] ${realm} in ${krb5.files.join(', ')}`)) return;
    const timed = answered.find((p) => p.offsetMs !== undefined);
    if (timed) {
      r.println(`Clock offset to KDC ${timed.target}: ${formatOffset(timed.offsetMs!)} (allowed: ${Math.round(krb5.clockSkewMs / 1000)} s)`);
      const skew = clockSkewProblem(timed.target, timed.offsetMs!, krb5.clockSkewMs);
      if (!r.verify(skew === undefined, 'KERBEROS', skew ?? '')) return;
    }
    if (principal) {
      const unknown = answered.find((p) => p.errorCode === KRB_ERROR_CODE.KDC_ERR_C_PRINCIPAL_UNKNOWN);
      r.verify(unknown === undefined, 'KERBEROS', () => `principal ${principalToString(principal)} is not in the KDC database of realm ${realm} (KDC ${unknown!.target} answered KDC_ERR_C_PRINCIPAL_UNKNOWN): check its spelling, host part and realm (klist -kt KEYTAB lists a keytab's principals), or create it (kadmin: addprinc -randkey ${principalToString(principal)})`);
      const first = answered[0]!;
      if (first.errorCode === KRB_ERROR_CODE.KDC_ERR_PREAUTH_REQUIRED) {
        r.println(`${principalToString(principal)} exists and requires pre-authentication`);
        r.println(`The KDC asks for pre-authentication with: ${enctypeList(first.kdcEtypes ?? [])} (ETYPE-INFO2: its choice among the principal's keys of the enctypes offered)`);
      }
      else if (first.outcome === 'AS-REP') r.println(`${principalToString(principal)} exists and does not require pre-authentication (production KDCs should set +requires_preauth)`);
    }
    r.endln();
  }
}
