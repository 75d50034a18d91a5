// Unit tests for the login refresh policy (80% of ticket life, minimum interval, freshness),
// the pure part of security/kerberos/login, driven by explicit times.
import { expect } from 'chai';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { DEFAULT_REFRESH_POLICY, isFresh, isValid, refreshAt, refreshDelay } from '../../../../security/kerberos/login/refresh-policy.ts';

describe('kerberos/login: refresh policy', () => {
  const clock = new ManualClock(1_800_000_000_000);
  const cred = { startTime: clock.now(), endTime: clock.now() + 100_000 };

  it('refreshes at 80% of the ticket life', () => {
    expect(refreshAt(cred)).to.equal(cred.startTime + 80_000);
    expect(refreshDelay(cred, clock.now(), clock.now() - 120_000)).to.equal(80_000);
  });

  it('never refreshes sooner than the minimum interval after the last refresh', () => {
    expect(refreshDelay(cred, clock.now(), clock.now())).to.equal(80_000);
    const short = { startTime: clock.now(), endTime: clock.now() + 10_000 };
    expect(refreshDelay(short, clock.now(), clock.now())).to.equal(DEFAULT_REFRESH_POLICY.minIntervalMs);
    expect(refreshDelay(short, clock.now(), clock.now(), { ...DEFAULT_REFRESH_POLICY, minIntervalMs: 1000 })).to.equal(8_000);
  });

  it('treats a ticket as fresh before its refresh point and valid until it ends', () => {
    const c = new ManualClock(cred.startTime);
    expect(isFresh(cred, c.now())).to.equal(true);
    c.advance(79_999);
    expect(isFresh(cred, c.now())).to.equal(true);
    c.advance(1);
    expect(isFresh(cred, c.now())).to.equal(false);
    expect(isValid(cred, c.now())).to.equal(true);
    c.advance(20_000);
    expect(isValid(cred, c.now())).to.equal(false);
    expect(refreshDelay(cred, c.now(), cred.startTime)).to.equal(0);
  });
});
