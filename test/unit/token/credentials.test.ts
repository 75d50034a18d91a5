import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, statSync, readFileSync as rf } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Credentials } from '../../../security/token/credentials.ts';
import { readTokenStorageFile, writeTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { Token } from '../../../security/token/token.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { FileError, InvalidTokenError } from '../../../lib/errors/index.ts';
import { rejectsCode } from '../../support/errors.ts';

// Bytes written by Apache Hadoop 3.4.1's Credentials (see the vector's `source`).
const vector = JSON.parse(readFileSync(new URL('../../vectors/hdts-credentials.json', import.meta.url), 'utf8'));
const writableHex: string = vector.files.writable_format_0_hex;
const protobufHex: string = vector.files.protobuf_format_1_hex;

function expectedToken(): Token {
  const id = vector.token.identifier;
  const ident = DelegationTokenIdentifier.create('HDFS_DELEGATION_TOKEN', {
    owner: id.owner, renewer: id.renewer, realUser: id.realUser, issueDate: id.issueDate,
    maxDate: id.maxDate, sequenceNumber: id.sequenceNumber, masterKeyId: id.masterKeyId,
  });
  return new Token(ident.bytes, Buffer.from(vector.token.password_hex, 'hex'), vector.token.kind, vector.token.service);
}

function expectedCredentials(): Credentials {
  return new Credentials()
    .addToken(vector.token.service, expectedToken())
    .addSecret(vector.secret.alias, Buffer.from(vector.secret.value, 'utf8'));
}

function checkDecoded(creds: Credentials): void {
  expect(creds.numberOfTokens).to.equal(1);
  const [alias, token] = creds.tokens()[0]!;
  expect(alias).to.equal('127.0.0.1:8020');
  expect(token.kind).to.equal('HDFS_DELEGATION_TOKEN');
  expect(token.service).to.equal('127.0.0.1:8020');
  expect(Buffer.from(token.password).toString('hex')).to.equal(vector.token.password_hex);
  const id = token.decodeIdentifier() as DelegationTokenIdentifier;
  expect(id.fields()).to.deep.equal({
    owner: 'alice@EXAMPLE.COM', renewer: 'yarn', realUser: '', issueDate: 1700000000000,
    maxDate: 1700604800000, sequenceNumber: 42, masterKeyId: 7,
  });
  expect(Buffer.from(creds.getSecret('my.secret')!).toString()).to.equal('s3cr3t');
}

describe('token/Credentials HDTS file vs Hadoop 3.4.1 bytes', () => {
  it('writes the WRITABLE (format 0) file byte for byte', () => {
    expect(Buffer.from(expectedCredentials().encode()).toString('hex')).to.equal(writableHex);
    expect(Buffer.from(expectedCredentials().encode('writable')).toString('hex')).to.equal(writableHex);
  });

  it('writes the PROTOBUF (format 1) file byte for byte', () => {
    expect(Buffer.from(expectedCredentials().encode('protobuf')).toString('hex')).to.equal(protobufHex);
  });

  it('reads both formats', () => {
    checkDecoded(Credentials.decode(Buffer.from(writableHex, 'hex')));
    checkDecoded(Credentials.decode(Buffer.from(protobufHex, 'hex')));
  });

  it('encodes the token URL string as Hadoop does and decodes it back', () => {
    expect(expectedToken().encodeToUrlString()).to.equal(vector.token_url_string);
    expect(Token.decodeFromUrlString(vector.token_url_string).equals(expectedToken())).to.equal(true);
    // lenient: standard alphabet with padding decodes to the same token
    const std = Buffer.from(expectedToken().encodeWritable()).toString('base64');
    expect(Token.decodeFromUrlString(std).equals(expectedToken())).to.equal(true);
  });

  it('rejects a bad header, an unknown version and truncation with TOKEN_BAD_FORMAT', () => {
    const good = Buffer.from(writableHex, 'hex');
    const bad = Buffer.from(good);
    bad[0] = 0x58;
    expect(() => Credentials.decode(bad, 'README.md')).to.throw(InvalidTokenError, /Bad header found in token storage: README.md: not a token storage file .*fetchdt/);
    const v9 = Buffer.from(good);
    v9[4] = 9;
    expect(() => Credentials.decode(v9)).to.throw(InvalidTokenError, /Unknown version 9 in token storage/);
    for (const cut of [3, 10, 40, good.length - 1]) {
      try {
        Credentials.decode(good.subarray(0, cut));
        expect.fail('decoded a truncated file');
      } catch (e) {
        expect((e as InvalidTokenError).code).to.equal('TOKEN_BAD_FORMAT');
      }
    }
    const pcut = Buffer.from(protobufHex, 'hex').subarray(0, 60);
    expect(() => Credentials.decode(pcut)).to.throw(InvalidTokenError);
  });

  it('writes files 0600 atomically and reads them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsec-creds-'));
    const path = join(dir, 'tokens');
    await writeTokenStorageFile(path, expectedCredentials(), 'protobuf');
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(rf(path).toString('hex')).to.equal(protobufHex);
    checkDecoded(await readTokenStorageFile(path));
    await writeTokenStorageFile(path, expectedCredentials());
    expect(rf(path).toString('hex')).to.equal(writableHex);
  });

  it('a token file that cannot be written is a FileError naming it, and leaves no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsec-creds-'));
    const missing = join(dir, 'no-such-dir', 'tokens');
    const err = await rejectsCode(writeTokenStorageFile(missing, expectedCredentials()), 'FILE_NOT_FOUND', FileError);
    expect(err.message).to.contain(missing).and.contain('no such file or directory');
    expect(err.details.path).to.equal(missing);
    mkdirSync(join(dir, 'a-dir'));
    await rejectsCode(writeTokenStorageFile(join(dir, 'a-dir'), expectedCredentials()), 'FILE_IO', FileError);
    expect(readdirSync(dir).sort()).to.deep.equal(['a-dir']);
  });
});

describe('token/Token', () => {
  it('toString shows the decoded identifier and never the password', () => {
    const s = expectedToken().toString();
    expect(s).to.equal('Kind: HDFS_DELEGATION_TOKEN, Service: 127.0.0.1:8020, Ident: (token for alice: HDFS_DELEGATION_TOKEN owner=alice@EXAMPLE.COM, renewer=yarn, realUser=, issueDate=1700000000000, maxDate=1700604800000, sequenceNumber=42, masterKeyId=7)');
    expect(s).to.not.contain('000102030405');
    const unknown = new Token(Uint8Array.of(1, 0xab), Uint8Array.of(9), 'OTHER', 's');
    expect(unknown.toString()).to.equal('Kind: OTHER, Service: s, Ident: 01 ab');
  });

  it('round-trips the Writable layout and detects trailing bytes', () => {
    const t = expectedToken();
    const bytes = t.encodeWritable();
    expect(Token.decodeWritable(bytes).equals(t)).to.equal(true);
    expect(() => Token.decodeWritable(Buffer.concat([bytes, Buffer.of(0)]))).to.throw(/trailing/);
  });
});
