/**
 * A tiny test-only SASL mechanism pair ("TEST-KRB") standing in for GSSAPI in state-machine tests:
 * client-first, two server rounds (like the GSSAPI security-layer negotiation), a security layer
 * whose wrap prefixes a sequence number and XORs the data (reversible, detects reordering).
 * Not a security mechanism: it only exercises the RPC state machines.
 */
import type { SaslClient, SaslSecurityLayer, SaslServer, Qop } from '../../../../security/sasl/mechanism.ts';
import { SaslError } from '../../../../lib/errors/index.ts';

class XorLayer implements SaslSecurityLayer {
  #sendSeq = 0;
  #recvSeq = 0;
  constructor(readonly qop: Qop, readonly rawSendSize: number) {}
  wrap(p: Uint8Array): Uint8Array {
    const out = Buffer.alloc(4 + p.length);
    out.writeUInt32BE(this.#sendSeq++);
    for (let i = 0; i < p.length; i++) out[4 + i] = p[i]! ^ 0x5a;
    return out;
  }
  unwrap(t: Uint8Array): Uint8Array {
    const b = Buffer.from(t);
    if (b.readUInt32BE(0) !== this.#recvSeq++) throw new SaslError('SASL_SEQUENCE', 'out of order', {});
    return Uint8Array.from(b.subarray(4), (x) => x ^ 0x5a);
  }
}

export class TestKrbClient implements SaslClient {
  readonly mechanism = 'GSSAPI';
  readonly hasInitialResponse = true;
  #round = 0;
  #done = false;
  constructor(readonly user: string, readonly qop: Qop, readonly rawSendSize = 64) {}
  get isComplete(): boolean {
    return this.#done;
  }
  async step(challenge: Uint8Array | undefined): Promise<Uint8Array | undefined> {
    const c = Buffer.from(challenge ?? []).toString();
    switch (this.#round++) {
      case 0:
        return Buffer.from(`hello ${this.user}`);
      case 1:
        if (c !== 'c1') throw new SaslError('SASL_BAD_CHALLENGE', `bad c1 ${c}`, {});
        return new Uint8Array(0);
      case 2:
        if (c !== `offer`) throw new SaslError('SASL_BAD_CHALLENGE', `bad offer ${c}`, {});
        this.#done = true;
        return Buffer.from(`choose ${this.qop}`);
      default:
        throw new SaslError('SASL_STATE', 'too many steps', {});
    }
  }
  securityLayer(): SaslSecurityLayer {
    return new XorLayer(this.qop, this.rawSendSize);
  }
}

export class TestKrbServer implements SaslServer {
  readonly mechanism = 'GSSAPI';
  #round = 0;
  #done = false;
  #user: string | undefined;
  #qop: Qop = 'auth';
  constructor(readonly allowed: readonly Qop[], readonly rawSendSize = 64) {}
  get isComplete(): boolean {
    return this.#done;
  }
  get authenticationId(): string | undefined {
    return this.#user;
  }
  get authorizationId(): string | undefined {
    return this.#user;
  }
  async step(response: Uint8Array): Promise<Uint8Array | undefined> {
    const r = Buffer.from(response).toString();
    switch (this.#round++) {
      case 0:
        if (!r.startsWith('hello ')) throw new SaslError('SASL_BAD_RESPONSE', 'no hello', {});
        this.#user = r.slice(6);
        return Buffer.from('c1');
      case 1:
        return Buffer.from('offer');
      case 2: {
        const q = r.replace('choose ', '') as Qop;
        if (!this.allowed.includes(q)) throw new SaslError('SASL_NO_COMMON_QOP', `qop ${q} not allowed`, {});
        this.#qop = q;
        this.#done = true;
        return undefined;
      }
      default:
        throw new SaslError('SASL_STATE', 'too many steps', {});
    }
  }
  securityLayer(): SaslSecurityLayer {
    return new XorLayer(this.#qop, this.rawSendSize);
  }
}
