/**
 * The receive buffer of one DataNode stream: chunks as they arrive, read from the front. A
 * data-transfer connection changes framing mid-stream (op request, then packets; or a response,
 * then acks or packets), so the frame readers in this folder (`tryReadOpRequest`, `tryReadDelimited`,
 * `tryReadPacket`) all take the same queue and return `undefined` until a whole frame is there,
 * consuming nothing in that case. Pure: the socket glue pushes what it reads.
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  /** index of the first unread chunk (chunks before it are spent; dropped in #compact) */
  #head = 0;
  #length = 0;

  /** Bytes buffered and not yet read. */
  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** The first `n` bytes without consuming them (n <= length). */
  peek(n: number): Uint8Array {
    const first = this.#chunks[this.#head];
    if (first && first.length >= n) return first.subarray(0, n);
    return this.#gather(n, false);
  }

  /** Removes and returns the first `n` bytes (n <= length). */
  take(n: number): Uint8Array {
    const first = this.#chunks[this.#head];
    if (first && first.length >= n) {
      this.#consume(first, n);
      return first.subarray(0, n);
    }
    return this.#gather(n, true);
  }

  /** Everything buffered (e.g. to hand the rest of a stream to another reader). */
  takeAll(): Uint8Array {
    return this.take(this.#length);
  }

  /** Drops `n` bytes of the head chunk `c`. */
  #consume(c: Uint8Array, n: number): void {
    if (n === c.length) this.#head++;
    else this.#chunks[this.#head] = c.subarray(n);
    this.#length -= n;
    if (this.#head > 64 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  #gather(n: number, consume: boolean): Uint8Array {
    if (n > this.#length) throw new RangeError(`ByteQueue: ${n} bytes asked, ${this.#length} buffered`);
    const out = Buffer.allocUnsafeSlow(n); // every byte is set below; a packet spans two socket reads, so this runs per packet
    let at = 0;
    let i = this.#head;
    while (at < n) {
      const c = this.#chunks[consume ? this.#head : i++]!;
      const k = Math.min(n - at, c.length);
      out.set(c.subarray(0, k), at);
      at += k;
      if (consume) this.#consume(c, k);
    }
    return out;
  }
}
