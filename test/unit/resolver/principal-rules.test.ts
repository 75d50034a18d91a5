/**
 * Principal rules (hsec's own): glob patterns over Kerberos principals whose connections must be
 * private. The pure parser and matcher, `checkNegotiated` (the post-SASL check for DIGEST-MD5
 * tokens) and its error, and the decorator that offers only auth-conf once the principal is known
 * (GSSAPI), fails closed when the rules cannot be read, and otherwise decides as the wrapped resolver.
 */
import { expect } from 'chai';
import { AccessControlError } from '../../../lib/errors/index.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import {
  checkNegotiated,
  checkNegotiatedQop,
  decideServerQop,
  DefaultSaslPropertiesResolver,
  describeRule,
  FileListSource,
  negotiatedQopRefused,
  parsePrincipalRules,
  PrincipalRulesResolver,
  PrincipalRuleSet,
  WhitelistBasedResolver,
} from '../../../security/resolver/index.ts';
import { capturedLogger, confOf, record, tempDir } from './support.ts';

const FILE = '/etc/hadoop/private-principals';

describe('security/resolver/principal-rules: patterns', () => {
  const rules = parsePrincipalRules(
    ['# must be private', 'etl/*@EXAMPLE.COM', 'alice@EXAMPLE.COM', 'bob', '*@PARTNER.COM', 'svc-*/db*.example.com@EXAMPLE.COM', 'a.b+c@EXAMPLE.COM'].join('\n'),
    FILE,
  ).value;
  const rule = (p: string): string | undefined => {
    const r = rules.match(p);
    return r ? describeRule(r) : undefined;
  };

  it('a glob * matches within one component or the realm, never across / or @', () => {
    expect(rule('etl/host1.example.com@EXAMPLE.COM')).to.equal(`principal rule etl/*@EXAMPLE.COM of ${FILE} line 2`);
    expect(rule('etl@EXAMPLE.COM')).to.equal(undefined);
    expect(rule('etl/a/b@EXAMPLE.COM')).to.equal(undefined);
    expect(rule('etl/host@OTHER.COM')).to.equal(undefined);
    expect(rule('carol@PARTNER.COM')).to.equal(`principal rule *@PARTNER.COM of ${FILE} line 5`);
    expect(rule('nn/host@PARTNER.COM')).to.equal(undefined);
    expect(rule('svc-orders/db7.example.com@EXAMPLE.COM')).to.contain('line 6');
    expect(rule('svc-orders/web.example.com@EXAMPLE.COM')).to.equal(undefined);
  });

  it('exact principals are case-sensitive; regular-expression characters are literal', () => {
    expect(rule('alice@EXAMPLE.COM')).to.equal(`principal rule alice@EXAMPLE.COM of ${FILE} line 3`);
    expect(rule('Alice@EXAMPLE.COM')).to.equal(undefined);
    expect(rule('alice@example.com')).to.equal(undefined);
    expect(rule('a.b+c@EXAMPLE.COM')).to.contain('line 7');
    expect(rule('axb+c@EXAMPLE.COM')).to.equal(undefined);
    expect(rule('a.bbc@EXAMPLE.COM')).to.equal(undefined);
  });

  it('a rule without a realm names the principal in any realm and the bare name (a token owner without realm)', () => {
    expect(rule('bob@EXAMPLE.COM')).to.equal(`principal rule bob of ${FILE} line 4`);
    expect(rule('bob@ANY.REALM')).to.contain('line 4');
    expect(rule('bob')).to.contain('line 4');
    expect(rule('bob/admin@EXAMPLE.COM')).to.equal(undefined);
    expect(rule('bobby@EXAMPLE.COM')).to.equal(undefined);
  });

  it('the first matching line decides, whether exact or pattern', () => {
    const r = parsePrincipalRules('*@EXAMPLE.COM\nalice@EXAMPLE.COM\n', FILE).value;
    expect(describeRule(r.match('alice@EXAMPLE.COM')!)).to.contain('line 1');
    const r2 = parsePrincipalRules('alice@EXAMPLE.COM\n*@EXAMPLE.COM\n', FILE).value;
    expect(describeRule(r2.match('alice@EXAMPLE.COM')!)).to.contain('line 1');
    expect(describeRule(r2.match('zed@EXAMPLE.COM')!)).to.contain('line 2');
  });

  it('bad lines are problems with file and line, and skipped', () => {
    const { entries, problems } = parsePrincipalRules('etl/*@EXAMPLE.COM\nalice bob\n@EXAMPLE.COM\netl//x\na@b@c\n', FILE);
    expect(entries).to.equal(1);
    expect(problems.map((p) => ['line' in p ? p.line : 0, p.code])).to.deep.equal([
      [2, 'LIST_BAD_LINE'],
      [3, 'LIST_BAD_LINE'],
      [4, 'LIST_BAD_LINE'],
      [5, 'LIST_BAD_LINE'],
    ]);
  });
});

