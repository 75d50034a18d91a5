/**
 * `AbstractDelegationTokenIdentifier` (hadoop-common security/token/delegation/
 * AbstractDelegationTokenIdentifier.java) for HDFS_DELEGATION_TOKEN and the
 * other kinds that share its Writable layout: version byte 0, owner/renewer/realUser as Text
 * (max 1 MiB each), issueDate and maxDate as vlong ms, sequenceNumber and masterKeyId as vint.
 * The renewer is normalised to a Kerberos short name at construction through an injected
 * function (Hadoop: `HadoopKerberosName.getShortName()`, auth_to_local). Decoded identifiers keep
 * their raw bytes and raw Text bytes; `cacheKey` gives Hadoop's full-field equality.
 */
import { DataInput, DataOutput, TEXT_DEFAULT_MAX_LEN } from '../../lib/codec/index.ts';
import type { TokenIdentifier, TokenUser } from './token-identifier.ts';
import { invalidToken } from './token-errors.ts';

/** Kinds whose identifier is an AbstractDelegationTokenIdentifier Writable (the kind constants of
 * their identifier classes, e.g. hdfs DelegationTokenIdentifier.HDFS_DELEGATION_KIND). */
export const DELEGATION_TOKEN_KINDS = [
  'HDFS_DELEGATION_TOKEN',
  'WEBHDFS delegation',
  'SWEBHDFS delegation',
  'MAPREDUCE_DELEGATION_TOKEN',
  'MR_DELEGATION_TOKEN',
  'RM_DELEGATION_TOKEN',
  'TIMELINE_DELEGATION_TOKEN',
  'kms-dt',
] as const;

export const HDFS_DELEGATION_KIND = 'HDFS_DELEGATION_TOKEN';

/** Maps a principal or user name to its short name (auth_to_local); injected by callers. */
export type ShortNameFn = (name: string) => string;

/**
 * Fallback short name: the first component of `user/host@REALM` (what Hadoop's DEFAULT rule
 * yields for the default realm). Daemons inject `AuthToLocal` instead.
 */
export const firstComponentShortName: ShortNameFn = (name) => name.split(/[/@]/)[0] ?? name;

export interface DelegationTokenFields {
  owner: string;
  renewer: string;
  realUser: string;
  /** ms since epoch */
  issueDate: number;
  /** ms since epoch; hard expiry */
  maxDate: number;
  sequenceNumber: number;
  masterKeyId: number;
}

const VERSION = 0;
const HDFS_STYLE_KINDS = new Set(['HDFS_DELEGATION_TOKEN', 'WEBHDFS delegation', 'SWEBHDFS delegation']);
const decoder = new TextDecoder();

export class DelegationTokenIdentifier implements TokenIdentifier, DelegationTokenFields {
  readonly kind: string;
  readonly bytes: Uint8Array;
  readonly owner: string;
  readonly renewer: string;
  readonly realUser: string;
  readonly issueDate: number;
  readonly maxDate: number;
  readonly sequenceNumber: number;
  readonly masterKeyId: number;
  /**
   * Full-field identity, Hadoop's `equals` (owner, renewer, realUser raw bytes + the four numbers):
   * the canonical Writable encoding of those fields (what Java's `write` produces) as a latin1
   * string, one char per byte. For identifiers this code issued it equals `bytes`; token stores
   * key tokens by it and persist it as the identifier.
   */
  readonly cacheKey: string;

  private constructor(kind: string, bytes: Uint8Array, texts: Uint8Array[], f: Omit<DelegationTokenFields, 'owner' | 'renewer' | 'realUser'>) {
    this.kind = kind;
    this.bytes = bytes;
    [this.owner, this.renewer, this.realUser] = texts.map((t) => decoder.decode(t)) as [string, string, string];
    this.issueDate = f.issueDate;
    this.maxDate = f.maxDate;
    this.sequenceNumber = f.sequenceNumber;
    this.masterKeyId = f.masterKeyId;
    this.cacheKey = canonicalKey(texts, f);
  }

  /**
   * Builds and serializes an identifier. `renewer` is normalised through `shortName` when
   * non-empty (as the Java constructor does); throws PROTOCOL_TOO_LARGE past 1 MiB per name.
   */
  static create(kind: string, fields: DelegationTokenFields, shortName: ShortNameFn = firstComponentShortName): DelegationTokenIdentifier {
    const renewer = fields.renewer === '' ? '' : shortName(fields.renewer);
    const out = new DataOutput(64)
      .writeByte(VERSION)
      .writeText(fields.owner, TEXT_DEFAULT_MAX_LEN)
      .writeText(renewer, TEXT_DEFAULT_MAX_LEN)
      .writeText(fields.realUser, TEXT_DEFAULT_MAX_LEN)
      .writeVLong(fields.issueDate)
      .writeVLong(fields.maxDate)
      .writeVInt(fields.sequenceNumber)
      .writeVInt(fields.masterKeyId);
    return DelegationTokenIdentifier.decode(out.toBytes(), kind);
  }

