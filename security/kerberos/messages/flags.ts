/**
 * KDCOptions, TicketFlags and APOptions (RFC 4120 sections 5.4.1, 5.3, 5.5.1; RFC 6806 for
 * canonicalize): KerberosFlags BIT STRINGs of 32 bits. Here a flag set is a 32-bit unsigned
 * number whose most significant bit is bit 0, the same layout MIT ccaches store ticket flags in.
 */

/** The mask of bit `n` (bit 0 is the most significant) in a 32-bit flag set. */
export const bit = (n: number): number => (0x80000000 >>> n) >>> 0;

export const KDC_OPTIONS = {
  FORWARDABLE: bit(1),
  FORWARDED: bit(2),
  PROXIABLE: bit(3),
  PROXY: bit(4),
  ALLOW_POSTDATE: bit(5),
  POSTDATED: bit(6),
  RENEWABLE: bit(8),
  CANONICALIZE: bit(15),
  DISABLE_TRANSITED_CHECK: bit(26),
  RENEWABLE_OK: bit(27),
  ENC_TKT_IN_SKEY: bit(28),
  RENEW: bit(30),
  VALIDATE: bit(31),
} as const;

export const TICKET_FLAGS = {
  FORWARDABLE: bit(1),
  FORWARDED: bit(2),
  PROXIABLE: bit(3),
  PROXY: bit(4),
  MAY_POSTDATE: bit(5),
  POSTDATED: bit(6),
  INVALID: bit(7),
  RENEWABLE: bit(8),
  INITIAL: bit(9),
  PRE_AUTHENT: bit(10),
  HW_AUTHENT: bit(11),
  TRANSITED_POLICY_CHECKED: bit(12),
  OK_AS_DELEGATE: bit(13),
  ENC_PA_REP: bit(15),
  ANONYMOUS: bit(16),
} as const;

export const AP_OPTIONS = {
  USE_SESSION_KEY: bit(1),
  MUTUAL_REQUIRED: bit(2),
} as const;

/** MIT klist's one-letter flag codes, in its order (klist.c `flags_string`). */
const KLIST_LETTERS: ReadonlyArray<[number, string]> = [
  [TICKET_FLAGS.FORWARDABLE, 'F'],
  [TICKET_FLAGS.FORWARDED, 'f'],
  [TICKET_FLAGS.PROXIABLE, 'P'],
  [TICKET_FLAGS.PROXY, 'p'],
  [TICKET_FLAGS.MAY_POSTDATE, 'D'],
  [TICKET_FLAGS.POSTDATED, 'd'],
  [TICKET_FLAGS.INVALID, 'i'],
  [TICKET_FLAGS.RENEWABLE, 'R'],
  [TICKET_FLAGS.INITIAL, 'I'],
  [TICKET_FLAGS.HW_AUTHENT, 'H'],
  [TICKET_FLAGS.PRE_AUTHENT, 'A'],
  [TICKET_FLAGS.TRANSITED_POLICY_CHECKED, 'T'],
  [TICKET_FLAGS.OK_AS_DELEGATE, 'O'],
  [TICKET_FLAGS.ANONYMOUS, 'a'],
];

/** Ticket flags as klist prints them, e.g. "FRIA". */
export function ticketFlagLetters(flags: number): string {
  return KLIST_LETTERS.filter(([mask]) => (flags & mask) !== 0).map(([, l]) => l).join('');
}

