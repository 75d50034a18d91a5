import { expect } from 'chai';
import { DataOutput } from '../../../lib/codec/index.ts';
import { InvalidTokenError, ProtocolError } from '../../../lib/errors/index.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { KeyRing } from '../../../security/token/keys/key-ring.ts';
import { trackingId } from '../../../security/token/token-identifier.ts';
import { Token } from '../../../security/token/token.ts';
import { createHash } from 'node:crypto';

const fields = {
  owner: 'alice@EXAMPLE.COM', renewer: 'yarn', realUser: '', issueDate: 1700000000000,
  maxDate: 1700604800000, sequenceNumber: 42, masterKeyId: 7,
};
// identifier bytes from the Hadoop 3.4.1 vector (test/vectors/hdts-credentials.json)
const VECTOR_ID = '0011616c696365404558414d504c452e434f4d047961726e008a018bcfe568008a018bf3f1ec002a07';

describe('token/DelegationTokenIdentifier (ADTI Writable)', () => {
  it('serializes as Hadoop 3.4.1 does and keeps the raw bytes', () => {
    const id = DelegationTokenIdentifier.create('HDFS_DELEGATION_TOKEN', fields);
    expect(Buffer.from(id.bytes).toString('hex')).to.equal(VECTOR_ID);
    const back = DelegationTokenIdentifier.decode(Buffer.from(VECTOR_ID, 'hex'));
    expect(back.fields()).to.deep.equal(fields);
    expect(back.cacheKey).to.equal(id.cacheKey);
    expect(trackingId(back.bytes)).to.equal(createHash('md5').update(Buffer.from(VECTOR_ID, 'hex')).digest('hex'));
  });

  it('normalises the renewer through the injected short-name function', () => {
    const id = DelegationTokenIdentifier.create('HDFS_DELEGATION_TOKEN', { ...fields, renewer: 'yarn/rm@EXAMPLE.COM' }, (n) => `mapped-${n.length}`);
    expect(id.renewer).to.equal('mapped-19');
  });

  it('getUser: owner, proxy with real user, none when owner is empty', () => {
    expect(DelegationTokenIdentifier.create('kms-dt', fields).user()).to.deep.equal({ userName: 'alice@EXAMPLE.COM' });
    expect(DelegationTokenIdentifier.create('kms-dt', { ...fields, realUser: 'oozie@EXAMPLE.COM' }).user())
      .to.deep.equal({ userName: 'alice@EXAMPLE.COM', realUser: 'oozie@EXAMPLE.COM' });
    expect(DelegationTokenIdentifier.create('kms-dt', { ...fields, owner: '' }).user()).to.equal(undefined);
  });

  it('toString / toStringStable follow the HDFS subclass (3.x) or the ADTI form by kind', () => {
    const hdfs = DelegationTokenIdentifier.create('HDFS_DELEGATION_TOKEN', fields);
    expect(hdfs.toString()).to.equal('token for alice: HDFS_DELEGATION_TOKEN owner=alice@EXAMPLE.COM, renewer=yarn, realUser=, issueDate=1700000000000, maxDate=1700604800000, sequenceNumber=42, masterKeyId=7');
    expect(hdfs.toStringStable()).to.equal('HDFS_DELEGATION_TOKEN token 42 for alice with renewer yarn');
    expect(DelegationTokenIdentifier.create('kms-dt', fields).toStringStable()).to.equal('owner=alice@EXAMPLE.COM, renewer=yarn, realUser=, issueDate=1700000000000, maxDate=1700604800000, sequenceNumber=42, masterKeyId=7');
    expect(DelegationTokenIdentifier.create('kms-dt', fields).toString()).to.equal(
      'kms-dt owner=alice@EXAMPLE.COM, renewer=yarn, realUser=, issueDate=1700000000000, maxDate=1700604800000, sequenceNumber=42, masterKeyId=7');
  });

  it('rejects an unknown version, truncation and oversized names with TOKEN_BAD_FORMAT', () => {
    const bytes = Buffer.from(VECTOR_ID, 'hex');
    const v1 = Buffer.from(bytes);
    v1[0] = 1;
    expect(() => DelegationTokenIdentifier.decode(v1)).to.throw(InvalidTokenError, 'Unknown version of delegation token 1');
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => DelegationTokenIdentifier.decode(bytes.subarray(0, cut))).to.throw(InvalidTokenError);
    }
    const huge = new DataOutput().writeByte(0).writeVInt(1024 * 1024 + 1).toBytes();
    try {
      DelegationTokenIdentifier.decode(huge);
      expect.fail('decoded');
    } catch (e) {
      expect((e as InvalidTokenError).code).to.equal('TOKEN_BAD_FORMAT');
      expect(((e as InvalidTokenError).cause as ProtocolError).code).to.equal('PROTOCOL_TOO_LARGE');
    }
    // a token of unknown structure still prints as hex
    expect(new Token(v1, new Uint8Array(0), 'HDFS_DELEGATION_TOKEN', '').toString()).to.match(/Ident: 01 11 61/);
  });
});

describe('token/keys DelegationKey + KeyRing', () => {
  it('DelegationKey Writable: keyId vint, expiry vlong, vint length (-1 = none), bytes', () => {
    const k = new DelegationKey(3, 1700000000000, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect(Buffer.from(k.encode()).toString('hex')).to.equal('038a018bcfe56800080102030405060708');
    expect(DelegationKey.decode(k.encode())).to.deep.equal(k);
    const none = new DelegationKey(1, 5, null);
    expect(Buffer.from(none.encode()).toString('hex')).to.equal('0105ff');
    expect(DelegationKey.decode(none.encode()).key).to.equal(null);
    expect(() => DelegationKey.decode(Buffer.from('0105fe', 'hex'))).to.throw(ProtocolError);
    expect(k.toString()).to.not.contain('0102');
  });

  it('KeyRing: a roll is planned without changing the ring, then applied (expired keys but not the current go, the current retires)', () => {
    const ring = new KeyRing();
    ring.setCurrent(new DelegationKey(1, 100, Uint8Array.of(1)));
    ring.add(new DelegationKey(0, 50, Uint8Array.of(0)));
    const plan = ring.planRoll(200, 1000);
    expect(plan.removed).to.deep.equal([0]);
    expect(plan.retired!.keyId).to.equal(1);
    expect(plan.retired!.expiryDate).to.equal(1200); // now + maxLifetime
    expect(ring.get(0)).to.not.equal(undefined); // nothing applied yet
    expect(ring.get(1)!.expiryDate).to.equal(100);
    ring.applyRoll(plan, new DelegationKey(2, 5000, Uint8Array.of(2)));
    expect(ring.get(0)).to.equal(undefined);
    expect(ring.get(1)!.expiryDate).to.equal(1200);
    expect(ring.current!.keyId).to.equal(2);
  });
});
