/**
 * HeimdalKdc: a throwaway Heimdal Kerberos realm for interop tests, modelled on MiniKdc (which
 * drives MIT). Debian's heimdal-kdc package conflicts with krb5-kdc and heimdal-clients would take
 * over the kinit/klist alternatives, so scripts/setup.sh installs only Heimdal's shared libraries
 * and unpacks those two packages into HEIMDAL_ROOT (default /opt/hsec-heimdal, or
 * HSEC_HEIMDAL_ROOT). This fixture runs the KDC (`usr/lib/heimdal-servers/kdc`) and the tools
 * (`kadmin.heimdal -l`, `ktutil.heimdal`, `kinit.heimdal`, `heimtools klist`) from there with a
 * private kdc.conf and database in a temp dir: `kadmin -l init` creates the realm (no master key:
 * a throwaway database), principals are added with `add --use-defaults`, keytabs exported with
 * `ext_keytab`. The KDC listens on a free loopback port over UDP and TCP, is waited for with a
 * bounded wait and stopped by pid (SIGTERM; its worker child exits with it).
 *
 * Heimdal facts this relies on (Heimdal's kdc(8), kdc.conf(5), kadmin(1)): the KDC requires
 * pre-authentication for every principal unless `[kdc] require-preauth = false`, which we set so
 * that `--attributes=requires-pre-auth` decides per principal, as MIT's +requires_preauth does;
 * `[kadmin] default_keys` lists the keys new principals get; the AES-SHA2 keys (RFC 8009) get a
 * random salt, which the KDC announces in ETYPE-INFO2.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HsecError, MissingDependencyError, UnreachableError } from '../../lib/errors/index.ts';
import { runProgram, tail, type RunResult } from '../../cluster/mini/binaries.ts';
import { ManagedProcess, registerExitCleanup } from '../../cluster/mini/managed-process.ts';
import { LOOPBACK, canConnect, freePort, waitUntil } from '../../cluster/mini/ports.ts';
import { renderKrb5Conf } from '../../cluster/mini/kdc-config.ts';

/** Where scripts/setup.sh unpacks heimdal-kdc and heimdal-clients. */
export const HEIMDAL_ROOT = process.env.HSEC_HEIMDAL_ROOT ?? '/opt/hsec-heimdal';

/** The Heimdal programs we run, inside HEIMDAL_ROOT. */
export const HEIMDAL_BIN = {
  kdc: join(HEIMDAL_ROOT, 'usr/lib/heimdal-servers/kdc'),
  kadmin: join(HEIMDAL_ROOT, 'usr/bin/kadmin.heimdal'),
  ktutil: join(HEIMDAL_ROOT, 'usr/bin/ktutil.heimdal'),
  kinit: join(HEIMDAL_ROOT, 'usr/bin/kinit.heimdal'),
  /** klist, kdestroy and kvno-like `kgetcred` live in heimtools (`heimtools klist`). */
  heimtools: join(HEIMDAL_ROOT, 'usr/bin/heimtools'),
  kgetcred: join(HEIMDAL_ROOT, 'usr/bin/kgetcred'),
} as const;

