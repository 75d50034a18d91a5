/*
 * A JDK ClientProtocol client for the hsec NameNode interop tests: what Hadoop's DFSClient does for
 * delegation tokens, written on the JDK alone. It composes IpcSaslClient (same package) for the
 * wire pieces (IPC v9 preamble, RpcSaslProto frames, protobuf helpers, SASL WRAP framing in
 * rawSendSize chunks with callId -33, JAAS Krb5LoginModule keytab login) and adds:
 *  - negotiation of KERBEROS (javax.security.sasl GSSAPI inside Subject.doAs) or TOKEN (DIGEST-MD5
 *    with the Base64 identifier as user name and the Base64 password, protocol/serverId from the
 *    server's SaslAuth, as Hadoop's SaslRpcClient does), printing the negotiated QOP;
 *  - the IpcConnectionContextProto (effectiveUser only for KERBEROS, as ProtoUtil does) and the
 *    ClientNamenodeProtocol calls getDelegationToken / renewDelegationToken with RequestHeaderProto
 *    {methodName, declaringClassProtocolName=org.apache.hadoop.hdfs.protocol.ClientProtocol,
 *    clientProtocolVersion=1}, messages hand-encoded from Hadoop's Security.proto
 *    (GetDelegationTokenRequestProto{renewer=1}, TokenProto{identifier=1,password=2,kind=3,service=4},
 *    RenewDelegationTokenRequestProto{token=1}, RenewDelegationTokenResponseProto{newExpiryTime=1}).
 * Written for hsec's tests; not Hadoop code.
 *
 * Usage: NameNodeTokenClient <host> <port> <qop-list> krb <principal> <keytab> <op>...
 *        NameNodeTokenClient <host> <port> <qop-list> token <identifier-b64> <password-b64> <op>...
 * With the JVM option -Dhsec.bindAddress=ADDRESS the socket is bound to that local address before
 * it connects (a client from 127.0.0.2 or 127.0.0.3 in the selective-encryption tests). The
 * qop-list is javax.security.sasl.qop (e.g. auth,auth-conf), negotiated as Hadoop's client does.
 * op: getdt:<renewer> | renew:<id-b64>:<pw-b64>:<kind-b64>:<service-b64>   (all on one connection)
 * Prints QOP=, SERVER=<protocol>/<serverId>, then per call either TOKEN=<id>:<pw>:<kind>:<service>
 * (Base64 fields), EXPIRY=<ms> or RPC_ERROR=<class>: <message>; a FATAL / SASL failure prints
 * ERROR=<class>: <message> and exits 2.
 */
import java.io.*;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.util.*;
import javax.security.auth.Subject;
import javax.security.auth.callback.*;
import javax.security.sasl.*;

public class NameNodeTokenClient {
  static final String CLIENT_PROTOCOL = "org.apache.hadoop.hdfs.protocol.ClientProtocol";
  static final Base64.Encoder B64 = Base64.getEncoder();
  static final Base64.Decoder D64 = Base64.getDecoder();

  public static void main(String[] a) throws Exception {
    if (a[3].equals("krb")) {
      Subject subject = GssSaslPeer.login(a[4], a[5], true);
      Subject.doAs(subject, (PrivilegedExceptionAction<Void>) () -> { run(a); return null; });
    } else {
      run(a);
    }
  }

  static void fatal(String what) {
    System.out.println("ERROR=" + what);
    System.out.flush();
    System.exit(2);
  }

  /** Status of a response header: prints FATAL and exits; returns false (after printing) on ERROR. */
  static boolean ok(Map<Integer, List<Object>> h) {
    long status = (Long) IpcSaslClient.first(h, 2);
    String err = IpcSaslClient.str(h, 4) + ": " + IpcSaslClient.str(h, 5);
    if (status == 2) fatal(err);
    if (status == 1) { System.out.println("RPC_ERROR=" + err); return false; }
    return true;
  }

