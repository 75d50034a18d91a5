/**
 * The receive buffer of one DataNode stream: chunks as they arrive, read from the front. A
 * data-transfer connection changes framing mid-stream (op request, then packets; or a response,
 * then acks or packets), so the frame readers in this folder (`tryReadOpRequest`, `tryReadDelimited`,
 * `tryReadPacket`) all take the same queue and return `undefined` until a whole frame is there,
 * consuming nothing in that case. Pure: the socket glue pushes what it reads.
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
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
    const first = this.#chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    return this.#gather(n, false);
  }

  /** Removes and returns the first `n` bytes (n <= length). */
  take(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first && first.length >= n) {
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#length -= n;
      return first.subarray(0, n);
    }
    return this.#gather(n, true);
  }

  /** Everything buffered (e.g. to hand the rest of a stream to another reader). */
  takeAll(): Uint8Array {
    return this.take(this.#length);
  }

  #gather(n: number, consume: boolean): Uint8Array {
    if (n > this.#length) throw new RangeError(`ByteQueue: ${n} bytes asked, ${this.#length} buffered`);
    const out = new Uint8Array(n);
    let at = 0;
    let i = 0;
    while (at < n) {
      const c = this.#chunks[i]!;
      const k = Math.min(n - at, c.length);
      out.set(c.subarray(0, k), at);
      at += k;
      if (consume) {
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      } else i++;
    }
    if (consume) this.#length -= n;
    return out;
  }
}
