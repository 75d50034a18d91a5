/**
 * The audit log of `hsec policy`: one JSON object per line for every change it attempts (who, what,
 * when, where, and whether it was made), appended and fsynced, mode 0600. The file is opened before
 * the change is attempted, so a change is never made that cannot be recorded. Who is the OS user
 * and, for ZooKeeper, the identities the session authenticated as (digest user names, the SASL
 * principal; never a password).
 */
import { promises as fs } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { fileError } from '../../lib/fs/file-errors.ts';

export const AUDIT_FILE_KEY = 'hsec.security.sasl.policy.audit.file';

/** One audit line. */
export interface AuditRecord {
  /** e.g. `whitelist add`. */
  readonly command: string;
  /** The entry (or the imported file) the command named. */
  readonly entry?: string | undefined;
  /** Where the list lives: a znode (`ZooKeeper znode /hsec/whitelist`) or a file path. */
  readonly list: string;
  /** `changed`, `unchanged`, or `failed: CODE`. */
  readonly outcome: string;
  /** The ZooKeeper session's identities, for the ZooKeeper store. */
  readonly zkIdentities?: readonly string[] | undefined;
}

export class PolicyAuditLog {
  readonly path: string;
  readonly #handle: fs.FileHandle;

  private constructor(path: string, handle: fs.FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** Opens (creating it 0600, and its directory) the log at `path`. */
  static async open(path: string): Promise<PolicyAuditLog> {
    const hint = `set ${AUDIT_FILE_KEY} to a writable file; nothing was changed`;
    try {
      await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 });
      return new PolicyAuditLog(path, await fs.open(path, 'a', 0o600));
    } catch (e) {
      throw fileError('open the policy audit log', path, e, hint);
    }
  }

  async record(r: AuditRecord): Promise<void> {
    const line = { time: new Date().toISOString(), user: osUser(), ...r };
    try {
      await this.#handle.appendFile(`${JSON.stringify(line)}\n`, 'utf8');
      await this.#handle.datasync();
    } catch (e) {
      throw fileError('append to the policy audit log', this.path, e, `the change (${r.outcome}) was not recorded; set ${AUDIT_FILE_KEY} to a writable file`);
    }
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? String(process.getuid?.() ?? '?');
  }
}
