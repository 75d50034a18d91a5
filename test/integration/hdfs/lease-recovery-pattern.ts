// The bytes the dying writer of lease-recovery.test.ts writes (deterministic, so the test knows
// every byte the file must hold after recovery without the child telling it).
export function leaseRecoveryPattern(length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (i * 131 + (i >> 8)) & 0xff));
}
