/**
 * A packet capture on loopback with Debian's tcpdump (root; scripts/setup.sh installs it): what
 * really crossed the wire, for tests that check a secret is not in it. Packets are written as they
 * arrive (--immediate-mode -U: no block buffering, so stopping loses none), whole (-s 0), as root
 * (-Z root, so the capture file stays readable); `stop()` sends SIGINT to the pid and returns the
 * pcap bytes once tcpdump has exited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Capture {
  /** Stops the capture; resolves to the pcap file's bytes. */
  stop(): Promise<Buffer>;
}

/** Starts capturing TCP on loopback to or from any of `ports`; resolves once tcpdump is listening. */
export async function captureLoopback(ports: readonly number[], timeoutMs = 10_000): Promise<Capture> {
  const dir = mkdtempSync(join(tmpdir(), 'hsec-pcap-'));
  const file = join(dir, 'capture.pcap');
  const filter = ports.map((p) => `tcp port ${p}`).join(' or ');
  const child = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-s', '0', '-n', '-Z', 'root', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let stderr = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tcpdump did not start listening within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run tcpdump (scripts/setup.sh installs it; it needs root): ${e.message}`));
      });
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/listening on/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`tcpdump exited with ${code} before listening: ${stderr}`));
      });
    });
  } catch (e) {
    kill(child);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    async stop() {
      kill(child);
      await exited;
      if (process.env['HSEC_DEBUG_TCPDUMP']) console.error(stderr);
      try {
        return readFileSync(file);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function kill(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGINT');
}
