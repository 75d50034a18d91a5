/**
 * Byte equality without an early exit, for secrets such as keys compared to the snapshot a cache
 * was built from: its time depends on the length, not on where the bytes differ. In JavaScript
 * because for 8 to 64 bytes the native crypto.timingSafeEqual call costs more than the loop.
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
