/**
 * JDK peers for `npm run bench`: the programs in bench/java, compiled the way the interop tests
 * compile theirs (test/support/java.ts: javac into a cache keyed by the sources), kept running as a
 * measuring process (JdkCryptoBench) or a server (JdkIpcEchoServer), and stopped by pid.
 * `jdkAvailable()` says whether java and javac are installed; suites skip their JDK figures with a
 * note when they are not.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { whichBinary } from '../cluster/mini/binaries.ts';
import { compileJavaPeers } from '../test/support/java.ts';

const BENCH_JAVA_DIR = fileURLToPath(new URL('./java/', import.meta.url));

export function jdkAvailable(): boolean {
  return whichBinary('java') !== undefined && whichBinary('javac') !== undefined;
}

let classDir: string | undefined;
function classes(): string {
  classDir ??= compileJavaPeers(BENCH_JAVA_DIR);
  return classDir;
}

/**
 * A JDK measuring process (bench/java/JdkCryptoBench.java): started once, it answers one request per
 * line, "<bytes> <ms>", with the operations it completed in about that long, so suites can alternate
 * JDK slices with their own (Harness.measureInterleaved) and a busy machine's load hits both alike.
 */
export class JavaMeter {
  /** What the program said once ready (e.g. the negotiated enctype). */
  readonly info: Record<string, unknown>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #waiter: (() => void) | undefined;
  #stderr = '';

  private constructor(child: ChildProcessWithoutNullStreams, info: Record<string, unknown>, lines: string[]) {
    this.#child = child;
    this.info = info;
    this.#lines = lines;
  }

  static async start(args: readonly string[], jvmOptions: readonly string[] = [], timeoutMs = 60_000): Promise<JavaMeter> {
    const child = spawn('java', [...jvmOptions, '-cp', classes(), 'JdkCryptoBench', ...args], { stdio: 'pipe' });
    const lines: string[] = [];
    let partial = '';
    let meter: JavaMeter | undefined;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      partial += d.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      lines.push(...parts.filter((l) => l.trim() !== ''));
      if (meter) meter.#wake();
    });
    const deadline = Date.now() + timeoutMs;
    while (lines.length === 0) {
      if (child.exitCode !== null) throw new Error(`JdkCryptoBench exited with ${child.exitCode}: ${stderr.trim().split('\n').slice(-5).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`JdkCryptoBench was not ready within ${timeoutMs} ms: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    meter = new JavaMeter(child, JSON.parse(lines.shift()!) as Record<string, unknown>, lines);
    meter.#stderr = stderr;
    return meter;
  }

  /** Has the JDK run the operation on a `bytes`-byte message for about `ms`. */
  async slice(bytes: number, ms: number): Promise<{ ops: number; ns: number }> {
    this.#child.stdin.write(`${bytes} ${Math.round(ms)}\n`);
    const deadline = Date.now() + ms + 30_000;
    while (this.#lines.length === 0) {
      if (this.#child.exitCode !== null || Date.now() > deadline) throw new Error(`JdkCryptoBench stopped answering: ${this.#stderr}`);
      await new Promise<void>((r) => {
        this.#waiter = r;
        setTimeout(r, 50);
      });
    }
    const r = JSON.parse(this.#lines.shift()!) as { ops: number; seconds: number };
    return { ops: r.ops, ns: r.seconds * 1e9 };
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.#child.once('exit', () => r()));
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.pid !== undefined && process.kill(this.#child.pid, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

/** A JDK server that printed PORT=<n>; stop() closes its stdin and kills it by pid if it lingers. */
export class JavaServer {
  readonly port: number;
  readonly #child: ChildProcessWithoutNullStreams;

  private constructor(child: ChildProcessWithoutNullStreams, port: number) {
    this.#child = child;
    this.port = port;
  }

  static async start(mainClass: string, args: readonly string[], jvmOptions: readonly string[] = [], timeoutMs = 30_000): Promise<JavaServer> {
    const child = spawn('java', [...jvmOptions, '-cp', classes(), mainClass, ...args], { stdio: 'pipe' });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${mainClass} printed no PORT within ${timeoutMs} ms: ${err}`)), timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /PORT=(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (c) => {
        clearTimeout(timer);
        reject(new Error(`${mainClass} exited with ${c}: ${err}`));
      });
    });
    return new JavaServer(child, port);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.#child.once('exit', () => r()));
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.pid !== undefined && process.kill(this.#child.pid, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
