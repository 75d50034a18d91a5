/**
 * Asserting typed errors: the call must fail with an HsecError carrying `code` (and, when given, of
 * class `type`); the error is returned for further checks. Tests assert codes, not message text.
 */
import { expect } from 'chai';
import { HsecError, type ErrorCode } from '../../lib/errors/index.ts';

type ErrorClass = abstract new (...args: never[]) => HsecError;

function check(err: unknown, code: ErrorCode, type?: ErrorClass): HsecError {
  expect(err, String(err)).to.be.instanceOf(type ?? HsecError);
  expect((err as HsecError).code, (err as Error).message).to.equal(code);
  return err as HsecError;
}

/** `fn()` throws an HsecError with `code`. */
export function throwsCode(fn: () => unknown, code: ErrorCode, type?: ErrorClass): HsecError {
  try {
    fn();
  } catch (err) {
    return check(err, code, type);
  }
  expect.fail(`expected an error with code ${code}`);
}

/** `p` rejects with an HsecError with `code`. */
export async function rejectsCode(p: Promise<unknown>, code: ErrorCode, type?: ErrorClass): Promise<HsecError> {
  try {
    await p;
  } catch (err) {
    return check(err, code, type);
  }
  expect.fail(`expected a rejection with code ${code}`);
}
