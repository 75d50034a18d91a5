/*
 * A JDK Hadoop-IPC client for interop tests: speaks the IPC v9 preamble, RpcSaslProto negotiation
 * (TOKEN via the JDK's own javax.security.sasl DIGEST-MD5, with Hadoop's conventions: protocol "",
 * server "default", Base64 identifier / password), the connection context and protobuf-engine
 * calls, with SASL wrapping (rawSendSize chunks) when the QOP is auth-int / auth-conf. The few
 * protobuf messages are hand-encoded (field numbers from Hadoop's RpcHeader.proto,
 * IpcConnectionContext.proto, ProtobufRpcEngine2.proto). Written for hsec's tests; not Hadoop code.
 *
 * KERBEROS: pass `krb:<principal>` and the keytab path instead of the token identifier and password;
 * the JDK's GSSAPI then runs inside Subject.doAs after a JAAS Krb5LoginModule keytab login (as
 * UserGroupInformation.loginUserFromKeytab does), with java.security.krb5.conf from the JVM options.
 *
 * Usage: IpcSaslClient <host> <port> <protocol> <qop-list> <identifier-b64> <password-b64> <payload-bytes>
 * Prints QOP=..., WHOAMI=<json>, ECHO=OK|MISMATCH, or ERROR=<class>: <message> and exits 0 / 2.
 */
import java.io.*;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.*;
import javax.security.auth.callback.*;
import javax.security.sasl.*;
import javax.security.auth.Subject;
import java.security.PrivilegedExceptionAction;