describe('security/resolver/principal-rules: checkNegotiated', () => {
  const rules = parsePrincipalRules('etl/*@EXAMPLE.COM\n', FILE).value;

  it('a ruled principal must have negotiated auth-conf; others anything', () => {
    expect(checkNegotiated(rules, 'etl/h@EXAMPLE.COM', 'auth-conf')).to.deep.include({ allowed: true, required: ['auth-conf'] });
    const refused = checkNegotiated(rules, 'etl/h@EXAMPLE.COM', 'auth-int');
    expect(refused).to.deep.include({ allowed: false, principal: 'etl/h@EXAMPLE.COM', negotiated: 'auth-int', required: ['auth-conf'] });
    expect(describeRule(refused.rule)).to.equal(`principal rule etl/*@EXAMPLE.COM of ${FILE} line 1`);
    expect(checkNegotiated(rules, 'alice@EXAMPLE.COM', 'auth')).to.deep.equal({ allowed: true, principal: 'alice@EXAMPLE.COM', negotiated: 'auth', required: undefined, rule: { kind: 'no-principal-rule' } });
    expect(checkNegotiated(PrincipalRuleSet.NONE, 'etl/h@EXAMPLE.COM', 'auth').allowed).to.equal(true);
  });

  it('the refusal is an AccessControlError naming principal, rule, negotiated and required QOPs and what to do', () => {
    const e = negotiatedQopRefused(checkNegotiated(rules, 'etl/h@EXAMPLE.COM', 'auth'));
    expect(e).to.be.instanceOf(AccessControlError);
    expect(e.code).to.equal('ACCESS_DENIED');
    expect(e.message).to.equal(
      `etl/h@EXAMPLE.COM negotiated SASL QOP auth, but principal rule etl/*@EXAMPLE.COM of ${FILE} line 1 requires [auth-conf]; the client must offer privacy (hadoop.rpc.protection=privacy on the client)`,
    );
    expect(e.details).to.deep.include({ principal: 'etl/h@EXAMPLE.COM', qop: 'auth', requiredQop: ['auth-conf'] });
  });

  it('unreadable rules demand privacy of everyone (fail closed)', () => {
    const closed = PrincipalRuleSet.unavailable(FILE);
    const c = checkNegotiated(closed, 'anyone@EXAMPLE.COM', 'auth');
    expect(c.allowed).to.equal(false);
    expect(describeRule(c.rule)).to.equal(`principal rules ${FILE} cannot be read: privacy for every principal (fail closed)`);
  });
});

