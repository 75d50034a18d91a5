/**
 * The security layer of an exchange that negotiated QOP `auth`: there is nothing to wrap.
 * As with javax.security.sasl (IllegalStateException "Neither integrity nor privacy was
 * negotiated"), wrap/unwrap are errors; Hadoop never calls them when the QOP is `auth`.
 */
import { SaslError } from '../../lib/errors/index.ts';
import type { SaslSecurityLayer } from './mechanism.ts';

export class NoSecurityLayer implements SaslSecurityLayer {
  readonly qop = 'auth' as const;
  readonly rawSendSize: number;
  readonly #mechanism: string;

  constructor(mechanism: string, rawSendSize = 0) {
    this.#mechanism = mechanism;
    this.rawSendSize = rawSendSize;
  }

  wrap(): Uint8Array {
    throw this.#error();
  }

  unwrap(): Uint8Array {
    throw this.#error();
  }

  #error(): SaslError {
    return new SaslError('SASL_STATE', `${this.#mechanism} negotiated QOP auth: there is no security layer to wrap or unwrap with`, {
      mechanism: this.#mechanism,
      qop: 'auth',
    });
  }
}