public class IpcSaslClient {
  // ---- protobuf encoding ----
  static void varint(ByteArrayOutputStream o, long v) {
    while ((v & ~0x7FL) != 0) { o.write((int) ((v & 0x7F) | 0x80)); v >>>= 7; }
    o.write((int) v);
  }
  static void tag(ByteArrayOutputStream o, int field, int wire) { varint(o, (field << 3) | wire); }
  static void fVarint(ByteArrayOutputStream o, int field, long v) { tag(o, field, 0); varint(o, v); }
  static void fSint32(ByteArrayOutputStream o, int field, int v) { tag(o, field, 0); varint(o, ((v << 1) ^ (v >> 31)) & 0xFFFFFFFFL); }
  static void fBytes(ByteArrayOutputStream o, int field, byte[] b) { tag(o, field, 2); varint(o, b.length); o.write(b, 0, b.length); }
  static void fString(ByteArrayOutputStream o, int field, String s) { fBytes(o, field, s.getBytes(StandardCharsets.UTF_8)); }
  static byte[] delimited(byte[]... msgs) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] m : msgs) { varint(o, m.length); o.write(m, 0, m.length); }
    return o.toByteArray();
  }
  static byte[] frame(byte[]... msgs) {
    byte[] body = delimited(msgs);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(body.length >>> 24); o.write(body.length >>> 16); o.write(body.length >>> 8); o.write(body.length);
    o.write(body, 0, body.length);
    return o.toByteArray();
  }
  /** RpcRequestHeaderProto: rpcKind=2, rpcOp=0, callId (sint32), clientId, retryCount (sint32). */
  static byte[] requestHeader(int callId, byte[] clientId, int retry) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    fVarint(o, 1, 2); fVarint(o, 2, 0); fSint32(o, 3, callId); fBytes(o, 4, clientId); fSint32(o, 5, retry);
    return o.toByteArray();
  }
  static final byte[] SASL_HEADER = requestHeader(-33, new byte[0], -1);

  static byte[] saslMessage(int state, byte[] token, Map<String, Object> auth) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    fVarint(o, 2, state);
    if (token != null) fBytes(o, 3, token);
    if (auth != null) {
      ByteArrayOutputStream a = new ByteArrayOutputStream();
      fString(a, 1, (String) auth.get("method"));
      fString(a, 2, (String) auth.get("mechanism"));
      if (auth.get("protocol") != null) fString(a, 3, (String) auth.get("protocol"));
      if (auth.get("serverId") != null) fString(a, 4, (String) auth.get("serverId"));
      fBytes(o, 4, a.toByteArray());
    }
    return o.toByteArray();
  }

  // ---- protobuf decoding ----
  static final class Reader {
    final byte[] b; int p; final int end;
    Reader(byte[] b, int p, int end) { this.b = b; this.p = p; this.end = end; }
    boolean more() { return p < end; }
    long varint() { long r = 0; int s = 0; while (true) { int x = b[p++] & 0xFF; r |= (long) (x & 0x7F) << s; if ((x & 0x80) == 0) return r; s += 7; } }
    byte[] bytes() { int n = (int) varint(); byte[] r = Arrays.copyOfRange(b, p, p + n); p += n; return r; }
    void skip(int wire) { if (wire == 0) varint(); else if (wire == 2) bytes(); else if (wire == 1) p += 8; else if (wire == 5) p += 4; else throw new IllegalStateException("wire " + wire); }
  }
  static Map<Integer, List<Object>> parse(byte[] msg) {
    Map<Integer, List<Object>> m = new HashMap<>();
    Reader r = new Reader(msg, 0, msg.length);
    while (r.more()) {
      int t = (int) r.varint(); int f = t >>> 3, w = t & 7;
      Object v = w == 0 ? (Object) r.varint() : w == 2 ? (Object) r.bytes() : null;
      if (v == null) r.skip(w);
      m.computeIfAbsent(f, k -> new ArrayList<>()).add(v);
    }
    return m;
  }
  static Object first(Map<Integer, List<Object>> m, int f) { List<Object> l = m.get(f); return l == null ? null : l.get(0); }
  static String str(Map<Integer, List<Object>> m, int f) { Object v = first(m, f); return v == null ? null : new String((byte[]) v, StandardCharsets.UTF_8); }
  /** Splits a frame payload into its delimited messages. */
  static List<byte[]> split(byte[] payload) {
    List<byte[]> out = new ArrayList<>();
    Reader r = new Reader(payload, 0, payload.length);
    while (r.more()) out.add(r.bytes());
    return out;
  }

  // ---- connection ----
  final DataInputStream in; final OutputStream out;
  SaslClient sasl; boolean wrap; int rawSendSize;
  ByteArrayInputStream unwrapped = new ByteArrayInputStream(new byte[0]);

  IpcSaslClient(Socket s) throws IOException {
    in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
    out = s.getOutputStream();
  }

  byte[] readRawFrame() throws IOException {
    int len = in.readInt();
    byte[] b = new byte[len]; in.readFully(b); return b;
  }
  /**
   * Next plaintext response frame payload. With a security layer the plaintext is one stream across
   * WRAP packets (as Hadoop's SaslRpcClient.WrappedInputStream reads it): refill until enough bytes.
   */
  byte[] readFrame() throws IOException {
    if (!wrap) return readRawFrame();
    byte[] len = readPlain(4);
    int n = ((len[0] & 0xFF) << 24) | ((len[1] & 0xFF) << 16) | ((len[2] & 0xFF) << 8) | (len[3] & 0xFF);
    return readPlain(n);
  }
  byte[] readPlain(int n) throws IOException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    while (o.size() < n) {
      if (unwrapped.available() == 0) {
        List<byte[]> parts = split(readRawFrame());
        Map<Integer, List<Object>> h = parse(parts.get(0));
        if ((int) (long) (Long) first(h, 1) != -33) throw new IOException("Server sent non-wrapped response");
        Map<Integer, List<Object>> s = parse(parts.get(1));
        if ((long) (Long) first(s, 2) != 5) throw new IOException("expected WRAP");
        byte[] tok = (byte[]) first(s, 3);
        unwrapped = new ByteArrayInputStream(sasl.unwrap(tok, 0, tok.length));
      }
      byte[] buf = new byte[Math.min(n - o.size(), unwrapped.available())];
      int got = unwrapped.read(buf, 0, buf.length);
      o.write(buf, 0, got);
    }
    return o.toByteArray();
  }
  void send(byte[] plainFrames) throws IOException {
    if (!wrap) { out.write(plainFrames); out.flush(); return; }
    for (int at = 0; at < plainFrames.length; at += rawSendSize) {
      int n = Math.min(rawSendSize, plainFrames.length - at);
      byte[] w = sasl.wrap(plainFrames, at, n);
      out.write(frame(SASL_HEADER, saslMessage(5, w, null)));
    }
    out.flush();
  }
  static void failIfError(Map<Integer, List<Object>> h) {
    long status = (Long) first(h, 2);
    if (status != 0) {
      System.out.println("ERROR=" + str(h, 4) + ": " + str(h, 5));
      System.out.flush();
      System.exit(2);
    }
  }

  public static void main(String[] a) throws Exception {
    if (a[4].startsWith("krb:")) {
      Subject subject = GssSaslPeer.login(a[4].substring(4), a[5], true);
      Subject.doAs(subject, (PrivilegedExceptionAction<Void>) () -> { run(a); return null; });
    } else {
      run(a);
    }
  }

  static void run(String[] a) throws Exception {
    String host = a[0]; int port = Integer.parseInt(a[1]); String protocol = a[2]; String qop = a[3];
    String ident = a[4]; String pass = a[5]; int payloadSize = Integer.parseInt(a[6]);
    try (Socket s = new Socket(host, port)) {
      IpcSaslClient c = new IpcSaslClient(s);
      c.out.write(new byte[] {'h', 'r', 'p', 'c', 9, 0, (byte) 0xDF});
      c.out.write(frame(SASL_HEADER, saslMessage(1, null, null)));
      c.out.flush();
      boolean done = false;
      while (!done) {
        List<byte[]> parts = split(c.readRawFrame());
        Map<Integer, List<Object>> h = parse(parts.get(0));
        failIfError(h);
        Map<Integer, List<Object>> m = parse(parts.get(1));
        int state = (int) (long) (Long) first(m, 2);
        byte[] token = (byte[]) first(m, 3);
        switch (state) {
          case 1: { // NEGOTIATE: pick TOKEN
            boolean krb = ident.startsWith("krb:");
            String wantMethod = krb ? "KERBEROS" : "TOKEN", wantMech = krb ? "GSSAPI" : "DIGEST-MD5";
            Map<Integer, List<Object>> chosen = null;
            for (Object o : m.getOrDefault(4, List.of())) {
              Map<Integer, List<Object>> au = parse((byte[]) o);
              if (wantMethod.equals(str(au, 1)) && wantMech.equals(str(au, 2))) { chosen = au; break; }
            }
            if (chosen == null) throw new IOException("server offers no " + wantMethod + " auth");
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
            c.sasl = Sasl.createSaslClient(new String[] {wantMech}, null, str(chosen, 3), str(chosen, 4), props, krb ? null : cb);
            byte[] initial = (byte[]) first(chosen, 5);
            byte[] resp = c.sasl.evaluateChallenge(initial != null ? initial : new byte[0]);
            Map<String, Object> auth = new HashMap<>();
            auth.put("method", wantMethod); auth.put("mechanism", wantMech); auth.put("protocol", str(chosen, 3)); auth.put("serverId", str(chosen, 4));
            c.out.write(frame(SASL_HEADER, saslMessage(2, resp, auth)));
            c.out.flush();
            break;
          }
          case 3: { // CHALLENGE
            byte[] resp = c.sasl.evaluateChallenge(token);
            c.out.write(frame(SASL_HEADER, saslMessage(4, resp == null ? new byte[0] : resp, null)));
            c.out.flush();
            break;
          }
          case 0: { // SUCCESS
            if (token != null) { byte[] extra = c.sasl.evaluateChallenge(token); if (extra != null) throw new IOException("spurious response"); }
            if (!c.sasl.isComplete()) throw new IOException("client is out of sync with server");
            done = true;
            break;
          }
          default: throw new IOException("unexpected SASL state " + state);
        }
      }
      String negotiated = (String) c.sasl.getNegotiatedProperty(Sasl.QOP);
      c.wrap = negotiated != null && !"auth".equals(negotiated);
      if (c.wrap) c.rawSendSize = Integer.parseInt((String) c.sasl.getNegotiatedProperty(Sasl.RAW_SEND_SIZE));
      System.out.println("QOP=" + negotiated);
      byte[] clientId = new byte[16];
      new Random().nextBytes(clientId);
      ByteArrayOutputStream ctx = new ByteArrayOutputStream();
      if (ident.startsWith("krb:")) {
        ByteArrayOutputStream ui = new ByteArrayOutputStream();
        fString(ui, 1, ident.substring(4));
        fBytes(ctx, 2, ui.toByteArray());
      }
      fString(ctx, 3, protocol);
      byte[] payload = new byte[payloadSize];
      for (int i = 0; i < payloadSize; i++) payload[i] = (byte) (i * 31 + 7);
      ByteArrayOutputStream frames = new ByteArrayOutputStream();
      frames.write(frame(requestHeader(-3, clientId, -1), ctx.toByteArray()));
      frames.write(frame(requestHeader(0, clientId, 0), requestHeaderProto("whoami", protocol), new byte[0]));
      frames.write(frame(requestHeader(1, clientId, 0), requestHeaderProto("echo", protocol), payload));
      c.send(frames.toByteArray());
      for (int i = 0; i < 2; i++) {
        List<byte[]> parts = split(c.readFrame());
        Map<Integer, List<Object>> h = parse(parts.get(0));
        failIfError(h);
        int callId = (int) (long) (Long) first(h, 1);
        byte[] body = parts.get(1);
        if (callId == 0) System.out.println("WHOAMI=" + new String(body, StandardCharsets.UTF_8));
        else System.out.println("ECHO=" + (Arrays.equals(body, payload) ? "OK" : "MISMATCH"));
      }
    } catch (SaslException e) {
      System.out.println("ERROR=" + e.getClass().getName() + ": " + e.getMessage());
      System.exit(2);
    }
  }

  static byte[] requestHeaderProto(String method, String protocol) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    fString(o, 1, method); fString(o, 2, protocol); fVarint(o, 3, 1);
    return o.toByteArray();
  }
}
