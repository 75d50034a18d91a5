/**
 * A `TokenStore` kept in one JSON file (mode 0600, rewritten atomically by temp file + fsync +
 * rename after every change, writes serialised). Keys are stored as DelegationKey Writables
 * (hadoop-wire.md §2.4) in base64, tokens as identifier bytes + renew date + password, plus both
 * counters — the state Hadoop keeps in the NameNode's fsimage/edit log or in ZooKeeper (§2.6).
 * A missing file is an empty store; an unreadable or corrupted file is a PROTOCOL_MALFORMED error
 * naming the path, never a silent reset (that would invalidate every outstanding token).
 */
import { readFile } from 'node:fs/promises';
import { ProtocolError } from '../../../lib/errors/index.ts';
import { decodeBase64, encodeBase64 } from '../../../lib/codec/index.ts';
import { DelegationKey } from '../keys/delegation-key.ts';
import { writeFileAtomic0600 } from '../credentials-file.ts';
import { MemoryTokenStore } from './token-store.ts';
import type { TokenStoreSnapshot } from './token-store.ts';

const FORMAT = 'hsec-delegation-token-store';
const VERSION = 1;

interface FileShape {
  format: string;
  version: number;
  sequenceNumber: number;
  currentKeyId: number;
  keys: string[];
  tokens: Array<{ identifier: string; renewDate: number; password: string }>;
}

export class FileTokenStore extends MemoryTokenStore {
  readonly path: string;
  #writing: Promise<void> = Promise.resolve();

  constructor(path: string) {
    super();
    this.path = path;
  }

  override async load(): Promise<TokenStoreSnapshot> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return this.snapshot();
      throw this.#corrupt(`cannot be read (${(e as Error).message})`, e);
    }
    let parsed: FileShape;
    try {
      parsed = JSON.parse(text) as FileShape;
      this.#validate(parsed);
      this.keys = new Map(parsed.keys.map((k) => DelegationKey.decode(decodeBase64(k))).map((k) => [k.keyId, k]));
      this.tokens = new Map(parsed.tokens.map((t) => {
        const identifier = decodeBase64(t.identifier);
        return [Buffer.from(identifier).toString('hex'), { identifier, renewDate: t.renewDate, password: decodeBase64(t.password) }];
      }));
      this.sequenceNumber = parsed.sequenceNumber;
      this.currentKeyId = parsed.currentKeyId;
    } catch (e) {
      if (e instanceof ProtocolError && e.details['path'] === this.path) throw e;
      throw this.#corrupt(`is corrupted (${(e as Error).message})`, e);
    }
    return this.snapshot();
  }

  #validate(p: FileShape): void {
    if (p === null || typeof p !== 'object' || p.format !== FORMAT) throw new Error(`not a ${FORMAT} file`);
    if (p.version !== VERSION) throw new Error(`unsupported version ${String(p.version)}`);
    if (!Number.isSafeInteger(p.sequenceNumber) || !Number.isSafeInteger(p.currentKeyId)) throw new Error('bad counters');
    if (!Array.isArray(p.keys) || !Array.isArray(p.tokens)) throw new Error('missing keys or tokens');
    for (const t of p.tokens) {
      if (typeof t.identifier !== 'string' || typeof t.password !== 'string' || !Number.isSafeInteger(t.renewDate)) {
        throw new Error('bad token entry');
      }
    }
  }

  #corrupt(what: string, cause: unknown): ProtocolError {
    return new ProtocolError(
      'PROTOCOL_MALFORMED',
      `Delegation token store ${this.path} ${what}; restore it from a backup or move it aside ` +
        '(moving it aside invalidates every token issued so far)',
      { path: this.path },
      { cause },
    );
  }

  protected override changed(): Promise<void> {
    const data: FileShape = {
      format: FORMAT,
      version: VERSION,
      sequenceNumber: this.sequenceNumber,
      currentKeyId: this.currentKeyId,
      keys: [...this.keys.values()].map((k) => encodeBase64(k.encode())),
      tokens: [...this.tokens.values()].map((t) => ({
        identifier: encodeBase64(t.identifier), renewDate: t.renewDate, password: encodeBase64(t.password),
      })),
    };
    const bytes = Buffer.from(JSON.stringify(data));
    this.#writing = this.#writing.catch(() => undefined).then(() => writeFileAtomic0600(this.path, bytes));
    return this.#writing;
  }

  override async close(): Promise<void> {
    await this.#writing.catch(() => undefined);
  }
}
