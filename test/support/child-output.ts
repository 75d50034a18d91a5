/**
 * Waiting for a line from a child process a test started (hsec start, hsec namenode): resolves
 * with everything printed on stdout once `marker` appears; rejects after `timeoutMs`, or when the
 * child exits first, with what it printed so the failure explains itself. stderr accumulates into
 * `stderr.text` for the whole life of the child.
 */
import type { ChildProcess } from 'node:child_process';

export function waitForOutput(child: ChildProcess, marker: string, timeoutMs: number, what: string, stderr: { text: string } = { text: '' }): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} printed no "${marker}" within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${stderr.text}`)), timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      if (out.includes(marker)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr!.on('data', (b: Buffer) => (stderr.text += b.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before "${marker}"; stdout:\n${out}\nstderr:\n${stderr.text}`));
    });
  });
}
