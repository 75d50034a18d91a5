// Shared helpers of the protocol codec tests: hex conversion and "throws a typed error with this code".
import { expect } from 'chai';
import { HsecError } from '../../../lib/errors/index.ts';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** Runs `fn`, expects an HsecError of class `type` (default any) with `code`; returns it. */
export function expectCode(fn: () => unknown, code: string, type: abstract new (...args: never[]) => HsecError = HsecError): HsecError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(type);
    expect((e as HsecError).code, (e as Error).message).to.equal(code);
    return e as HsecError;
  }
  expect.fail(`expected a ${code} error`);
}
