/**
 * Where `hsec policy` reads and writes a list, all or nothing:
 * - a ZooKeeper znode: read with its version, written with a compare-and-set setData (or, when the
 *   znode does not exist yet, created together with its missing parents in one multi), so a
 *   concurrent editor's change is never overwritten (the edit is re-applied to the newer text) and a
 *   refused or failed write leaves the znode as it was. New znodes get the `hadoop.zk.acl` ACL. A
 *   refusal by the ACL (ZK_NO_AUTH) names the session's identities and the znode's ACL;
 * - a local file: edited under a lock file (`FILE.lock`, created exclusively), written to a temp
 *   file in the same directory, fsynced and renamed over the list, so servers reading it never see
 *   half a list. File failures are FileErrors naming the path.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ZooKeeperError } from '../../lib/errors/index.ts';
import { fileError } from '../../lib/fs/file-errors.ts';
import { formatAcl, type Acl, type ZkClient, type ZkOp } from '../../lib/zk/index.ts';

/** The result of an edit function: the new text and whether it differs. */
export interface Edit<R> {
  readonly text: string;
  readonly changed: boolean;
  readonly result: R;
}

export interface ListEditor {
  /** `ZooKeeper znode /hsec/whitelist` or the file path: where the list lives, for messages. */
  readonly origin: string;
  readonly store: 'zookeeper' | 'file';
  /** The list text ('' when the znode or file does not exist). */
  read(): Promise<string>;
  /** Applies `edit` to the current text and writes the outcome atomically (nothing when unchanged). */
  update<R>(edit: (text: string) => Edit<R>): Promise<Edit<R>>;
}

const MAX_ATTEMPTS = 10;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ZnodeListEditor implements ListEditor {
  readonly store = 'zookeeper';
  readonly origin: string;
  readonly #zk: ZkClient;
  readonly #path: string;
  readonly #acl: readonly Acl[];

  constructor(zk: ZkClient, path: string, acl: readonly Acl[], origin: string) {
    this.#zk = zk;
    this.#path = path;
    this.#acl = acl;
    this.origin = origin;
  }

  async read(): Promise<string> {
    return (await this.#readVersioned()).text;
  }

  async update<R>(edit: (text: string) => Edit<R>): Promise<Edit<R>> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#readVersioned();
      const out = edit(current.text);
      if (!out.changed) return out;
      try {
        if (current.version === undefined) await this.#createWithParents(encoder.encode(out.text));
        else await this.#zk.setData(this.#path, encoder.encode(out.text), { version: current.version });
        return out;
      } catch (e) {
        const code = (e as ZooKeeperError).code;
        if (code === 'ZK_BAD_VERSION' || code === 'ZK_NODE_EXISTS') continue; // another editor got there first: edit the newer text
        throw await this.#explain(e);
      }
    }
    throw new ZooKeeperError('ZK_BAD_VERSION', `${this.origin}: ${MAX_ATTEMPTS} attempts lost to concurrent editors; nothing was written by this one, try again`, { path: this.#path });
  }

  async #readVersioned(): Promise<{ text: string; version: number | undefined }> {
    try {
      const node = await this.#zk.getData(this.#path);
      return { text: decoder.decode(node.data), version: node.stat.version };
    } catch (e) {
      if ((e as ZooKeeperError).code === 'ZK_NO_NODE') return { text: '', version: undefined };
      throw await this.#explain(e);
    }
  }

  /** The znode and its missing parents in one transaction. */
  async #createWithParents(data: Uint8Array): Promise<void> {
    const parts = this.#path.slice(1).split('/');
    const ops: ZkOp[] = [];
    for (let i = 1; i < parts.length; i++) {
      const parent = `/${parts.slice(0, i).join('/')}`;
      if ((await this.#zk.exists(parent)) === undefined) ops.push({ type: 'create', path: parent, acl: this.#acl });
    }
    ops.push({ type: 'create', path: this.#path, data, acl: this.#acl });
    await this.#zk.multi(ops);
  }

  /** ZK_NO_AUTH with the ACL that refused it, when it can be read. */
  async #explain(e: unknown): Promise<unknown> {
    if (!(e instanceof ZooKeeperError) || e.code !== 'ZK_NO_AUTH') return e;
    let acl = '';
    for (let p = this.#path; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
      try {
        acl = ` The ACL of ${p} is ${(await this.#zk.getAcl(p)).acl.map(formatAcl).join(', ')}.`;
        break;
      } catch {
        // missing or unreadable: try the parent (a create is refused by the parent's ACL)
      }
    }
    return new ZooKeeperError('ZK_NO_AUTH', `${e.message}.${acl} Nothing was written.`, e.details, { cause: e });
  }
}

export class FileListEditor implements ListEditor {
  readonly store = 'file';
  readonly origin: string;
  readonly #hint: string;

  /** `configKey`: the key naming the file, for messages. */
  constructor(path: string, configKey: string) {
    this.origin = path;
    this.#hint = `check ${configKey}`;
  }

  async read(): Promise<string> {
    try {
      return await fs.readFile(this.origin, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw fileError('read the list', this.origin, e, this.#hint);
    }
  }

  async update<R>(edit: (text: string) => Edit<R>): Promise<Edit<R>> {
    const lock = `${this.origin}.lock`;
    try {
      await (await fs.open(lock, 'wx', 0o600)).close();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw fileError('lock', this.origin, e, `another hsec policy is editing it (remove ${lock} if no editor is running)`);
      throw fileError('lock', this.origin, e, this.#hint);
    }
    try {
      const out = edit(await this.read());
      if (out.changed) await this.#replace(out.text);
      return out;
    } finally {
      await fs.rm(lock, { force: true });
    }
  }

  async #replace(text: string): Promise<void> {
    const tmp = join(dirname(this.origin), `.${basename(this.origin)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const mode = await fs.stat(this.origin).then((s) => s.mode & 0o777, () => 0o644);
    try {
      const handle = await fs.open(tmp, 'wx', mode);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, this.origin);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw fileError('write the list', this.origin, e, `${this.#hint}; the list was not changed`);
    }
  }
}
