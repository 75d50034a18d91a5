/**
 * Helpers shared by the SASL state machines (docs/architecture.md): every mechanism keeps a named
 * `State` enum and one `step` function; a message that arrives in a state that does not expect it
 * is a typed SASL_STATE error naming the mechanism, the side and the state.
 */
import { SaslError } from '../../lib/errors/index.ts';

export type SaslSide = 'client' | 'server';

/** The SASL_STATE error for a step that the current state does not allow. */
export function unexpectedStep(mechanism: string, side: SaslSide, state: string, what = 'a step'): SaslError {
  return new SaslError(
    'SASL_STATE',
    `${mechanism} ${side} received ${what} in state ${state}; the exchange is finished or failed, start a new one`,
    { mechanism, side, state },
  );
}

/** The SASL_NOT_COMPLETE error for asking for the security layer before completion. */
export function notComplete(mechanism: string, side: SaslSide, state: string): SaslError {
  return new SaslError('SASL_NOT_COMPLETE', `${mechanism} ${side} has not completed authentication (state ${state}); no security layer yet`, {
    mechanism,
    side,
    state,
  });
}
