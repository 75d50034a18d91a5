import { expect } from 'chai';
import { AccessControlError, AuthenticationError, InvalidTokenError, KerberosError, ProtocolError, RemoteError, SaslError } from '../../../lib/errors/index.ts';
import { errorToRemote, remoteToError, saslFailureToRemote, trueCause, JavaException } from '../../../lib/rpc/remote-exception.ts';

describe('rpc/remote-exception', () => {
  it('maps known Hadoop classes to typed families, keeping class, message and error code name', () => {
    const cases: [string, new (...a: never[]) => Error, string][] = [
      [JavaException.INVALID_TOKEN, InvalidTokenError, 'TOKEN_INVALID'],
      [JavaException.ACCESS_CONTROL, AccessControlError, 'ACCESS_DENIED'],
      [JavaException.AUTHORIZATION, AccessControlError, 'ACCESS_DENIED'],
      [JavaException.SASL, SaslError, 'SASL_AUTH_FAILED'],
    ];
    for (const [cls, Type, code] of cases) {
      const e = remoteToError({ exceptionClassName: cls, errorMsg: 'why', errorDetail: 15, fatal: true, remoteAddress: '127.0.0.1:1' });
      expect(e).to.be.instanceOf(Type);
      expect(e.code).to.equal(code);
      expect(e.details).to.include({ exceptionClassName: cls, errorMsg: 'why', errorDetail: 'FATAL_UNAUTHORIZED', fatal: true });
      expect(e.cause).to.be.instanceOf(RemoteError);
    }
  });

  it('unknown classes become RemoteError RPC_REMOTE', () => {
    const e = remoteToError({ exceptionClassName: 'java.io.FileNotFoundException', errorMsg: 'File does not exist: /x', errorDetail: 1, fatal: false });
    expect(e).to.be.instanceOf(RemoteError);
    expect(e.code).to.equal('RPC_REMOTE');
    expect(e.message).to.equal('java.io.FileNotFoundException: File does not exist: /x');
    expect(e.details.errorDetail).to.equal('ERROR_APPLICATION');
  });

  it('our errors become the Java class a Hadoop client expects; explicit classes pass through', () => {
    expect(errorToRemote(new InvalidTokenError('TOKEN_EXPIRED', 'token expired', {}))).to.deep.equal({ exceptionClassName: JavaException.INVALID_TOKEN, errorMsg: 'token expired' });
    expect(errorToRemote(new AccessControlError('ACCESS_DENIED', 'no', {})).exceptionClassName).to.equal(JavaException.ACCESS_CONTROL);
    expect(errorToRemote(new AuthenticationError('AUTH_FAILED', 'no', {})).exceptionClassName).to.equal(JavaException.ACCESS_CONTROL);
    expect(errorToRemote(new SaslError('SASL_AUTH_FAILED', 'no', {})).exceptionClassName).to.equal(JavaException.SASL);
    expect(errorToRemote(new RemoteError('RPC_REMOTE', 'standby', { exceptionClassName: JavaException.STANDBY })).exceptionClassName).to.equal(JavaException.STANDBY);
    expect(errorToRemote(new ProtocolError('PROTOCOL_MALFORMED', 'bad', {})).exceptionClassName).to.equal(JavaException.IO);
    expect(errorToRemote(new TypeError('boom'))).to.deep.equal({ exceptionClassName: 'java.io.IOException', errorMsg: 'boom' });
  });

  it('trueCause digs an InvalidToken or Retriable/Standby cause out of a SASL failure (Server.getTrueCause)', () => {
    const inv = new InvalidTokenError('TOKEN_UNKNOWN', 'gone', {});
    const sasl = new SaslError('SASL_AUTH_FAILED', 'digest failed', {}, { cause: inv });
    expect(trueCause(sasl)).to.equal(inv);
    const standby = new RemoteError('RPC_REMOTE', 'standby', { exceptionClassName: JavaException.STANDBY });
    expect(trueCause(new SaslError('SASL_AUTH_FAILED', 'x', {}, { cause: standby }))).to.equal(standby);
    const plain = new SaslError('SASL_AUTH_FAILED', 'x', {}, { cause: new Error('other') });
    expect(trueCause(plain)).to.equal(plain);
  });

  it('SASL-phase failures (Server.saslProcess): InvalidToken/Retriable/Standby/AccessControl keep their class, anything else is SaslException', () => {
    expect(saslFailureToRemote(new KerberosError('KRB_CLOCK_SKEW', 'clock skew too great', {}))).to.deep.equal({ exceptionClassName: JavaException.SASL, errorMsg: 'clock skew too great' });
    expect(saslFailureToRemote(new AuthenticationError('AUTH_FAILED', 'bad ticket', {})).exceptionClassName).to.equal(JavaException.SASL);
    expect(saslFailureToRemote(new ProtocolError('PROTOCOL_MALFORMED', 'bad token', {})).exceptionClassName).to.equal(JavaException.SASL);
    expect(saslFailureToRemote(new TypeError('boom')).exceptionClassName).to.equal(JavaException.SASL);
    expect(saslFailureToRemote(new SaslError('SASL_AUTH_FAILED', 'x', {}, { cause: new InvalidTokenError('TOKEN_UNKNOWN', 'gone', {}) })).exceptionClassName).to.equal(JavaException.INVALID_TOKEN);
    expect(saslFailureToRemote(new AccessControlError('ACCESS_DENIED', 'TOKEN authentication is not enabled.', {})).exceptionClassName).to.equal(JavaException.ACCESS_CONTROL);
    const standby = new RemoteError('RPC_REMOTE', 'standby', { exceptionClassName: JavaException.STANDBY });
    expect(saslFailureToRemote(new SaslError('SASL_AUTH_FAILED', 'x', {}, { cause: standby })).exceptionClassName).to.equal(JavaException.STANDBY);
  });
});
