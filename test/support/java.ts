/**
 * Java peers for interop tests: compiles test/interop/java/*.java with `javac` into a cache
 * directory keyed by a hash of the sources and the javac version (recompiled only when a source
 * changes), starts a peer with `java`, and speaks its frame protocol over stdin/stdout:
 * [1 byte type][int32 BE length][payload] (see SaslPeer.java). Frames are decoded with a buffering
 * decoder (partial chunks are kept), every wait is bounded, and `stop()` kills the peer by pid.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingDependencyError, RemoteError, HsecError } from '../../lib/errors/index.ts';

/** Directory holding the Java peer sources. */
export const JAVA_PEER_DIR = resolve(fileURLToPath(new URL('../interop/java/', import.meta.url)));

/** Compiles every .java file in `sourceDir` (default the peer dir); returns the class directory. */
export function compileJavaPeers(sourceDir: string = JAVA_PEER_DIR): string {
  const version = spawnSync('javac', ['-version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new MissingDependencyError('MISSING_DEPENDENCY', 'javac was not found; install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)', { binary: 'javac' });
  }
  const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.java')).sort();
  const hash = createHash('sha256').update(`${version.stdout}${version.stderr}`);
  for (const f of sources) hash.update(f).update(readFileSync(join(sourceDir, f)));
  const cacheRoot = join(tmpdir(), 'hsec-java-peers');
  const classDir = join(cacheRoot, hash.digest('hex').slice(0, 16));
  if (existsSync(join(classDir, '.ok'))) return classDir;
  mkdirSync(cacheRoot, { recursive: true });
  const staging = `${classDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const res = spawnSync('javac', ['-d', staging, ...sources.map((f) => join(sourceDir, f))], { encoding: 'utf8' });
  if (res.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`javac failed on ${sourceDir}:\n${res.stderr}`);
  }
  writeFileSync(join(staging, '.ok'), '');
  rmSync(classDir, { recursive: true, force: true });
  renameSync(staging, classDir);
  return classDir;
}

export interface PeerFrame {
  readonly type: string;
  readonly payload: Buffer;
}

/** Buffers stdout chunks and yields complete frames. */
export class FrameDecoder {
  #buf = Buffer.alloc(0);

  push(chunk: Buffer): PeerFrame[] {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    const frames: PeerFrame[] = [];
    while (this.#buf.length >= 5) {
      const len = this.#buf.readUInt32BE(1);
      if (this.#buf.length < 5 + len) break;
      frames.push({ type: String.fromCharCode(this.#buf[0]!), payload: Buffer.from(this.#buf.subarray(5, 5 + len)) });
      this.#buf = this.#buf.subarray(5 + len);
    }
    return frames;
  }
}

export function encodeFrame(type: string, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

export interface JavaPeerOptions {
  readonly mainClass: string;
  readonly args: readonly string[];
  readonly classDir?: string;
  /** Extra JVM options (e.g. -Djava.security.krb5.conf=... for GSSAPI). */
  readonly jvmOptions?: readonly string[];
  /** Default bound for each `receive` (ms). Default 20000. */
  readonly timeoutMs?: number;
}

/** A running Java peer process. */
export class JavaPeer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #decoder = new FrameDecoder();
  readonly #frames: PeerFrame[] = [];
  readonly #waiters: Array<() => void> = [];
  readonly #timeoutMs: number;
  #stderr = '';
  #exited = false;

  constructor(options: JavaPeerOptions) {
    const classDir = options.classDir ?? compileJavaPeers();
    this.#timeoutMs = options.timeoutMs ?? 20000;
    this.#child = spawn('java', [...(options.jvmOptions ?? []), '-cp', classDir, options.mainClass, ...options.args], { stdio: 'pipe' });
    this.#child.stdout.on('data', (chunk: Buffer) => {
      this.#frames.push(...this.#decoder.push(chunk));
      this.#wake();
    });
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString('utf8');
    });
    this.#child.on('exit', () => {
      this.#exited = true;
      this.#wake();
    });
    this.#child.stdin.on('error', () => undefined); // the peer may exit first
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** What the peer wrote to stderr (diagnostics). */
  get stderr(): string {
    return this.#stderr;
  }

  send(type: string, payload?: Uint8Array): void {
    this.#child.stdin.write(encodeFrame(type, payload));
  }

  /** The next frame; rejects on timeout or when the peer exits without sending one. */
  async receive(timeoutMs = this.#timeoutMs): Promise<PeerFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.#frames.length === 0) {
      if (this.#exited) throw new Error(`Java peer exited without a frame; stderr:\n${this.#stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new HsecError('TIMEOUT', `Java peer sent nothing within ${timeoutMs} ms; stderr:\n${this.#stderr}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
    return this.#frames.shift()!;
  }

  /**
   * The next frame, which must be of `type`. An 'E' frame becomes a RemoteError (code RPC_REMOTE)
   * carrying the Java exception class in details.exceptionClass, as Hadoop relays server errors.
   */
  async expect(type: string, timeoutMs?: number): Promise<Buffer> {
    const f = await this.receive(timeoutMs);
    if (f.type === 'E') throw remoteError(f.payload);
    if (f.type !== type) throw new Error(`Java peer sent frame '${f.type}', expected '${type}'`);
    return f.payload;
  }

  /** Sends 'Q' and waits (bounded) for exit; kills by pid if it does not exit. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    try {
      this.send('Q');
      this.#child.stdin.end();
    } catch {
      // ignore: already closing
    }
    const exited = new Promise<void>((res) => this.#child.once('exit', () => res()));
    const timer = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 3000));
    if ((await Promise.race([exited, timer])) === 'timeout' && this.#child.pid !== undefined) {
      process.kill(this.#child.pid, 'SIGKILL');
      await exited;
    }
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}

/** Builds the RemoteError for an 'E' frame: "<java class>: <message>". */
export function remoteError(payload: Buffer): RemoteError {
  const text = payload.toString('utf8');
  const sep = text.indexOf(': ');
  const exceptionClass = sep > 0 ? text.slice(0, sep) : text;
  return new RemoteError('RPC_REMOTE', `Java peer failed: ${text}`, { exceptionClass });
}
