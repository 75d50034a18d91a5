/**
 * MiniZooKeeper: a throwaway standalone ZooKeeper server for tests and `hsec start`, like the
 * TestingServer Hadoop's ZK-backed token stores are tested with, but running the Debian `zookeeper`
 * package's jars (/usr/share/java/zookeeper.jar, whose manifest Class-Path names its dependencies,
 * as /usr/share/zookeeper/bin/zkEnv.sh sets it up). It writes a zoo.cfg (dataDir in a temp dir,
 * clientPort a free loopback port, admin server off, four-letter words `ruok,srvr,stat`), runs
 * org.apache.zookeeper.server.ZooKeeperServerMain, waits for `ruok` -> `imok` and a
 * serving `srvr`, and stops by pid. `stopServer()` / `startServer()` take the server down and
 * bring it back on the same port and data dir (clients see a ZooKeeper restart).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MissingDependencyError, UnreachableError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { requireBinary } from './binaries.ts';
import { writeJaasConfig } from './jaas.ts';
import type { MiniKdc } from './mini-kdc.ts';
import { ManagedProcess, registerExitCleanup } from './managed-process.ts';
import { LOOPBACK, freePort, waitUntil } from './ports.ts';

const log = getLogger('mini.zookeeper');

/** Where Debian 12's `zookeeper` / `libzookeeper-java` packages put the server jar. */
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
// slf4j-simple (libslf4j-java, a zookeeper dependency) sends the server's log to our log file.
const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';
const MAIN_CLASS = 'org.apache.zookeeper.server.ZooKeeperServerMain';
const START_ATTEMPTS = 3;

export interface MiniZooKeeperOptions {
  /** Directory for zoo.cfg, data and log (default: a new temp dir, removed on stop). */
  readonly dir?: string;
  /** Extra zoo.cfg lines, e.g. `{ authProvider.1: 'org.apache...SASLAuthenticationProvider' }`. */
  readonly config?: Readonly<Record<string, string>>;
  /** Extra JVM options, e.g. `-Djava.security.auth.login.config=...` for a SASL-enabled server. */
  readonly jvmOptions?: readonly string[];
  /** How long to wait for `imok`, in ms (default 60000: a cold JVM on a busy 2-core box is slow). */
  readonly startTimeoutMs?: number;
  /**
   * Kerberos (SASL GSSAPI) client authentication: the server logs in as `zookeeper/localhost`
   * from a keytab the KDC exports, and SASLAuthenticationProvider is enabled so `sasl:` ACLs work.
   * With `requireClientAuth`, sessions that do not authenticate are closed (ZooKeeper 3.8's
   * `sessionRequireClientSASLAuth`).
   */
  readonly kerberos?: { readonly kdc: MiniKdc; readonly requireClientAuth?: boolean };
}

/** The ZooKeeper server principal clients expect for a server reached as `localhost`. */
export const ZOOKEEPER_SERVICE = 'zookeeper/localhost';

/** True when the Debian zookeeper jars are installed. */
export function zookeeperInstalled(): boolean {
  return existsSync(ZOOKEEPER_JAR);
}

/** Sends a four-letter word (`ruok`, `srvr`, `stat`) and returns the whole answer. */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    const finish = (): void => {
      socket.destroy();
      resolvePromise(Buffer.concat(chunks).toString('utf8'));
    };
    socket.setTimeout(timeoutMs, finish);
    socket.once('connect', () => socket.write(word));
    socket.on('data', (b: Buffer) => chunks.push(b));
    socket.once('end', finish);
    socket.once('error', finish);
  });
}

export class MiniZooKeeper {
  readonly host: string = LOOPBACK;
  readonly dir: string;
  #port = 0;
  #process: ManagedProcess | undefined;
  #java = '';
  #launchOpts: MiniZooKeeperOptions = {};
  #ownsDir: boolean;
  #unregisterCleanup: () => void = () => {};

  private constructor(dir: string, ownsDir: boolean) {
    this.dir = dir;
    this.#ownsDir = ownsDir;
    if (ownsDir) this.#unregisterCleanup = registerExitCleanup(() => rmSync(this.dir, { recursive: true, force: true }));
  }

  /** Starts a standalone server and resolves once it answers `ruok` with `imok`. */
  static async start(opts: MiniZooKeeperOptions = {}): Promise<MiniZooKeeper> {
    const java = requireBinary('java');
    if (!zookeeperInstalled()) {
      throw new MissingDependencyError(
        'MISSING_DEPENDENCY',
        `ZooKeeper is not installed (${ZOOKEEPER_JAR} is missing): install the Debian package zookeeper (or run \`npm run setup\`)`,
        { package: 'zookeeper', path: ZOOKEEPER_JAR },
      );
    }
    const ownsDir = opts.dir === undefined;
    const dir = resolve(opts.dir ?? mkdtempSync(join(tmpdir(), 'hsec-zk-')));
    mkdirSync(join(dir, 'data'), { recursive: true });
    const zk = new MiniZooKeeper(dir, ownsDir);
    try {
      zk.#java = java;
      zk.#launchOpts = opts.kerberos ? await zk.#kerberize(opts, opts.kerberos) : opts;
      await zk.#launch(java, zk.#launchOpts);
    } catch (e) {
      await zk.stop();
      throw e;
    }
    log.debug({ connectString: zk.connectString, dir }, 'MiniZooKeeper started');
    return zk;
  }

  get port(): number {
    return this.#port;
  }

  /** The client connect string, `127.0.0.1:PORT`. */
  get connectString(): string {
    return `${this.host}:${this.#port}`;
  }

