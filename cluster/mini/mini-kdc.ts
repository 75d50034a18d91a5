/**
 * MiniKdc: a throwaway MIT Kerberos realm for tests and `hsec start`, in the spirit of Hadoop's
 * org.apache.hadoop.minikdc.MiniKdc but driving the real MIT KDC. It writes kdc.conf and krb5.conf
 * into a temp dir, creates the database with `kdb5_util create -s` (random master password), runs
 * `krb5kdc -n` in the foreground on a free loopback port over TCP and UDP, and manages principals
 * and keytabs through `kadmin.local`. Stopped by pid (SIGTERM, then SIGKILL), and killed on process
 * exit. Clients reach it through `env()` (KRB5_CONFIG, KRB5CCNAME) or `krb5ConfPath`.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, HsecError, UnreachableError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { requireBinary, runProgram, tail } from './binaries.ts';
import { DEFAULT_ENCTYPES, paths, renderKdcConf, renderKrb5Conf, type RealmLayout } from './kdc-config.ts';
import { ManagedProcess, registerExitCleanup } from './managed-process.ts';
import { LOOPBACK, canConnect, freePort, tcpListenerCount, waitUntil } from './ports.ts';

const log = getLogger('mini.kdc');

export interface MiniKdcOptions {
  /** Realm name (default `EXAMPLE.TEST`). */
  readonly realm?: string;
  /** Realm-wide maximum ticket life in seconds (default 86400). */
  readonly maxTicketLifeSeconds?: number;
  /** Realm-wide maximum renewable life in seconds (default 604800; 0 = not renewable). */
  readonly maxRenewableLifeSeconds?: number;
  /** Directory for the realm's files (default: a new temp dir, removed on stop). */
  readonly dir?: string;
  /** Enctypes to issue keys for, strongest first (default: the two AES-SHA1 and two AES-SHA2). */
  readonly enctypes?: readonly string[];
  /**
   * New principals require pre-authentication (+requires_preauth), as production KDCs do
   * (default false: MIT's default, which some tests rely on to see a bare AS exchange).
   */
  readonly requirePreauth?: boolean;
  /** How long to wait for the KDC to accept connections, in ms (default 15000). */
  readonly startTimeoutMs?: number;
}

const START_ATTEMPTS = 5;

export class MiniKdc {
  readonly realm: string;
  readonly host: string = LOOPBACK;
  readonly dir: string;
  readonly enctypes: readonly string[];
  #port: number;
  #process: ManagedProcess | undefined;
  #ownsDir: boolean;
  #unregisterCleanup: () => void = () => {};
  #env: NodeJS.ProcessEnv;

  private constructor(layout: RealmLayout, ownsDir: boolean) {
    this.realm = layout.realm;
    this.dir = layout.dir;
    this.enctypes = layout.enctypes;
    this.#port = layout.port;
    this.#ownsDir = ownsDir;
    if (ownsDir) this.#unregisterCleanup = registerExitCleanup(() => rmSync(this.dir, { recursive: true, force: true }));
    const p = paths(layout.dir);
    this.#env = { ...process.env, KRB5_CONFIG: p.krb5Conf, KRB5_KDC_PROFILE: p.kdcConf, KRB5CCNAME: `FILE:${p.ccache}`, KRB5RCACHEDIR: p.rcacheDir };
  }

