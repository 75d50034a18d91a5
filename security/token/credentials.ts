/**
 * `Credentials` (hadoop-common security/Credentials.java): alias -> Token and
 * alias -> secret maps, and their token storage ("HDTS") encoding. Header `HDTS` + one format
 * byte; format 0 (WRITABLE, the default of Hadoop's `writeTokenStorageFile`) is vint count +
 * (Text alias, Token Writable) pairs then vint count + (Text alias, vint-prefixed bytes) pairs;
 * format 1 (PROTOBUF, dtutil's default) is one varint32-delimited `hadoop.common.CredentialsProto`.
 * Both are read; either is written. Maps keep insertion order.
 */
import { DataInput, DataOutput, delimit } from '../../lib/codec/index.ts';
import { decodeMessage, loadProto } from '../../lib/proto/load.ts';
import { Token } from './token.ts';
import type { TokenProtoObject } from './token.ts';
import { invalidToken } from './token-errors.ts';

export type CredentialsFormat = 'writable' | 'protobuf';

const MAGIC = Uint8Array.from([0x48, 0x44, 0x54, 0x53]); // "HDTS"
const FORMAT_BYTE: Record<CredentialsFormat, number> = { writable: 0, protobuf: 1 };
/** Cap on aliases and secrets when reading a file. */
const MAX_ENTRY = 1024 * 1024;

interface KvObject {
  alias: string;
  token?: TokenProtoObject;
  secret?: Uint8Array;
}

function credentialsType() {
  return loadProto('Security.proto').lookupType('hadoop.common.CredentialsProto');
}

export class Credentials {
  readonly #tokens = new Map<string, Token>();
  readonly #secrets = new Map<string, Uint8Array>();

  addToken(alias: string, token: Token): this {
    this.#tokens.set(alias, token);
    return this;
  }
  getToken(alias: string): Token | undefined {
    return this.#tokens.get(alias);
  }
  removeToken(alias: string): boolean {
    return this.#tokens.delete(alias);
  }
  /** [alias, token] pairs in insertion order. */
  tokens(): Array<[string, Token]> {
    return [...this.#tokens];
  }
  get numberOfTokens(): number {
    return this.#tokens.size;
  }

  addSecret(alias: string, secret: Uint8Array): this {
    this.#secrets.set(alias, secret);
    return this;
  }
  getSecret(alias: string): Uint8Array | undefined {
    return this.#secrets.get(alias);
  }
  removeSecret(alias: string): boolean {
    return this.#secrets.delete(alias);
  }
  secrets(): Array<[string, Uint8Array]> {
    return [...this.#secrets];
  }
  get numberOfSecrets(): number {
    return this.#secrets.size;
  }

  /** `addAll`: copies every token and secret of `other`, overwriting same aliases. */
  addAll(other: Credentials): this {
    for (const [a, t] of other.tokens()) this.addToken(a, t);
    for (const [a, s] of other.secrets()) this.addSecret(a, s);
    return this;
  }

  /** Token storage bytes (`writeTokenStorageToStream`); WRITABLE unless asked. */
  encode(format: CredentialsFormat = 'writable'): Uint8Array {
    const out = new DataOutput(256).write(MAGIC).writeByte(FORMAT_BYTE[format]);
    if (format === 'writable') {
      out.writeVInt(this.#tokens.size);
      for (const [alias, token] of this.#tokens) token.writeTo(out.writeText(alias));
      out.writeVInt(this.#secrets.size);
      for (const [alias, secret] of this.#secrets) out.writeText(alias).writeVBytes(secret);
    } else {
      const type = credentialsType();
      const message = type.fromObject({
        tokens: [...this.#tokens].map(([alias, t]) => ({ alias, token: t.toProto() })),
        secrets: [...this.#secrets].map(([alias, secret]) => ({ alias, secret })),
      });
      out.write(delimit(type.encode(message).finish()));
    }
    return out.toBytes();
  }

  /** Parses token storage bytes of either format (`readTokenStorageStream`). */
  static decode(bytes: Uint8Array, source = 'token storage'): Credentials {
    try {
      const input = new DataInput(bytes);
      const magic = input.readFully(4, 'HDTS header');
      if (!Buffer.from(magic).equals(MAGIC)) {
        throw invalidToken('TOKEN_BAD_FORMAT', `Bad header found in token storage: ${source}: not a token storage file (it does not start with "HDTS"); fetchdt and dtutil get write them`, { source });
      }
      const version = input.readByte();
      if (version === 0) return readWritable(input);
      if (version === 1) return readProtobuf(input, source);
      throw invalidToken('TOKEN_BAD_FORMAT', `Unknown version ${version} in token storage: ${source}`, { source, version });
    } catch (e) {
      if ((e as { code?: string }).code === 'TOKEN_BAD_FORMAT') throw e;
      throw invalidToken('TOKEN_BAD_FORMAT', `Cannot read token storage ${source}: ${(e as Error).message}; the file is damaged or cut short: fetch the token again (fetchdt, dtutil get)`, { source }, e);
    }
  }
}

function readWritable(input: DataInput): Credentials {
  const creds = new Credentials();
  const tokens = input.readVInt();
  for (let i = 0; i < tokens; i++) {
    const alias = input.readText(MAX_ENTRY, 'token alias');
    creds.addToken(alias, Token.readFrom(input));
  }
  const secrets = input.readVInt();
  for (let i = 0; i < secrets; i++) {
    const alias = input.readText(MAX_ENTRY, 'secret alias');
    creds.addSecret(alias, Uint8Array.from(input.readVBytes(MAX_ENTRY, 'secret')));
  }
  return creds;
}

function readProtobuf(input: DataInput, source: string): Credentials {
  const length = input.readVarint32();
  const body = input.readFully(length, 'CredentialsProto');
  const type = credentialsType();
  const msg = type.toObject(decodeMessage(type, body), { defaults: false }) as { tokens?: KvObject[]; secrets?: KvObject[] };
  const creds = new Credentials();
  for (const kv of msg.tokens ?? []) {
    if (!kv.token) throw invalidToken('TOKEN_BAD_FORMAT', `Token entry ${kv.alias} has no token in ${source}`, { source });
    creds.addToken(kv.alias, Token.fromProto(kv.token));
  }
  for (const kv of msg.secrets ?? []) creds.addSecret(kv.alias, Uint8Array.from(kv.secret ?? new Uint8Array(0)));
  return creds;
}
