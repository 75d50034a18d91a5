/**
 * The GSSAPI SASL security layer (RFC 4752 section 3.3, the JDK's GssKrb5Base.wrap/unwrap): each
 * SASL buffer is one RFC 4121 Wrap token, sealed for auth-conf and integrity-only for auth-int.
 * Received tokens are sequence-checked by the GSS context (a duplicate, gap or old token is fatal,
 * as GssKrb5Base.checkMessageProp makes it), and under auth-conf an unsealed token is refused.
 */
import { SaslError } from '../../../../lib/errors/index.ts';
import type { GssSecurityContext } from '../../../kerberos/gss/security-context.ts';
import type { SaslSecurityLayer } from '../../mechanism.ts';

export class GssSaslSecurityLayer implements SaslSecurityLayer {
  readonly qop: 'auth-int' | 'auth-conf';
  readonly rawSendSize: number;
  readonly #context: GssSecurityContext;
  readonly #conf: boolean;

  constructor(context: GssSecurityContext, qop: 'auth-int' | 'auth-conf', rawSendSize: number) {
    this.#context = context;
    this.qop = qop;
    this.#conf = qop === 'auth-conf';
    this.rawSendSize = rawSendSize;
  }

  wrap(plaintext: Uint8Array): Uint8Array {
    if (this.rawSendSize > 0 && plaintext.length > this.rawSendSize) {
      throw new SaslError(
        'SASL_STATE',
        `GSSAPI wrap of ${plaintext.length} bytes exceeds the negotiated raw send size ${this.rawSendSize}; split the data`,
        { mechanism: 'GSSAPI', qop: this.qop, length: plaintext.length },
      );
    }
    return this.#context.wrap(plaintext, this.#conf);
  }

  unwrap(token: Uint8Array): Uint8Array {
    const r = this.#context.unwrap(token);
    if (this.#conf && !r.conf) {
      throw new SaslError('SASL_INTEGRITY', 'GSSAPI peer sent an unencrypted buffer although auth-conf (privacy) was negotiated', {
        mechanism: 'GSSAPI',
        qop: this.qop,
      });
    }
    return r.data;
  }
}