describe('security/resolver/principal-rules-resolver', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());
  const base = new DefaultSaslPropertiesResolver(confOf({ 'hadoop.rpc.protection': 'authentication,privacy' }));

  it('with the principal known (GSSAPI), a ruled principal is offered only auth-conf, wherever it connects from; others get the wrapped answer', async () => {
    const file = tmp.write('principals', 'etl/*@EXAMPLE.COM\n');
    const r = new PrincipalRulesResolver(base, { source: new FileListSource(file), log: capturedLogger().log });
    await r.ready();
    const rec = record('hsec:resolver:decision');
    const etl = decideServerQop(r, { address: '127.0.0.1', ingressPort: 8020, principal: 'etl/h@EXAMPLE.COM' });
    const alice = decideServerQop(r, { address: '10.0.0.1', ingressPort: 8020, principal: 'alice@EXAMPLE.COM' });
    rec.stop();
    expect(etl.qop).to.deep.equal(['auth-conf']);
    expect(alice).to.deep.equal({ qop: ['auth', 'auth-conf'], rule: { kind: 'configured', configKey: 'hadoop.rpc.protection' } });
    expect(r.getServerProperties('10.0.0.1', 8020).qop).to.deep.equal(['auth', 'auth-conf']);
    expect(rec.events.map((e) => [e['principal'], e['qop'], e['reason']])).to.deep.equal([
      ['etl/h@EXAMPLE.COM', ['auth-conf'], `principal rule etl/*@EXAMPLE.COM of ${file} line 1`],
      ['alice@EXAMPLE.COM', ['auth', 'auth-conf'], 'default (hadoop.rpc.protection)'],
    ]);
  });

  it('after SASL (DIGEST-MD5 tokens), checkNegotiatedQop refuses a ruled owner that negotiated less and publishes the check', async () => {
    const file = tmp.write('principals', 'etl/*@EXAMPLE.COM\n');
    const r = new PrincipalRulesResolver(base, { source: new FileListSource(file), log: capturedLogger().log });
    await r.ready();
    const rec = record('hsec:resolver:decision');
    const refused = checkNegotiatedQop(r, 'etl/h@EXAMPLE.COM', 'auth', { address: '10.0.0.1', ingressPort: 8020 });
    const fine = checkNegotiatedQop(r, 'etl/h@EXAMPLE.COM', 'auth-conf');
    const plain = checkNegotiatedQop(base, 'etl/h@EXAMPLE.COM', 'auth');
    rec.stop();
    expect([refused.allowed, fine.allowed, plain.allowed]).to.deep.equal([false, true, true]);
    expect(rec.events.map((e) => [e['stage'], e['address'], e['qop'], e['allowed']])).to.deep.equal([
      ['negotiated', '10.0.0.1', ['auth'], false],
      ['negotiated', undefined, ['auth-conf'], true],
      ['negotiated', undefined, ['auth'], true],
    ]);
  });

  it('composes with the whitelist: the address decides until the principal is known', async () => {
    const fixed = tmp.write('fixed', '10.0.0.0/8\n');
    const file = tmp.write('principals', 'etl/*@EXAMPLE.COM\n');
    const conf = confOf({ 'hadoop.rpc.protection': 'authentication', 'hadoop.security.sasl.fixedwhitelist.file': fixed });
    const r = new PrincipalRulesResolver(new WhitelistBasedResolver(conf, { log: capturedLogger().log }), { source: new FileListSource(file), log: capturedLogger().log });
    await r.ready();
    expect(r.evaluateServer({ address: '10.0.0.1' }).qop).to.deep.equal(['auth']);
    expect(r.evaluateServer({ address: '10.0.0.1', principal: 'etl/h@EXAMPLE.COM' }).qop).to.deep.equal(['auth-conf']);
    expect(describeRule(r.evaluateServer({ address: '10.0.0.1', principal: 'bob@EXAMPLE.COM' }).rule)).to.equal(`entry 10.0.0.0/8 of ${fixed} line 1`);
    expect(r.evaluateServer({ address: '192.0.2.1', principal: 'bob@EXAMPLE.COM' }).qop).to.deep.equal(['auth-conf']);
  });

  it('rules that cannot be read fail closed: privacy offered to everyone, even before the principal is known', async () => {
    const { log, lines } = capturedLogger();
    const missing = `${tmp.dir}/absent`;
    const r = new PrincipalRulesResolver(base, { source: new FileListSource(missing), log });
    await r.ready();
    expect(r.getServerProperties('10.0.0.1').qop).to.deep.equal(['auth-conf']);
    expect(r.checkNegotiated('alice@EXAMPLE.COM', 'auth').allowed).to.equal(false);
    expect(lines.find((l) => l['code'] === 'LIST_UNAVAILABLE')!['msg']).to.equal(
      `${missing} cannot be read (no such file (ENOENT)); failing closed: every principal must use privacy (auth-conf)`,
    );
  });

  it('fromConfig: unset key returns the wrapped resolver; the rules reload cache.secs after each load (ManualClock)', async () => {
    expect(PrincipalRulesResolver.fromConfig(base, confOf({}))).to.equal(base);
    const file = tmp.write('principals', 'alice@EXAMPLE.COM\n');
    const clock = new ManualClock();
    const r = PrincipalRulesResolver.fromConfig(base, confOf({ 'hsec.security.sasl.private.principals.file': file, 'hsec.security.sasl.private.principals.cache.secs': '30' }), { clock, log: capturedLogger().log });
    expect(r).to.be.instanceOf(PrincipalRulesResolver);
    await r.ready!();
    expect(r.checkNegotiated!('alice@EXAMPLE.COM', 'auth').allowed).to.equal(false);
    tmp.write('principals', 'bob@EXAMPLE.COM\n');
    const loads = record('hsec:resolver:list-loaded');
    clock.advance(30_001);
    r.checkNegotiated!('alice@EXAMPLE.COM', 'auth');
    await loads.next((e) => e['origin'] === file);
    loads.stop();
    expect(r.checkNegotiated!('alice@EXAMPLE.COM', 'auth').allowed).to.equal(true);
    expect(r.checkNegotiated!('bob@EXAMPLE.COM', 'auth').allowed).to.equal(false);
  });
});