  /** `readFields`: rejects versions other than 0 and names past 1 MiB; keeps the raw bytes. */
  static decode(bytes: Uint8Array, kind: string = HDFS_DELEGATION_KIND): DelegationTokenIdentifier {
    try {
      const input = new DataInput(bytes);
      const version = input.readByte();
      if (version !== VERSION) {
        throw invalidToken('TOKEN_BAD_FORMAT', `Unknown version of delegation token ${version}`, { kind });
      }
      const texts = [0, 1, 2].map(() => input.readTextBytes(TEXT_DEFAULT_MAX_LEN, 'delegation token name'));
      const issueDate = input.readVLong();
      const maxDate = input.readVLong();
      const sequenceNumber = input.readVInt();
      const masterKeyId = input.readVInt();
      // Java's readFields ignores trailing bytes; so do we (the raw bytes keep them for the HMAC).
      return new DelegationTokenIdentifier(kind, Uint8Array.from(bytes), texts, { issueDate, maxDate, sequenceNumber, masterKeyId });
    } catch (e) {
      if ((e as { code?: string }).code === 'TOKEN_BAD_FORMAT') throw e;
      throw invalidToken('TOKEN_BAD_FORMAT', `Malformed ${kind} identifier: ${(e as Error).message}`, { kind }, e);
    }
  }

  /** `getUser()`: owner, with realUser as the real user when set and different (proxy token). */
  user(): TokenUser | undefined {
    if (this.owner === '') return undefined;
    if (this.realUser === '' || this.realUser === this.owner) return { userName: this.owner };
    return { userName: this.owner, realUser: this.realUser };
  }

  /**
   * Hadoop 3.x `toString()`: the ADTI form `<kind> owner=…, renewer=…, realUser=…, issueDate=…,
   * maxDate=…, sequenceNumber=…, masterKeyId=…`, which the HDFS subclasses (HDFS/WEBHDFS/SWEBHDFS
   * kinds) prefix with `token for <owner short name>: ` (hdfs DelegationTokenIdentifier, HDFS-9732).
   */
  toString(shortName: ShortNameFn = firstComponentShortName): string {
    const adti = `${this.kind} ${this.#fieldsString()}`;
    return HDFS_STYLE_KINDS.has(this.kind) ? `token for ${this.#ownerShort(shortName)}: ${adti}` : adti;
  }

  /**
   * Hadoop's frozen `toStringStable()` (used by `hdfs fetchdt --print`): HDFS kinds print
   * `<kind> token <seq> for <owner short name> with renewer <renewer>`, other ADTI kinds
   * `owner=…, renewer=…, …`.
   */
  toStringStable(shortName: ShortNameFn = firstComponentShortName): string {
    if (HDFS_STYLE_KINDS.has(this.kind)) {
      return `${this.kind} token ${this.sequenceNumber} for ${this.#ownerShort(shortName)} with renewer ${this.renewer}`;
    }
    return this.#fieldsString();
  }

  #fieldsString(): string {
    return `owner=${this.owner}, renewer=${this.renewer}, realUser=${this.realUser}, issueDate=${this.issueDate}, ` +
      `maxDate=${this.maxDate}, sequenceNumber=${this.sequenceNumber}, masterKeyId=${this.masterKeyId}`;
  }

  #ownerShort(shortName: ShortNameFn): string {
    return this.owner === '' ? 'null' : shortName(this.owner);
  }

  fields(): DelegationTokenFields {
    const { owner, renewer, realUser, issueDate, maxDate, sequenceNumber, masterKeyId } = this;
    return { owner, renewer, realUser, issueDate, maxDate, sequenceNumber, masterKeyId };
  }
}

/** The canonical encoding of the identity fields (minimal vints, no trailing bytes) as a latin1 string. */
function canonicalKey(texts: Uint8Array[], f: Omit<DelegationTokenFields, 'owner' | 'renewer' | 'realUser'>): string {
  const out = new DataOutput(64).writeByte(VERSION);
  for (const t of texts) out.writeVInt(t.length).write(t);
  const bytes = out.writeVLong(f.issueDate).writeVLong(f.maxDate).writeVInt(f.sequenceNumber).writeVInt(f.masterKeyId).toBytes();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
