/**
 * `Token<T>` (hadoop-common security/token/Token.java): identifier bytes, password bytes, kind and
 * service. Three encodings: the Writable layout (vint-prefixed identifier and password, then kind
 * and service as Text), `TokenProto` (Security.proto), and the URL string
 * (`encodeToUrlString`: URL-safe unpadded base64 of the Writable form). `toString()` follows
 * Hadoop's (`Kind: …, Service: …, Ident: (…)`) and never shows the password.
 */
import { DataInput, DataOutput, decodeBase64, encodeBase64Url } from '../../lib/codec/index.ts';
import { decodeIdentifierOf } from './identifier-codecs.ts';
import type { TokenIdentifier } from './token-identifier.ts';
import { invalidToken } from './token-errors.ts';
import { timingSafeEqual } from 'node:crypto';

/** Cap on identifier / password length when reading (Hadoop has none; 1 MiB keeps reads bounded). */
export const TOKEN_FIELD_MAX_LEN = 1024 * 1024;

/** Plain shape of `hadoop.common.TokenProto` (protobufjs keepCase). */
export interface TokenProtoObject {
  identifier: Uint8Array;
  password: Uint8Array;
  kind: string;
  service: string;
}

export class Token {
  readonly identifier: Uint8Array;
  readonly password: Uint8Array;
  readonly kind: string;
  readonly service: string;

  constructor(identifier: Uint8Array, password: Uint8Array, kind: string, service: string) {
    this.identifier = identifier;
    this.password = password;
    this.kind = kind;
    this.service = service;
  }

  /** The same token with another service (`setService`; dtutil `-alias`). */
  withService(service: string): Token {
    return new Token(this.identifier, this.password, this.kind, service);
  }

  writeTo(out: DataOutput): DataOutput {
    return out.writeVBytes(this.identifier).writeVBytes(this.password).writeText(this.kind).writeText(this.service);
  }

  static readFrom(input: DataInput): Token {
    const identifier = Uint8Array.from(input.readVBytes(TOKEN_FIELD_MAX_LEN, 'token identifier'));
    const password = Uint8Array.from(input.readVBytes(TOKEN_FIELD_MAX_LEN, 'token password'));
    const kind = input.readText(TOKEN_FIELD_MAX_LEN, 'token kind');
    const service = input.readText(TOKEN_FIELD_MAX_LEN, 'token service');
    return new Token(identifier, password, kind, service);
  }

  /** Writable form (Token.write). */
  encodeWritable(): Uint8Array {
    return this.writeTo(new DataOutput(this.identifier.length + this.password.length + 64)).toBytes();
  }

  static decodeWritable(bytes: Uint8Array): Token {
    const input = new DataInput(bytes);
    const token = Token.readFrom(input);
    input.expectEnd('token');
    return token;
  }

  /** `encodeToUrlString()`: URL-safe, unpadded base64 of the Writable form. */
  encodeToUrlString(): string {
    return encodeBase64Url(this.encodeWritable());
  }

  /** `decodeFromUrlString()`: accepts both base64 alphabets, padded or not. */
  static decodeFromUrlString(text: string): Token {
    try {
      return Token.decodeWritable(decodeBase64(text));
    } catch (e) {
      throw invalidToken('TOKEN_BAD_FORMAT', `Cannot decode the token URL string: ${(e as Error).message}`, {}, e);
    }
  }

  toProto(): TokenProtoObject {
    return { identifier: this.identifier, password: this.password, kind: this.kind, service: this.service };
  }

  static fromProto(p: TokenProtoObject): Token {
    return new Token(Uint8Array.from(p.identifier), Uint8Array.from(p.password), p.kind, p.service);
  }

  /** Decodes the identifier in the format of its kind (./identifier-codecs.ts); undefined if unknown or malformed. */
  decodeIdentifier(): TokenIdentifier | undefined {
    try {
      return decodeIdentifierOf(this.kind, this.identifier);
    } catch {
      return undefined;
    }
  }

  /** `Token.equals`: identifier, password, kind and service (constant-time on the password). */
  equals(other: Token): boolean {
    return Buffer.from(this.identifier).equals(other.identifier) &&
      this.password.length === other.password.length && timingSafeEqual(this.password, other.password) &&
      this.kind === other.kind && this.service === other.service;
  }

  /** Hadoop's `Token.toString()`: decoded identifier in parentheses, else its bytes in hex. */
  toString(): string {
    const id = this.decodeIdentifier();
    const ident = id ? `(${id.toString()})` : Array.from(this.identifier, (b) => b.toString(16).padStart(2, '0')).join(' ');
    return `Kind: ${this.kind}, Service: ${this.service}, Ident: ${ident}`;
  }
}
