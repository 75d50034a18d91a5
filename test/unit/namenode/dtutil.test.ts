import { expect } from 'chai';
import { Command } from 'commander';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register, parseDtutilArgs, dtutilGetAddress } from '../../../cluster/cli/commands/dtutil.ts';
import { Credentials } from '../../../security/token/credentials.ts';
import { readTokenStorageFile, writeTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { Token } from '../../../security/token/token.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';

const vector = JSON.parse(readFileSync(new URL('../../vectors/hdts-credentials.json', import.meta.url), 'utf8'));

function token(seq: number, service: string): Token {
  const id = DelegationTokenIdentifier.create('HDFS_DELEGATION_TOKEN', {
    owner: 'alice@EXAMPLE.COM', renewer: 'yarn', realUser: '', issueDate: 1700000000000, maxDate: 1700604800000, sequenceNumber: seq, masterKeyId: 7,
  });
  return new Token(id.bytes, Uint8Array.of(seq, 1, 2, 3), 'HDFS_DELEGATION_TOKEN', service);
}

/** Runs `hsec dtutil ...` through commander as the CLI does; returns stdout. */
async function dtutil(...args: string[]): Promise<string> {
  const program = new Command('hsec').option('--conf <dir>').exitOverride();
  register(program);
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'hsec', 'dtutil', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('cli dtutil (offline subcommands)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hsec-dtutil-'));

  it('parses Hadoop\'s single-dash options anywhere', () => {
    expect(parseDtutilArgs(['remove', '-alias', 'a:1', 'f1', '--format', 'java', 'f2'])).to.deep.equal({
      sub: 'remove', alias: 'a:1', format: 'writable', help: false, args: ['f1', 'f2'],
    });
    expect(() => parseDtutilArgs(['print', '-format', 'xml', 'f'])).to.throw(/-format must be 'java' or 'protobuf' not 'xml'/);
  });

  it('import writes a protobuf (version 1) file by default, 0600; -format java writes version 0', async () => {
    const f = join(dir, 'imported');
    await dtutil('import', vector.token_url_string, f);
    const bytes = readFileSync(f);
    expect(bytes.subarray(0, 5).toString('hex')).to.equal('4844545301');
    expect(statSync(f).mode & 0o777).to.equal(0o600);
    const t = (await readTokenStorageFile(f)).getToken('127.0.0.1:8020')!;
    expect(t.encodeToUrlString()).to.equal(vector.token_url_string);
    await dtutil('import', vector.token_url_string, '-alias', '10.0.0.1:9000', '-format', 'java', f);
    const creds = await readTokenStorageFile(f);
    expect(readFileSync(f)[4]).to.equal(0);
    expect(creds.getToken('10.0.0.1:9000')!.service).to.equal('10.0.0.1:9000');
    expect(creds.numberOfTokens).to.equal(2);
  });

  it('print lists kind, service, renewer and URL string, filtered by -alias', async () => {
    const f = join(dir, 'print');
    await writeTokenStorageFile(f, new Credentials().addToken('s1:1', token(1, 's1:1')).addToken('s2:2', token(2, 's2:2')));
    const all = await dtutil('print', f);
    expect(all).to.contain(`File: ${f}`);
    expect(all).to.match(/HDFS_DELEGATION_TOKEN\s+s1:1\s+yarn/);
    expect(all).to.contain(token(2, 's2:2').encodeToUrlString());
    const one = await dtutil('print', '-alias', 's2:2', f);
    expect(one).to.not.contain('s1:1');
    expect(one).to.contain('s2:2');
  });

  it('append merges into the last file (later files win); remove drops by alias and keeps secrets', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await writeTokenStorageFile(a, new Credentials().addToken('s1:1', token(1, 's1:1')).addToken('s2:2', token(2, 's2:2')));
    await writeTokenStorageFile(b, new Credentials().addToken('s2:2', token(22, 's2:2')).addSecret('k', Uint8Array.of(9)));
    await dtutil('append', a, b);
    let creds = await readTokenStorageFile(b);
    expect(creds.numberOfTokens).to.equal(2);
    expect(creds.getToken('s2:2')!.password[0]).to.equal(22); // the last file's token wins on the same alias
    await dtutil('remove', '-alias', 's1:1', b);
    creds = await readTokenStorageFile(b);
    expect(creds.tokens().map(([al]) => al)).to.deep.equal(['s2:2']);
    expect(creds.getSecret('k')).to.deep.equal(Uint8Array.of(9));
  });
});

describe('cli dtutil get: URL handling (DtFileOperations.getTokenFile + HdfsDtFetcher)', () => {
  it('hdfs:// URLs with or without a port (8020 by default) and a path; http(s):// prefixes are stripped', () => {
    expect(dtutilGetAddress('hdfs://nn.example.test:9000')).to.deep.equal({ host: 'nn.example.test', port: 9000 });
    expect(dtutilGetAddress('hdfs://nn.example.test')).to.deep.equal({ host: 'nn.example.test', port: 8020 });
    expect(dtutilGetAddress('hdfs://nn.example.test:9000/user/alice')).to.deep.equal({ host: 'nn.example.test', port: 9000 });
    expect(dtutilGetAddress('http://hdfs://10.0.0.1:8021')).to.deep.equal({ host: '10.0.0.1', port: 8021 });
    expect(dtutilGetAddress('hdfs://[::1]:8020')).to.deep.equal({ host: '::1', port: 8020 });
  });
  it('-service hdfs takes a bare HOST[:PORT] (HdfsDtFetcher prepends hdfs://)', () => {
    expect(dtutilGetAddress('nn.example.test:9000', 'hdfs')).to.deep.equal({ host: 'nn.example.test', port: 9000 });
    expect(dtutilGetAddress('nn.example.test', 'hdfs')).to.deep.equal({ host: 'nn.example.test', port: 8020 });
  });
  it('no fetcher for other services or schemes', () => {
    expect(() => dtutilGetAddress('webhdfs://nn:9870')).to.throw(/No token fetcher/);
    expect(() => dtutilGetAddress('nn:9000')).to.throw(/No token fetcher/);
    expect(() => dtutilGetAddress('nn:9000', 'kms')).to.throw(/service 'kms'/);
    expect(() => parseDtutilArgs(['get', 'hdfs://h', '-service'])).to.throw(/-service needs a value/);
    expect(parseDtutilArgs(['get', 'h:1', '-service', 'hdfs', 'f']).service).to.equal('hdfs');
  });
});