  /** The pid of the server JVM, or undefined once stopped. */
  get pid(): number | undefined {
    return this.#process?.exitStatus === undefined ? this.#process?.pid : undefined;
  }

  get logPath(): string {
    return join(this.dir, 'zookeeper.log');
  }

  /** Sends a four-letter word to this server (whitelisted: ruok, srvr, stat). */
  fourLetterWord(word: string): Promise<string> {
    return fourLetterWord(this.host, this.#port, word);
  }

  /** Stops the server JVM by pid but keeps its port, config and data dir for startServer(). */
  async stopServer(): Promise<void> {
    const proc = this.#process;
    this.#process = undefined;
    if (proc) await proc.stop();
  }

  /** Starts the server again on the same port and data dir (after stopServer()); waits for `imok`. */
  async startServer(): Promise<void> {
    if (this.#process) return;
    if (!existsSync(this.dir)) throw new UnreachableError('ZK_UNREACHABLE', `MiniZooKeeper ${this.connectString} was stopped for good (its dir is gone)`, { dir: this.dir });
    await this.#launch(this.#java, this.#launchOpts, this.#port);
  }

  /** Stops the JVM by pid and removes the temp dir if this fixture created it. Idempotent. */
  async stop(): Promise<void> {
    const proc = this.#process;
    this.#process = undefined;
    if (proc) await proc.stop();
    if (this.#ownsDir && existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    this.#unregisterCleanup();
    if (proc) log.debug({ pid: proc.pid }, 'MiniZooKeeper stopped');
  }

  /** Exports the server keytab, writes the JAAS `Server` section, and adds the SASL settings. */
  async #kerberize(opts: MiniZooKeeperOptions, krb: NonNullable<MiniZooKeeperOptions['kerberos']>): Promise<MiniZooKeeperOptions> {
    const keytab = join(this.dir, 'zookeeper.keytab');
    await krb.kdc.createKeytab(keytab, ZOOKEEPER_SERVICE);
    const jaas = join(this.dir, 'jaas.conf');
    writeJaasConfig(jaas, [{ section: 'Server', principal: krb.kdc.principal(ZOOKEEPER_SERVICE), keytab }]);
    return {
      ...opts,
      config: {
        'authProvider.1': 'org.apache.zookeeper.server.auth.SASLAuthenticationProvider',
        ...(krb.requireClientAuth ? { sessionRequireClientSASLAuth: 'true' } : {}),
        ...opts.config,
      },
      jvmOptions: [...krb.kdc.javaOptions(), `-Djava.security.auth.login.config=${jaas}`, ...(opts.jvmOptions ?? [])],
    };
  }

  #writeConfig(port: number, extra: Readonly<Record<string, string>>): string {
    const cfg: Record<string, string> = {
      tickTime: '2000',
      dataDir: join(this.dir, 'data'),
      clientPort: String(port),
      clientPortAddress: this.host,
      maxClientCnxns: '0',
      'admin.enableServer': 'false',
      '4lw.commands.whitelist': 'ruok,srvr,stat',
      ...extra,
    };
    const path = join(this.dir, 'zoo.cfg');
    writeFileSync(path, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    return path;
  }

  #javaArgs(cfgPath: string, opts: MiniZooKeeperOptions): string[] {
    const classpath = [ZOOKEEPER_JAR, ...(existsSync(SLF4J_SIMPLE_JAR) ? [SLF4J_SIMPLE_JAR] : [])].join(':');
    return [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Dzookeeper.admin.enableServer=false',
      '-Dzookeeper.jmx.log4j.disable=true',
      '-Dorg.slf4j.simpleLogger.showDateTime=true',
      ...(opts.jvmOptions ?? []),
      '-cp',
      classpath,
      MAIN_CLASS,
      cfgPath,
    ];
  }

  /** Launches the JVM; a fixed port (a restart) is not moved when the bind fails. */
  async #launch(java: string, opts: MiniZooKeeperOptions, fixedPort?: number): Promise<void> {
    let lastError = '';
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = fixedPort ?? (await freePort());
      this.#port = port;
      const cfgPath = this.#writeConfig(port, opts.config ?? {});
      const proc = ManagedProcess.spawn('zookeeper', java, this.#javaArgs(cfgPath, opts), { env: process.env, cwd: this.dir, logPath: this.logPath });
      this.#process = proc;
      // `ruok` answers imok as soon as the port is open; `srvr` shows a Mode once it serves clients.
      const ready = async (): Promise<boolean> =>
        (await this.fourLetterWord('ruok')) === 'imok' && /^Mode: /m.test(await this.fourLetterWord('srvr'));
      const failure = await waitUntil(ready, {
        timeoutMs: opts.startTimeoutMs ?? 60_000,
        intervalMs: 200,
        giveUp: () => (proc.exitStatus ? `the ZooKeeper JVM exited (${proc.exitStatus})` : undefined),
      });
      if (!failure) return;
      lastError = `${failure}; ZooKeeper log:\n${proc.logTail()}`;
      await proc.stop();
      this.#process = undefined;
      if (fixedPort !== undefined || !/Address already in use|BindException/.test(proc.logTail(200))) break;
      log.warn({ port, attempt }, 'ZooKeeper could not bind; retrying on another port');
    }
    throw new UnreachableError('ZK_UNREACHABLE', `ZooKeeper did not start on ${this.connectString}: ${lastError}`, {
      connectString: this.connectString,
      dir: this.dir,
    });
  }
}
