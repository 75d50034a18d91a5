/**
 * Reads the whole-file JSON token store of earlier hsec versions (`hsec-delegation-tokens.json` in
 * the NameNode's name dir: `{format: "hsec-delegation-token-store", version: 1, sequenceNumber,
 * currentKeyId, keys: [base64 DelegationKey Writable], tokens: [{identifier, renewDate, password}
 * (base64)]}`) so the journal store can migrate it on first start. Read-only: nothing writes
 * this format any more.
 */
import { readFile } from 'node:fs/promises';
import { decodeBase64 } from '../../../../lib/codec/index.ts';
import { DelegationKey } from '../../keys/delegation-key.ts';
import { DelegationTokenIdentifier } from '../../delegation-token-identifier.ts';
import { storeCorrupt } from '../../../../lib/journal/storage-errors.ts';

const ORIGIN = { label: 'delegation token store', lossOnReset: 'invalidates every token issued so far' };

const FORMAT = 'hsec-delegation-token-store';
const VERSION = 1;

export interface LegacyToken {
  identifier: DelegationTokenIdentifier;
  renewDate: number;
  password: Uint8Array;
}

export interface LegacyState {
  sequenceNumber: number;
  keyId: number;
  keys: DelegationKey[];
  tokens: LegacyToken[];
}

interface FileShape {
  format: unknown;
  version: unknown;
  sequenceNumber: unknown;
  currentKeyId: unknown;
  keys: unknown;
  tokens: Array<{ identifier: unknown; renewDate: unknown; password: unknown }>;
}

/** The legacy store at `path`, or undefined when there is none. */
export async function readLegacyJsonStore(path: string): Promise<LegacyState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storeCorrupt(path, `cannot be read (${(e as Error).message})`, ORIGIN, e);
  }
  try {
    const p = JSON.parse(text) as FileShape;
    if (p === null || typeof p !== 'object' || p.format !== FORMAT) throw new Error(`not a ${FORMAT} file`);
    if (p.version !== VERSION) throw new Error(`unsupported version ${String(p.version)}`);
    if (!Number.isSafeInteger(p.sequenceNumber) || !Number.isSafeInteger(p.currentKeyId)) throw new Error('bad counters');
    if (!Array.isArray(p.keys) || !Array.isArray(p.tokens)) throw new Error('missing keys or tokens');
    const keys = p.keys.map((k) => DelegationKey.decode(decodeBase64(String(k))));
    const tokens = p.tokens.map((t) => {
      if (typeof t.identifier !== 'string' || typeof t.password !== 'string' || !Number.isSafeInteger(t.renewDate)) {
        throw new Error('bad token entry');
      }
      return { identifier: DelegationTokenIdentifier.decode(decodeBase64(t.identifier)), renewDate: t.renewDate as number, password: decodeBase64(t.password) };
    });
    return { sequenceNumber: p.sequenceNumber as number, keyId: p.currentKeyId as number, keys, tokens };
  } catch (e) {
    throw storeCorrupt(path, `is corrupted (${(e as Error).message})`, ORIGIN, e);
  }
}