  /** Creates the realm, starts krb5kdc and resolves once it accepts TCP connections. */
  static async start(opts: MiniKdcOptions = {}): Promise<MiniKdc> {
    const bins = { krb5kdc: requireBinary('krb5kdc'), kdb5Util: requireBinary('kdb5_util') };
    requireBinary('kadmin.local');
    const realm = opts.realm ?? 'EXAMPLE.TEST';
    if (!/^[A-Z0-9][A-Z0-9.-]*$/.test(realm)) {
      throw new ConfigError('CONFIG_INVALID', `realm ${realm} is not a valid upper-case realm name`, { realm });
    }
    for (const [option, value, min] of [
      ['maxTicketLifeSeconds', opts.maxTicketLifeSeconds, 1],
      ['maxRenewableLifeSeconds', opts.maxRenewableLifeSeconds, 0],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < min)) {
        throw new ConfigError('CONFIG_INVALID', `MiniKdc ${option} must be a whole number of seconds >= ${min} (got ${value})`, { option });
      }
    }
    const ownsDir = opts.dir === undefined;
    const dir = resolve(opts.dir ?? mkdtempSync(join(tmpdir(), 'hsec-kdc-')));
    mkdirSync(join(dir, 'rcache'), { recursive: true, mode: 0o700 });
    const base = {
      realm,
      host: LOOPBACK,
      dir,
      enctypes: opts.enctypes ?? DEFAULT_ENCTYPES,
      maxTicketLifeSeconds: opts.maxTicketLifeSeconds ?? 86_400,
      maxRenewableLifeSeconds: opts.maxRenewableLifeSeconds ?? 604_800,
      requirePreauth: opts.requirePreauth ?? false,
    };
    const kdc = new MiniKdc({ ...base, port: 0 }, ownsDir);
    try {
      kdc.#writeProfiles({ ...base, port: 0 });
      await kdc.#createDatabase(bins.kdb5Util);
      await kdc.#launch(bins.krb5kdc, base, opts.startTimeoutMs ?? 15_000);
    } catch (e) {
      await kdc.stop();
      throw e;
    }
    log.debug({ realm, port: kdc.port, dir }, 'MiniKdc started');
    return kdc;
  }

  /** The KDC port (the same number for TCP and UDP). */
  get port(): number {
    return this.#port;
  }

  /** `host:port` as written in krb5.conf. */
  get address(): string {
    return `${this.host}:${this.#port}`;
  }

  get krb5ConfPath(): string {
    return paths(this.dir).krb5Conf;
  }

  get kdcConfPath(): string {
    return paths(this.dir).kdcConf;
  }

  /** The default credential cache of this realm (`FILE:<dir>/krb5cc`). */
  get ccacheName(): string {
    return `FILE:${paths(this.dir).ccache}`;
  }

  /** The pid of the running krb5kdc, or undefined once stopped. */
  get pid(): number | undefined {
    return this.#process?.exitStatus === undefined ? this.#process?.pid : undefined;
  }

  /** `name@REALM` unless `name` already names a realm. */
  principal(name: string): string {
    return name.includes('@') ? name : `${name}@${this.realm}`;
  }

  /**
   * The environment a child process needs to use this realm: KRB5_CONFIG, KRB5CCNAME (our temp dir,
   * or `ccache` when given) and KRB5RCACHEDIR, on top of `process.env`.
   */
  env(ccache?: string): NodeJS.ProcessEnv {
    const { KRB5_KDC_PROFILE: _profile, ...client } = this.#env;
    return { ...client, ...(ccache ? { KRB5CCNAME: ccache.includes(':') ? ccache : `FILE:${ccache}` } : {}) };
  }

  /** JVM options that point the JDK's Kerberos at this realm. */
  javaOptions(): string[] {
    return [`-Djava.security.krb5.conf=${this.krb5ConfPath}`];
  }

  /** Runs one kadmin.local query against the realm database; throws when kadmin reports an error. */
  async kadmin(query: string): Promise<string> {
    const bin = requireBinary('kadmin.local');
    const res = await runProgram(bin, ['-r', this.realm, '-q', query], { env: this.#env });
    // kadmin.local prints failures as "<command>: <reason> while <doing>" on stderr, sometimes
    // with exit code 0, so both are checked.
    const failed = res.code !== 0 || /^\S+: .+ while /m.test(res.stderr);
    if (failed) {
      const command = query.split(/\s+/)[0];
      const reason = res.stderr.split('\n').filter((l) => l.trim() && !/^(No policy specified|Authenticating as)/.test(l)).join('\n');
      throw new HsecError('KRB_KDC_ERROR', `kadmin.local ${command} failed in realm ${this.realm}: ${tail(reason, 5)}`, {
        realm: this.realm,
        command,
      });
    }
    return res.stdout;
  }

  /** True when the principal exists in the realm database. */
  async hasPrincipal(name: string): Promise<boolean> {
    const out = await this.kadmin(`listprincs ${quote(this.principal(name))}`);
    return out.split('\n').some((line) => line.trim() === this.principal(name));
  }

  /** Adds a principal with a password, or with random keys when no password is given. */
  async addPrincipal(name: string, opts: { password?: string } = {}): Promise<void> {
    const principal = this.principal(name);
    if (opts.password === undefined) {
      await this.kadmin(`addprinc -randkey ${quote(principal)}`);
    } else {
      await this.kadmin(`addprinc -pw ${quote(opts.password)} ${quote(principal)}`);
    }
  }

  /**
   * Writes the keys of `principals` to the keytab at `path` (mode 0600, appended when it exists).
   * Missing principals are created with random keys; existing ones are exported with -norandkey so
   * keytabs exported earlier stay valid.
   */
  async createKeytab(path: string, ...principals: string[]): Promise<void> {
    if (principals.length === 0) throw new ConfigError('CONFIG_INVALID', 'createKeytab needs at least one principal', { path });
    mkdirSync(dirname(resolve(path)), { recursive: true });
    for (const name of principals) {
      if (!(await this.hasPrincipal(name))) await this.addPrincipal(name);
    }
    const list = principals.map((n) => quote(this.principal(n))).join(' ');
    await this.kadmin(`ktadd -k ${quote(resolve(path))} -norandkey ${list}`);
    chmodSync(path, 0o600);
  }

  /** Applies `modprinc` options (kadmin(1) syntax, e.g. `+requires_preauth`) to a principal. */
  async modifyPrincipal(name: string, options: string): Promise<void> {
    await this.kadmin(`modprinc ${options} ${quote(this.principal(name))}`);
  }

  /** Sets a principal's maximum ticket life, in seconds. */
  async setMaxLife(name: string, seconds: number): Promise<void> {
    await this.modifyPrincipal(name, `-maxlife "${Math.floor(seconds)} seconds"`);
  }

  /** Sets a principal's maximum renewable life, in seconds. */
  async setMaxRenewableLife(name: string, seconds: number): Promise<void> {
    await this.modifyPrincipal(name, `-maxrenewlife "${Math.floor(seconds)} seconds"`);
  }

  /** Gives a principal new random keys (its kvno increases; old keytabs stop working). */
  async randomizeKey(name: string): Promise<void> {
    await this.kadmin(`cpw -randkey ${quote(this.principal(name))}`);
  }

  /** Stops krb5kdc by pid and removes the temp dir if this fixture created it. Idempotent. */
  async stop(): Promise<void> {
    const proc = this.#process;
    this.#process = undefined;
    if (proc) await proc.stop();
    if (this.#ownsDir && existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    this.#unregisterCleanup();
    if (proc) log.debug({ realm: this.realm, pid: proc.pid }, 'MiniKdc stopped');
  }

  #writeProfiles(layout: RealmLayout): void {
    const p = paths(layout.dir);
    writeFileSync(p.kdcConf, renderKdcConf(layout), { mode: 0o600 });
    writeFileSync(p.krb5Conf, renderKrb5Conf(layout), { mode: 0o644 });
    writeFileSync(p.acl, `*/admin@${layout.realm} *\n`, { mode: 0o600 });
  }

  async #createDatabase(kdb5Util: string): Promise<void> {
    // The master password only protects a throwaway database; -s stashes it so no prompt follows.
    const master = randomBytes(24).toString('base64url');
    const res = await runProgram(kdb5Util, ['-r', this.realm, '-P', master, 'create', '-s'], { env: this.#env });
    if (res.code !== 0) {
      throw new HsecError('KRB_KDC_ERROR', `kdb5_util create failed for realm ${this.realm} in ${this.dir}: ${tail(res.stderr, 5)}`, {
        realm: this.realm,
        dir: this.dir,
      });
    }
  }

  /** Starts krb5kdc on a fresh free port; retries with another port when it loses a bind race. */
  async #launch(krb5kdc: string, base: Omit<RealmLayout, 'port'>, timeoutMs: number): Promise<void> {
    let lastError = '';
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await freePort({ udp: true });
      // krb5kdc binds with SO_REUSEPORT: it would share a port someone took since freePort().
      if ((tcpListenerCount(port) ?? 0) > 0) continue;
      this.#port = port;
      this.#writeProfiles({ ...base, port });
      const proc = ManagedProcess.spawn('krb5kdc', krb5kdc, ['-n', '-r', this.realm], { env: this.#env, logPath: paths(this.dir).kdcLog });
      this.#process = proc;
      const failure = await waitUntil(() => canConnect(this.host, port), {
        timeoutMs,
        giveUp: () => (proc.exitStatus ? `krb5kdc exited (${proc.exitStatus})` : undefined),
      });
      const shared = !failure && (tcpListenerCount(port) ?? 1) > 1;
      if (!failure && !shared) return;
      lastError = shared ? `port ${port} is shared with another listener` : `${failure}; KDC log:\n${proc.logTail()}`;
      await proc.stop();
      this.#process = undefined;
      if (!shared && !/in use|Cannot bind|bind/i.test(proc.logTail())) break;
      log.warn({ port, attempt, shared }, 'krb5kdc could not own its port; retrying on another port');
    }
    throw new UnreachableError('KRB_KDC_UNREACHABLE', `krb5kdc for realm ${this.realm} did not start on ${this.host}: ${lastError}`, {
      realm: this.realm,
      kdc: this.address,
      dir: this.dir,
    });
  }
}

/** Quotes one kadmin argument (kadmin splits its -q query like a shell, honouring double quotes). */
function quote(arg: string): string {
  if (/["\n\r]/.test(arg)) throw new ConfigError('CONFIG_INVALID', 'kadmin arguments may not contain double quotes or newlines', {});
  return `"${arg}"`;
}
