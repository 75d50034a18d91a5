/**
 * A real KCM daemon for tests: Debian's heimdal-kcm `kcm`, on a socket in a temp dir. Heimdal
 * ignores --socket-path and always listens on /var/run/.heim_org.h5l.kcm-socket, so it runs in
 * its own mount namespace (util-linux `unshare`, root) with a temp dir bound over /run there; the
 * socket appears as <dir>/.heim_org.h5l.kcm-socket for everyone else, and nothing touches the
 * machine's /run. Clients find it through krb5.conf `kcm_socket`. Stopped by pid.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { whichBinary } from '../../../../cluster/mini/binaries.ts';
import { ManagedProcess } from '../../../../cluster/mini/managed-process.ts';

export const KCM_SOCKET_NAME = '.heim_org.h5l.kcm-socket';

export class KcmDaemon {
  readonly dir: string;
  readonly #process: ManagedProcess;

  private constructor(dir: string, process: ManagedProcess) {
    this.dir = dir;
    this.#process = process;
  }

  get socketPath(): string {
    return join(this.dir, KCM_SOCKET_NAME);
  }

  /** Why the daemon cannot run here (missing program, not root), or undefined. */
  static unavailable(): string | undefined {
    const missing = ['kcm', 'unshare'].filter((b) => whichBinary(b) === undefined);
    if (missing.length) return `missing ${missing.join(', ')} (Debian: apt-get install heimdal-kcm util-linux)`;
    if (process.getuid?.() !== 0) return 'Heimdal kcm needs a private mount namespace (unshare --mount), which needs root';
    return undefined;
  }

  static async start(): Promise<KcmDaemon> {
    const dir = mkdtempSync(join(tmpdir(), 'hsec-kcm-'));
    const run = realpathSync('/var/run');
    const proc = ManagedProcess.spawn('kcm', whichBinary('unshare')!, ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" "$2" && exec kcm', 'kcm', dir, run], {
      env: process.env,
      logPath: join(tmpdir(), `${dir.split('/').pop()}.log`),
    });
    const daemon = new KcmDaemon(dir, proc);
    const deadline = Date.now() + 15_000;
    while (!existsSync(daemon.socketPath)) {
      if (proc.exitStatus !== undefined || Date.now() > deadline) {
        await daemon.stop();
        throw new Error(`Heimdal kcm did not create ${daemon.socketPath} (${proc.exitStatus ?? 'timeout'}): ${proc.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return daemon;
  }

  async stop(): Promise<void> {
    await this.#process.stop();
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.#process.logPath, { force: true });
  }
}
