import { expect } from 'chai';
import { SequenceWindow } from '../../../../security/kerberos/gss/sequence-window.ts';
import { ReplayCache } from '../../../../security/kerberos/gss/replay-cache.ts';
import { ManualClock } from '../../../../lib/time/clock.ts';

function fault(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect((e as { code: string }).code).to.equal('GSS_SEQUENCE');
    return (e as { details: { kind: string } }).details.kind;
  }
}

describe('gss sequence window', () => {
  it('accepts the expected sequence and flags gap, duplicate, old and out-of-order with sequence on', () => {
    const w = new SequenceWindow(100n, { sequence: true, replay: true, size: 8 });
    expect(fault(() => w.check(100n))).to.equal(undefined);
    expect(fault(() => w.check(101n))).to.equal(undefined);
    expect(fault(() => w.check(101n))).to.equal('duplicate');
    expect(fault(() => w.check(104n))).to.equal('gap');
    expect(w.expected).to.equal(105n);
    expect(fault(() => w.check(103n))).to.equal('unsequenced');
    expect(fault(() => w.check(90n))).to.equal('old');
    expect(fault(() => w.check(105n))).to.equal(undefined);
  });

  it('with replay only, tolerates gaps and reordering but not duplicates', () => {
    const w = new SequenceWindow(0n, { sequence: false, replay: true });
    expect(fault(() => w.check(0n))).to.equal(undefined);
    expect(fault(() => w.check(5n))).to.equal(undefined);
    expect(fault(() => w.check(3n))).to.equal(undefined);
    expect(fault(() => w.check(3n))).to.equal('duplicate');
  });
});

describe('gss replay cache', () => {
  const entry = { client: 'alice@R', server: 'nn/h@R', ctime: 1_700_000_000_000, cusec: 12, cipher: Buffer.from('abc') };

  it('refuses the same authenticator twice with KRB_REPLAY, and forgets it after the skew window', () => {
    const clock = new ManualClock(entry.ctime);
    const rc = new ReplayCache({ clock, skewSeconds: 300 });
    rc.checkAndStore(entry);
    expect(() => rc.checkAndStore(entry)).to.throw().with.property('code', 'KRB_REPLAY');
    rc.checkAndStore({ ...entry, cusec: 13 });
    rc.checkAndStore({ ...entry, cipher: Buffer.from('abd') });
    clock.advance(301_000);
    rc.checkAndStore(entry);
    expect(rc.size).to.equal(1);
  });
});
