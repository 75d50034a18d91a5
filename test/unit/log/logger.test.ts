// The redaction of lib/log/logger.ts, through a real pino logger writing to a stream: secret field
// names are censored at the top level and nested (err.details.x.password), other fields are kept.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createRootLogger, REDACT_DEPTH } from '../../../lib/log/logger.ts';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('log: redaction of secret fields', () => {
  it('censors password/key/secret at the top level and nested objects deep, keeping everything else', () => {
    const { lines, stream } = capture();
    const log = createRootLogger(stream, 'info').child({ component: 'test' });
    log.info({
      password: 'top-secret-1',
      user: 'alice',
      err: { code: 'X', details: { principal: 'alice@R', password: 'top-secret-2', inner: { secret: 'top-secret-3', sessionKey: 'k', keyId: 7 } } },
      tokens: [{ kind: 'HDFS_DELEGATION_TOKEN', password: 'top-secret-4' }],
    }, 'nested secrets');
    const text = JSON.stringify(lines);
    for (const s of ['top-secret-1', 'top-secret-2', 'top-secret-3', 'top-secret-4']) expect(text).to.not.contain(s);
    const line = lines[0] as { password: string; user: string; component: string; err: { code: string; details: { principal: string; password: string; inner: { secret: string; sessionKey: string; keyId: number } } }; tokens: { kind: string; password: string }[] };
    expect(line.password).to.equal('[redacted]');
    expect(line.user).to.equal('alice');
    expect(line.component).to.equal('test');
    expect(line.err.code).to.equal('X');
    expect(line.err.details.principal).to.equal('alice@R');
    expect(line.err.details.password).to.equal('[redacted]');
    expect(line.err.details.inner).to.deep.equal({ secret: '[redacted]', sessionKey: '[redacted]', keyId: 7 });
    expect(line.tokens[0]).to.deep.equal({ kind: 'HDFS_DELEGATION_TOKEN', password: '[redacted]' });
  });

  it(`reaches ${REDACT_DEPTH} levels below the log object`, () => {
    const { lines, stream } = capture();
    let obj: Record<string, unknown> = { password: 'deepest-secret' };
    for (let i = 0; i < REDACT_DEPTH; i++) obj = { [`l${i}`]: obj };
    createRootLogger(stream, 'info').info(obj, 'deep');
    expect(JSON.stringify(lines)).to.not.contain('deepest-secret');
    expect(JSON.stringify(lines)).to.contain('[redacted]');
  });
});