  /** The SASL exchange of Hadoop's SaslRpcClient.saslConnect for one auth method. */
  static void negotiate(IpcSaslClient c, boolean krb, String qop, String ident, String pass) throws IOException {
    c.out.write(new byte[] {'h', 'r', 'p', 'c', 9, 0, (byte) 0xDF}); // version 9, RPC_SERVICE_CLASS_DEFAULT, SASL
    c.out.write(IpcSaslClient.frame(IpcSaslClient.SASL_HEADER, IpcSaslClient.saslMessage(1, null, null)));
    c.out.flush();
    while (true) {
      List<byte[]> parts = IpcSaslClient.split(c.readRawFrame());
      Map<Integer, List<Object>> h = IpcSaslClient.parse(parts.get(0));
      if ((int) (long) (Long) IpcSaslClient.first(h, 1) != -33) throw new IOException("non-SASL reply during negotiation");
      ok(h);
      Map<Integer, List<Object>> m = IpcSaslClient.parse(parts.get(1));
      int state = (int) (long) (Long) IpcSaslClient.first(m, 2);
      byte[] token = (byte[]) IpcSaslClient.first(m, 3);
      if (state == 1) { // NEGOTIATE
        String method = krb ? "KERBEROS" : "TOKEN", mech = krb ? "GSSAPI" : "DIGEST-MD5";
        Map<Integer, List<Object>> chosen = null;
        for (Object o : m.getOrDefault(4, List.of())) {
          Map<Integer, List<Object>> au = IpcSaslClient.parse((byte[]) o);
          if (method.equals(IpcSaslClient.str(au, 1)) && mech.equals(IpcSaslClient.str(au, 2))) { chosen = au; break; }
        }
        if (chosen == null) throw new IOException("server offers no " + method + " auth");
        String protocol = IpcSaslClient.str(chosen, 3), serverId = IpcSaslClient.str(chosen, 4);
        System.out.println("SERVER=" + protocol + "/" + serverId);
        Map<String, String> props = new HashMap<>();
        props.put(Sasl.QOP, qop);
        props.put(Sasl.SERVER_AUTH, "true");
        CallbackHandler cb = callbacks -> {
          for (Callback x : callbacks) {
            if (x instanceof NameCallback) ((NameCallback) x).setName(ident);
            else if (x instanceof PasswordCallback) ((PasswordCallback) x).setPassword(pass.toCharArray());
            else if (x instanceof RealmCallback) ((RealmCallback) x).setText(((RealmCallback) x).getDefaultText());
          }
        };
        c.sasl = Sasl.createSaslClient(new String[] {mech}, null, protocol, serverId, props, krb ? null : cb);
        byte[] initial = (byte[]) IpcSaslClient.first(chosen, 5);
        byte[] resp = c.sasl.hasInitialResponse() || initial != null
            ? c.sasl.evaluateChallenge(initial != null ? initial : new byte[0]) : new byte[0];
        Map<String, Object> auth = new HashMap<>();
        auth.put("method", method); auth.put("mechanism", mech); auth.put("protocol", protocol); auth.put("serverId", serverId);
        c.out.write(IpcSaslClient.frame(IpcSaslClient.SASL_HEADER, IpcSaslClient.saslMessage(2, resp, auth)));
      } else if (state == 3) { // CHALLENGE
        byte[] resp = c.sasl.evaluateChallenge(token);
        c.out.write(IpcSaslClient.frame(IpcSaslClient.SASL_HEADER, IpcSaslClient.saslMessage(4, resp == null ? new byte[0] : resp, null)));
      } else if (state == 0) { // SUCCESS
        if (token != null && c.sasl.evaluateChallenge(token) != null) throw new IOException("spurious SASL response");
        if (!c.sasl.isComplete()) throw new IOException("client is out of sync with server");
        break;
      } else {
        throw new IOException("unexpected SASL state " + state);
      }
      c.out.flush();
    }
    String negotiated = (String) c.sasl.getNegotiatedProperty(Sasl.QOP);
    c.wrap = negotiated != null && !"auth".equals(negotiated);
    if (c.wrap) c.rawSendSize = Integer.parseInt((String) c.sasl.getNegotiatedProperty(Sasl.RAW_SEND_SIZE));
    System.out.println("QOP=" + negotiated);
  }

