/**
 * Per-message sequence and replay detection for received MIC/Wrap tokens (RFC 2743 section
 * 1.2.3, RFC 4121 section 4.2.2 SND_SEQ). Keeps the next expected number and a bitmap of the last
 * `size` numbers seen. With the sequence flag, gaps, duplicates, old and out-of-order tokens are
 * errors (as the JDK's GssKrb5Base.checkMessageProp makes them fatal for SASL); with only the replay
 * flag, duplicates and tokens too old to judge are. Failures are KerberosError GSS_SEQUENCE with
 * `details.kind` = 'gap' | 'duplicate' | 'old' | 'unsequenced'.
 */
import { KerberosError } from '../../../lib/errors/index.ts';

export type SequenceFault = 'gap' | 'duplicate' | 'old' | 'unsequenced';

export interface SequenceWindowOptions {
  /** Detect out-of-sequence tokens (GSS_C_SEQUENCE_FLAG). */
  readonly sequence: boolean;
  /** Detect replayed tokens (GSS_C_REPLAY_FLAG). */
  readonly replay: boolean;
  /** How many recent numbers are remembered. Default 64. */
  readonly size?: number;
}

export class SequenceWindow {
  #next: bigint;
  #seen = new Set<bigint>();
  readonly #opts: Required<SequenceWindowOptions>;

  constructor(initial: bigint, opts: SequenceWindowOptions) {
    this.#next = initial;
    this.#opts = { size: 64, ...opts };
  }

  /** The next number expected from the peer. */
  get expected(): bigint {
    return this.#next;
  }

  /** Records `seq`; throws GSS_SEQUENCE when the token must be rejected. */
  check(seq: bigint): void {
    const { sequence, replay } = this.#opts;
    if (!sequence && !replay) return;
    const fault = this.#classify(seq);
    if (fault === undefined) return;
    const fatal = sequence || fault === 'duplicate' || fault === 'old';
    if (fatal) {
      throw new KerberosError(
        'GSS_SEQUENCE',
        `GSS per-message token ${fault === 'gap' ? 'skips ahead' : `is ${fault === 'unsequenced' ? 'out of order' : fault}`}: ` +
          `sequence number ${seq}, expected ${this.#expectedBefore}. A token was lost, replayed or reordered ` +
          'on the connection; the security layer cannot continue safely: reconnect.',
        { kind: fault, seq: seq.toString(), expected: this.#expectedBefore.toString() },
      );
    }
  }

  #expectedBefore = 0n;

  #classify(seq: bigint): SequenceFault | undefined {
    this.#expectedBefore = this.#next;
    const size = BigInt(this.#opts.size);
    if (seq === this.#next) {
      this.#remember(seq);
      this.#next = seq + 1n;
      return undefined;
    }
    if (seq > this.#next) {
      this.#remember(seq);
      this.#next = seq + 1n;
      return 'gap';
    }
    if (this.#next - seq > size) return 'old';
    if (this.#seen.has(seq)) return 'duplicate';
    this.#remember(seq);
    return 'unsequenced';
  }

  #remember(seq: bigint): void {
    this.#seen.add(seq);
    const floor = seq - BigInt(this.#opts.size);
    if (this.#seen.size > this.#opts.size * 2) {
      for (const s of this.#seen) if (s <= floor) this.#seen.delete(s);
    }
  }
}
