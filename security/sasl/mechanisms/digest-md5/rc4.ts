/**
 * RC4 (the "arcfour" keystream of RFC 2831 section 2.4's rc4, rc4-56 and rc4-40 ciphers), in
 * TypeScript for when Node's OpenSSL 3 has not loaded its legacy provider (where RC4 lives).
 * It is used only for DIGEST-MD5 auth-conf interoperability with peers that choose RC4; the
 * JDK and hsec clients prefer 3des. State persists across `update` calls, as the JDK's Cipher does.
 */
export class Rc4 {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Uint8Array) {
    const s = this.#s;
    for (let i = 0; i < 256; i++) s[i] = i;
    let j = 0;
    for (let i = 0; i < 256; i++) {
      j = (j + s[i]! + key[i % key.length]!) & 0xff;
      const t = s[i]!;
      s[i] = s[j]!;
      s[j] = t;
    }
  }

  /** XORs `data` with the next bytes of the keystream (encryption and decryption alike). */
  update(data: Uint8Array): Buffer {
    const s = this.#s;
    const out = Buffer.allocUnsafe(data.length);
    let i = this.#i;
    let j = this.#j;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      const si = s[i]!;
      j = (j + si) & 0xff;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      out[n] = data[n]! ^ s[(si + sj) & 0xff]!;
    }
    this.#i = i;
    this.#j = j;
    return out;
  }
}
