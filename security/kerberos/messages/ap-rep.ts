/**
 * AP-REP and EncAPRepPart (RFC 4120 section 5.5.2). AP-REP ::= [APPLICATION 15] SEQUENCE { pvno
 * [0], msg-type [1], enc-part [2] EncryptedData } encrypted with the session key, key usage 12;
 * EncAPRepPart ::= [APPLICATION 27] SEQUENCE { ctime [0], cusec [1], subkey [2] OPT, seq-number
 * [3] UInt32 OPT }.
 */
import type { EncryptionKey } from '../types.ts';
import { checkHeader } from './ap-req.ts';
import { APP_TAG, MSG_TYPE, PVNO } from './constants.ts';
import { app, asApp, asInt, asTime, int, ktime, parseDer, seq, toDer, type Asn } from './der.ts';
import { encryptedDataFromAsn, encryptedDataToAsn, encryptionKeyFromAsn, encryptionKeyToAsn, type EncryptedData } from './encryption.ts';

export interface ApRep {
  readonly encPart: EncryptedData;
}

export interface EncApRepPart {
  readonly ctime: number;
  readonly cusec: number;
  readonly subkey?: EncryptionKey;
  readonly seqNumber?: number;
}

export function encodeApRep(r: ApRep): Buffer {
  return toDer(app(MSG_TYPE.AP_REP, seq({ 0: int(PVNO), 1: int(MSG_TYPE.AP_REP), 2: encryptedDataToAsn(r.encPart) })));
}

export function apRepFromAsn(block: Asn, what = 'AP-REP'): ApRep {
  const f = asApp(block, MSG_TYPE.AP_REP, what);
  checkHeader(f, 0, MSG_TYPE.AP_REP, what);
  return { encPart: encryptedDataFromAsn(f.req(2, 'enc-part'), f.path('enc-part')) };
}

export const decodeApRep = (der: Uint8Array): ApRep => apRepFromAsn(parseDer(der, 'AP-REP'));

export function encodeEncApRepPart(p: EncApRepPart): Buffer {
  return toDer(
    app(
      APP_TAG.ENC_AP_REP_PART,
      seq({
        0: ktime(p.ctime),
        1: int(p.cusec),
        2: p.subkey ? encryptionKeyToAsn(p.subkey) : undefined,
        3: p.seqNumber === undefined ? undefined : int(p.seqNumber),
      }),
    ),
  );
}

export function decodeEncApRepPart(der: Uint8Array): EncApRepPart {
  const what = 'EncAPRepPart';
  const f = asApp(parseDer(der, what), APP_TAG.ENC_AP_REP_PART, what);
  const [subkey, seqNo] = [f.opt(2), f.opt(3)];
  return {
    ctime: asTime(f.req(0, 'ctime'), f.path('ctime')),
    cusec: asInt(f.req(1, 'cusec'), f.path('cusec')),
    ...(subkey ? { subkey: encryptionKeyFromAsn(subkey, f.path('subkey')) } : {}),
    ...(seqNo ? { seqNumber: asInt(seqNo, f.path('seq-number')) >>> 0 } : {}),
  };
}
