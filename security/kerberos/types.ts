/**
 * Plain data types shared by the Kerberos modules (messages, keytab, ccache, client, GSS).
 * Field meanings follow RFC 4120 section 5; times are milliseconds since the epoch.
 */

/** RFC 4120 section 6.2 name types used here. */
export const NAME_TYPE = {
  UNKNOWN: 0,
  PRINCIPAL: 1,
  SRV_INST: 2,
  SRV_HST: 3,
} as const;

export interface PrincipalName {
  readonly nameType: number;
  readonly components: readonly string[];
}

/** A principal with its realm, e.g. nn/host@EXAMPLE.COM. */
export interface Principal {
  readonly name: PrincipalName;
  readonly realm: string;
}

export interface EncryptionKey {
  readonly etype: number;
  readonly value: Buffer;
}

/** A ticket and what its holder knows about it (as in a ccache or an AS/TGS reply). */
export interface Credential {
  readonly client: Principal;
  readonly server: Principal;
  readonly sessionKey: EncryptionKey;
  readonly authTime: number;
  readonly startTime: number;
  readonly endTime: number;
  readonly renewTill: number;
  /** RFC 4120 TicketFlags as a 32-bit number, bit 0 (reserved) the most significant. */
  readonly flags: number;
  /** The DER encoding of the Ticket (application tag 1). */
  readonly ticket: Buffer;
  readonly isSkey?: boolean;
}

export function principalToString(p: Principal): string {
  const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/\//g, '\\/').replace(/@/g, '\\@');
  return `${p.name.components.map(escape).join('/')}@${p.realm}`;
}