/** The Heimdal programs that are missing (not unpacked, or not executable). */
export function missingHeimdalPrograms(): string[] {
  return Object.values(HEIMDAL_BIN).filter((file) => {
    try {
      accessSync(file, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** The enctypes the realm issues keys for: Heimdal 7.8 supports RFC 3962 and RFC 8009 AES. */
export const HEIMDAL_ENCTYPES: readonly string[] = [
  'aes256-cts-hmac-sha1-96',
  'aes128-cts-hmac-sha1-96',
  'aes256-cts-hmac-sha384-192',
  'aes128-cts-hmac-sha256-128',
];

export interface HeimdalKdcOptions {
  /** Realm name (default HEIMDAL.TEST). */
  readonly realm?: string;
  /** Realm maximum ticket life, seconds (default 86400). */
  readonly maxTicketLifeSeconds?: number;
  /** Realm maximum renewable life, seconds (default 604800). */
  readonly maxRenewableLifeSeconds?: number;
  /** How long to wait for the KDC to accept connections, ms (default 15000). */
  readonly startTimeoutMs?: number;
}

export interface AddPrincipalOptions {
  /** A password; random keys when absent. */
  readonly password?: string;
  /** Heimdal attributes, e.g. `requires-pre-auth` (kadmin(1) --attributes). */
  readonly attributes?: string;
  /** Per-principal maxima, seconds (default: the realm's). */
  readonly maxTicketLifeSeconds?: number;
  readonly maxRenewableLifeSeconds?: number;
  /** Keep only keys of these enctypes (kadmin del_enctype of the others). */
  readonly enctypes?: readonly string[];
}

const START_ATTEMPTS = 5;

export class HeimdalKdc {
  readonly realm: string;
  readonly host = LOOPBACK;
  readonly dir: string;
  #port = 0;
  #process: ManagedProcess | undefined;
  #unregisterCleanup: () => void;

  private constructor(realm: string, dir: string) {
    this.realm = realm;
    this.dir = dir;
    this.#unregisterCleanup = registerExitCleanup(() => rmSync(dir, { recursive: true, force: true }));
  }

  static async start(opts: HeimdalKdcOptions = {}): Promise<HeimdalKdc> {
    const missing = missingHeimdalPrograms();
    if (missing.length > 0) {
      throw new MissingDependencyError(
        'MISSING_DEPENDENCY',
        `Heimdal is not unpacked under ${HEIMDAL_ROOT} (missing ${missing.join(', ')}): run \`npm run setup\` (scripts/setup.sh), which installs Heimdal's libraries and unpacks heimdal-kdc and heimdal-clients there`,
        { root: HEIMDAL_ROOT },
      );
    }
    const kdc = new HeimdalKdc(opts.realm ?? 'HEIMDAL.TEST', mkdtempSync(join(tmpdir(), 'hsec-heimdal-')));
    try {
      const life = opts.maxTicketLifeSeconds ?? 86_400;
      const renew = opts.maxRenewableLifeSeconds ?? 604_800;
      kdc.#writeProfiles();
      await kdc.kadmin('init', `--realm-max-ticket-life=${life} seconds`, `--realm-max-renewable-life=${renew} seconds`, kdc.realm);
      // `--use-defaults` copies the template principal default@REALM: give it the realm maxima.
      await kdc.kadmin('modify', `--max-ticket-life=${life} seconds`, `--max-renewable-life=${renew} seconds`, `default@${kdc.realm}`);
      await kdc.#launch(opts.startTimeoutMs ?? 15_000);
    } catch (e) {
      await kdc.stop();
      throw e;
    }
    return kdc;
  }

  get port(): number {
    return this.#port;
  }

  /** `host:port` as written in krb5.conf. */
  get address(): string {
    return `${this.host}:${this.#port}`;
  }

  /** Client profile (libdefaults, realms): what KRB5_CONFIG points at for Heimdal, MIT and hsec. */
  get krb5ConfPath(): string {
    return join(this.dir, 'krb5.conf');
  }

  /** KDC and kadmin profile (adds [kdc] and [kadmin]). */
  get kdcConfPath(): string {
    return join(this.dir, 'kdc.conf');
  }

  get logPath(): string {
    return join(this.dir, 'kdc.log');
  }

  get pid(): number | undefined {
    return this.#process?.exitStatus === undefined ? this.#process?.pid : undefined;
  }

  /** `name@REALM` unless `name` already names a realm. */
  principal(name: string): string {
    return name.includes('@') ? name : `${name}@${this.realm}`;
  }

  /** Environment for a client of this realm (KRB5_CONFIG, and KRB5CCNAME when `ccache` is given). */
  env(ccache?: string): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KRB5_CONFIG: this.krb5ConfPath,
      LC_ALL: 'C',
      LANG: 'C',
      TZ: 'UTC',
      ...(ccache ? { KRB5CCNAME: ccache.includes(':') ? ccache : `FILE:${ccache}` } : {}),
    };
  }

  /** Runs one `kadmin -l` command against the realm database; throws with kadmin's stderr when it fails. */
  async kadmin(...args: string[]): Promise<string> {
    const res = await runProgram(HEIMDAL_BIN.kadmin, ['-c', this.kdcConfPath, '-l', ...args], { env: this.#adminEnv() });
    if (res.code !== 0 || /^kadmin(\.heimdal)?: /m.test(res.stderr)) {
      throw new HsecError('KRB_KDC_ERROR', `Heimdal kadmin -l ${args[0]} failed in realm ${this.realm} (exit ${res.code}): ${tail(res.stderr || res.stdout, 5)}`, {
        realm: this.realm,
        command: args[0],
      });
    }
    return res.stdout;
  }

  /** Adds a principal (random keys unless a password is given) with the realm's defaults. */
  async addPrincipal(name: string, opts: AddPrincipalOptions = {}): Promise<void> {
    const p = this.principal(name);
    const args = ['add', '--use-defaults', opts.password === undefined ? '--random-key' : `--password=${opts.password}`];
    if (opts.attributes) args.push(`--attributes=${opts.attributes}`);
    if (opts.maxTicketLifeSeconds !== undefined) args.push(`--max-ticket-life=${opts.maxTicketLifeSeconds} seconds`);
    if (opts.maxRenewableLifeSeconds !== undefined) args.push(`--max-renewable-life=${opts.maxRenewableLifeSeconds} seconds`);
    await this.kadmin(...args, p);
    if (opts.enctypes) {
      const drop = HEIMDAL_ENCTYPES.filter((e) => !opts.enctypes!.includes(e));
      if (drop.length > 0) await this.kadmin('del_enctype', p, ...drop);
    }
  }

  /** Writes the current keys of `principals` to `path` (kadmin ext_keytab; appended), mode 0600. */
  async extractKeytab(path: string, ...principals: string[]): Promise<void> {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    await this.kadmin('ext_keytab', '-k', resolve(path), ...principals.map((n) => this.principal(n)));
    chmodSync(path, 0o600);
  }

  /** Gives a principal new random keys (kvno + 1). */
  async randomizeKey(name: string): Promise<void> {
    await this.kadmin('cpw', '--random-key', this.principal(name));
  }

  /** `kadmin -l get` output for a principal. */
  async describe(name: string): Promise<string> {
    return this.kadmin('get', this.principal(name));
  }

  /** Stops the KDC by pid and removes the temp dir. Idempotent. */
  async stop(): Promise<void> {
    const proc = this.#process;
    this.#process = undefined;
    if (proc) await proc.stop();
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    this.#unregisterCleanup();
  }

  #adminEnv(): NodeJS.ProcessEnv {
    return { ...process.env, KRB5_CONFIG: this.kdcConfPath, LC_ALL: 'C', TZ: 'UTC' };
  }

  #writeProfiles(): void {
    // the client profile MIT's throwaway realm uses (no DNS, loopback KDC, our enctypes, a default
    // ccache in the realm's dir); the KDC reads its [kdc] section from the same kind of file
    const client = renderKrb5Conf({ realm: this.realm, host: this.host, port: this.#port, dir: this.dir, enctypes: HEIMDAL_ENCTYPES, maxTicketLifeSeconds: 86_400, maxRenewableLifeSeconds: 604_800 });
    const server = [
      client,
      '[kdc]',
      '  database = {',
      `    dbname = ${join(this.dir, 'heimdal')}`,
      `    realm = ${this.realm}`,
      `    log_file = ${join(this.dir, 'kadmin.log')}`,
      '  }',
      `  logging = FILE:${this.logPath}`,
      '  require-preauth = false',
      '  num-kdc-processes = 1',
      '',
      '[kadmin]',
      `  default_keys = ${HEIMDAL_ENCTYPES.map((e) => `${e}:pw-salt`).join(' ')}`,
      '',
      '[logging]',
      `  kadmin = FILE:${join(this.dir, 'kadmin.log')}`,
      '',
    ];
    writeFileSync(this.krb5ConfPath, client, { mode: 0o644 });
    writeFileSync(this.kdcConfPath, server.join('\n'), { mode: 0o600 });
  }

  /** Starts the KDC on a free port; retries with another port when it loses a bind race. */
  async #launch(timeoutMs: number): Promise<void> {
    let lastError = '';
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      this.#port = await freePort({ udp: true });
      this.#writeProfiles();
      const proc = ManagedProcess.spawn('heimdal-kdc', HEIMDAL_BIN.kdc, [`--config-file=${this.kdcConfPath}`, `--ports=${this.#port}`, `--addresses=${this.host}`], {
        env: this.#adminEnv(),
        logPath: join(this.dir, 'kdc.out'),
      });
      this.#process = proc;
      const failure = await waitUntil(() => canConnect(this.host, this.#port), {
        timeoutMs,
        giveUp: () => (proc.exitStatus ? `kdc exited (${proc.exitStatus})` : undefined),
      });
      if (!failure) return;
      lastError = `${failure}; KDC output:\n${proc.logTail()}`;
      await proc.stop();
      this.#process = undefined;
      if (!/in use|bind/i.test(proc.logTail())) break;
    }
    throw new UnreachableError('KRB_KDC_UNREACHABLE', `Heimdal kdc for realm ${this.realm} did not start on ${this.host}: ${lastError}`, {
      realm: this.realm,
      kdc: this.address,
      dir: this.dir,
    });
  }
}

/** Runs a Heimdal client program with a realm's environment; throws on failure unless allowFailure. */
export async function runHeimdal(file: string, args: readonly string[], env: NodeJS.ProcessEnv, opts: { input?: string; allowFailure?: boolean } = {}): Promise<RunResult> {
  const res = await runProgram(file, args, { env, input: opts.input, timeoutMs: 20_000 });
  if (res.code !== 0 && !opts.allowFailure) {
    throw new Error(`${file} ${args.join(' ')} failed (exit ${res.code}): ${tail(res.stderr || res.stdout, 10)}`);
  }
  return res;
}
