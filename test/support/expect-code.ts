/**
 * Asserting typed errors: `expectCode(fn, code)` for a synchronous call, `await rejectsWithCode(p,
 * code)` for a promise. Both return the error so a test can check its message and details too.
 * `await refused(p, cls, message?)` for a NameNode refusal: the Hadoop exception class it carries
 * (details.exceptionClassName) and, when given, its exact message or a pattern it matches.
 */
import { expect } from 'chai';
import { HsecError, type ErrorCode } from '../../lib/errors/index.ts';

export function expectCode(fn: () => unknown, code: ErrorCode): HsecError {
  try {
    fn();
  } catch (e) {
    expect(e, `expected an HsecError ${code}, got ${String(e)}`).to.be.instanceOf(HsecError);
    expect((e as HsecError).code, (e as Error).message).to.equal(code);
    return e as HsecError;
  }
  expect.fail(`expected ${code} to be thrown`);
}

export async function rejectsWithCode(p: Promise<unknown>, code: ErrorCode): Promise<HsecError> {
  try {
    await p;
  } catch (e) {
    expect(e, `expected an HsecError ${code}, got ${String(e)}`).to.be.instanceOf(HsecError);
    expect((e as HsecError).code, (e as Error).message).to.equal(code);
    return e as HsecError;
  }
  expect.fail(`expected a rejection with ${code}`);
}

export async function refused(p: Promise<unknown>, cls: string, message?: string | RegExp): Promise<void> {
  const e = await p.then(() => undefined, (x: Error & { details?: Record<string, unknown> }) => x);
  expect(e, 'expected a refusal').to.be.instanceOf(Error);
  expect(e!.details?.['exceptionClassName'], e!.message).to.equal(cls);
  if (typeof message === 'string') expect(e!.message).to.equal(message);
  else if (message) expect(e!.message).to.match(message);
}