  static byte[] tokenProto(byte[] id, byte[] pw, String kind, String service) {
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    IpcSaslClient.fBytes(t, 1, id); IpcSaslClient.fBytes(t, 2, pw); IpcSaslClient.fString(t, 3, kind); IpcSaslClient.fString(t, 4, service);
    return t.toByteArray();
  }

  static void run(String[] a) throws Exception {
    String host = a[0]; int port = Integer.parseInt(a[1]); String qop = a[2];
    boolean krb = a[3].equals("krb");
    String ident = a[4], pass = a[5];
    List<String> ops = Arrays.asList(a).subList(6, a.length);
    try (Socket s = new Socket()) {
      // -Dhsec.bindAddress=127.0.0.2: connect from that local address (selective-encryption tests).
      String bind = System.getProperty("hsec.bindAddress");
      if (bind != null) s.bind(new InetSocketAddress(bind, 0));
      s.connect(new InetSocketAddress(host, port));
      IpcSaslClient c = new IpcSaslClient(s);
      negotiate(c, krb, qop, ident, pass);
      byte[] clientId = new byte[16];
      new Random().nextBytes(clientId);
      // IpcConnectionContextProto{userInfo=2{effectiveUser=1}, protocol=3}; TOKEN: no userInfo.
      ByteArrayOutputStream ctx = new ByteArrayOutputStream();
      if (krb) {
        ByteArrayOutputStream ui = new ByteArrayOutputStream();
        IpcSaslClient.fString(ui, 1, ident);
        IpcSaslClient.fBytes(ctx, 2, ui.toByteArray());
      }
      IpcSaslClient.fString(ctx, 3, CLIENT_PROTOCOL);
      ByteArrayOutputStream pending = new ByteArrayOutputStream();
      pending.write(IpcSaslClient.frame(IpcSaslClient.requestHeader(-3, clientId, -1), ctx.toByteArray()));
      int callId = 0;
      for (String op : ops) {
        String[] f = op.split(":", -1);
        String method; byte[] request;
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        if (f[0].equals("getdt")) {
          method = "getDelegationToken";
          IpcSaslClient.fString(r, 1, f[1]);
        } else if (f[0].equals("renew")) {
          method = "renewDelegationToken";
          IpcSaslClient.fBytes(r, 1, tokenProto(D64.decode(f[1]), D64.decode(f[2]),
              new String(D64.decode(f[3]), StandardCharsets.UTF_8), new String(D64.decode(f[4]), StandardCharsets.UTF_8)));
        } else {
          throw new IllegalArgumentException("unknown op " + op);
        }
        request = r.toByteArray();
        pending.write(IpcSaslClient.frame(IpcSaslClient.requestHeader(callId, clientId, 0),
            IpcSaslClient.requestHeaderProto(method, CLIENT_PROTOCOL), request));
        c.send(pending.toByteArray());
        pending.reset();
        List<byte[]> parts = IpcSaslClient.split(c.readFrame());
        Map<Integer, List<Object>> h = IpcSaslClient.parse(parts.get(0));
        long gotId = (Long) IpcSaslClient.first(h, 1);
        if (gotId != callId) throw new IOException("response for call " + gotId + ", expected " + callId);
        callId++;
        if (!ok(h)) continue;
        Map<Integer, List<Object>> body = IpcSaslClient.parse(parts.get(1));
        if (method.equals("getDelegationToken")) {
          byte[] tok = (byte[]) IpcSaslClient.first(body, 1);
          if (tok == null) { System.out.println("TOKEN=none"); continue; }
          Map<Integer, List<Object>> t = IpcSaslClient.parse(tok);
          System.out.println("TOKEN=" + B64.encodeToString((byte[]) IpcSaslClient.first(t, 1)) + ":"
              + B64.encodeToString((byte[]) IpcSaslClient.first(t, 2)) + ":"
              + B64.encodeToString((byte[]) IpcSaslClient.first(t, 3)) + ":"
              + B64.encodeToString((byte[]) IpcSaslClient.first(t, 4)));
        } else {
          System.out.println("EXPIRY=" + IpcSaslClient.first(body, 1));
        }
      }
    } catch (SaslException e) {
      fatal(e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
