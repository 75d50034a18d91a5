// The redaction of lib/log/logger.ts, through a real pino logger writing to a stream: secret field
// names are censored at the top level and nested (err.details.x.password), other fields are kept.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { configureLogging, createRootLogger, type Logger, formatFromEnv, getLogger, levelFromEnv, REDACT_DEPTH } from '../../../lib/log/logger.ts';
import { formatLogRecord, prettyDestination } from '../../../lib/log/pretty.ts';

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

describe('log: configuration and component loggers', () => {
  afterEach(() => configureLogging({ level: 'silent' }));

  it('a component logger taken before configureLogging writes where the process configured it later', () => {
    const log = getLogger('early');
    const { lines, stream } = capture();
    configureLogging({ level: 'info', format: 'json', destination: stream });
    log.info({ user: 'alice', password: 'pw-1' }, 'hello');
    log.debug('not at info');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ component: 'early', user: 'alice', msg: 'hello', password: '[redacted]' });
  });

  it('a host logger passed to configureLogging receives every component, with its child bindings', () => {
    const seen: unknown[][] = [];
    const host = {
      child: (b: Record<string, unknown>) => ({ ...host, bindings: b, info: (...a: unknown[]) => seen.push([b, ...a]) }),
    } as unknown as Logger;
    configureLogging({ logger: host });
    getLogger('rpc.server').info({ port: 1 }, 'up');
    expect(seen).to.deep.equal([[{ component: 'rpc.server' }, { port: 1 }, 'up']]);
  });

  it('HSEC_LOG_LEVEL and HSEC_LOG_FORMAT are validated with a one-line error naming the valid values', () => {
    expect(levelFromEnv({ HSEC_LOG_LEVEL: 'DEBUG' })).to.equal('debug');
    expect(levelFromEnv({})).to.equal(undefined);
    expect(() => levelFromEnv({ HSEC_LOG_LEVEL: 'verbose' })).to.throw(/HSEC_LOG_LEVEL=verbose is not a log level: use one of trace, debug, info, warn, error, fatal, silent/);
    expect(formatFromEnv({ HSEC_LOG_FORMAT: 'json' })).to.equal('json');
    expect(() => formatFromEnv({ HSEC_LOG_FORMAT: 'xml' })).to.throw(/use pretty or json/);
  });

  it('pretty lines show local time, level, component, message and fields (errors as code: message)', () => {
    const time = new Date(2026, 11, 4, 18, 7, 0, 123).getTime();
    const line = formatLogRecord({ level: 40, time, component: 'rpc.server', msg: 'slow client', host: '127.0.0.1', port: 8020, reason: 'two words', err: { type: 'KerberosError', code: 'KRB_EXPIRED', message: 'ticket expired', stack: 'at x' } });
    expect(line).to.equal('2026-12-04 18:07:00.123 WARN  rpc.server: slow client host=127.0.0.1 port=8020 reason="two words" err="KRB_EXPIRED: ticket expired"');
  });

  it('the pretty destination turns pino JSON into terminal lines', () => {
    const out: string[] = [];
    const sink = Object.assign(new Writable({ write(c: Buffer, _e, done) { out.push(c.toString()); done(); } }), { isTTY: false });
    configureLogging({ level: 'info', destination: prettyDestination(sink) });
    getLogger('namenode').info({ port: 8020 }, 'NameNode RPC up');
    expect(out).to.have.length(1);
    expect(out[0]).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO  namenode: NameNode RPC up port=8020\n$/);
  });
});
