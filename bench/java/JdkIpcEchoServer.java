/*
 * A JDK Hadoop-IPC echo server for `npm run bench` (bench/suites/rpc.ts): hsec's RpcClient against
 * a peer that wraps as stock Hadoop does. Like org.apache.hadoop.ipc.Server on the wire: preamble,
 * RpcSaslProto NEGOTIATE advertising TOKEN (DIGEST-MD5, challenge embedded, protocol "", server
 * "default") or KERBEROS (GSSAPI), the JDK's javax.security.sasl server to SUCCESS, then every call
 * answered with its own request message, each response wrapped in one WRAP (Server.wrapWithSasl)
 * when the QOP is auth-int or auth-conf. One thread per connection; runs until stdin closes.
 * Protobufs are hand-encoded (field numbers from Hadoop's RpcHeader.proto). Written for hsec's bench.
 *
 * Usage: JdkIpcEchoServer token <qop-list> <tokens-file>   (lines "<identifier-b64> <password-b64>")
 *        JdkIpcEchoServer kerberos <qop-list> <principal> <keytab>
 * Prints PORT=<n> once listening.
 */
import java.io.*;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.util.*;
import javax.security.auth.Subject;
import javax.security.auth.callback.*;
import javax.security.sasl.*;

public class JdkIpcEchoServer {
  static void varint(ByteArrayOutputStream o, long v) {
    while ((v & ~0x7FL) != 0) { o.write((int) ((v & 0x7F) | 0x80)); v >>>= 7; }
    o.write((int) v);
  }
  static void tag(ByteArrayOutputStream o, int f, int w) { varint(o, (f << 3) | w); }
  static void fVarint(ByteArrayOutputStream o, int f, long v) { tag(o, f, 0); varint(o, v); }
  static void fBytes(ByteArrayOutputStream o, int f, byte[] b) { tag(o, f, 2); varint(o, b.length); o.write(b, 0, b.length); }
  static void fString(ByteArrayOutputStream o, int f, String s) { fBytes(o, f, s.getBytes(StandardCharsets.UTF_8)); }
  static byte[] frame(byte[]... msgs) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] m : msgs) { varint(body, m.length); body.write(m, 0, m.length); }
    byte[] b = body.toByteArray();
    ByteArrayOutputStream o = new ByteArrayOutputStream(b.length + 4);
    o.write(b.length >>> 24); o.write(b.length >>> 16); o.write(b.length >>> 8); o.write(b.length);
    o.write(b, 0, b.length);
    return o.toByteArray();
  }
  static byte[] responseHeader(int callId, byte[] clientId, int retry, boolean full) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    fVarint(o, 1, callId & 0xFFFFFFFFL);
    fVarint(o, 2, 0);
    if (full) {
      fVarint(o, 3, 9);
      fBytes(o, 7, clientId);
      fVarint(o, 8, ((retry << 1) ^ (retry >> 31)) & 0xFFFFFFFFL);
    }
    return o.toByteArray();
  }
  static byte[] sasl(int state, byte[] token, List<byte[]> auths) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    fVarint(o, 2, state);
    if (token != null) fBytes(o, 3, token);
    if (auths != null) for (byte[] a : auths) fBytes(o, 4, a);
    return o.toByteArray();
  }
  static byte[] auth(String method, String mech, String protocol, String serverId, byte[] challenge) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    fString(o, 1, method); fString(o, 2, mech); fString(o, 3, protocol); fString(o, 4, serverId);
    if (challenge != null) fBytes(o, 5, challenge);
    return o.toByteArray();
  }
  static final class Reader {
    final byte[] b; int p; final int end;
    Reader(byte[] b, int p, int end) { this.b = b; this.p = p; this.end = end; }
    boolean more() { return p < end; }
    long varint() { long r = 0; int s = 0; while (true) { int x = b[p++] & 0xFF; r |= (long) (x & 0x7F) << s; if ((x & 0x80) == 0) return r; s += 7; } }
    byte[] bytes() { int n = (int) varint(); byte[] r = Arrays.copyOfRange(b, p, p + n); p += n; return r; }
  }
  /** Field number -> value (varint as Long, bytes as byte[]); unknown wire types are skipped. */
  static Map<Integer, Object> parse(byte[] msg) {
    Map<Integer, Object> m = new HashMap<>();
    Reader r = new Reader(msg, 0, msg.length);
    while (r.more()) {
      int t = (int) r.varint(); int f = t >>> 3, w = t & 7;
      if (w == 0) m.put(f, r.varint());
      else if (w == 2) m.put(f, r.bytes());
      else if (w == 1) r.p += 8;
      else if (w == 5) r.p += 4;
      else throw new IllegalStateException("wire " + w);
    }
    return m;
  }
  static List<byte[]> split(byte[] payload, int from, int to) {
    List<byte[]> out = new ArrayList<>();
    Reader r = new Reader(payload, from, to);
    while (r.more()) out.add(r.bytes());
    return out;
  }
  static int zigzag(long v) { return (int) ((v >>> 1) ^ -(v & 1)); }

  static String[] args;
  static Subject subject;
  /** TOKEN: password (Base64, as Hadoop's SaslDigestCallbackHandler hands it over) per identifier (Base64). */
  static final Map<String, String> passwords = new HashMap<>();

  public static void main(String[] a) throws Exception {
    args = a;
    if (a[0].equals("kerberos")) subject = JdkCryptoBench.login(a[2], a[3], false);
    else {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get(a[2]))) {
        String[] f = line.trim().split(" ");
        if (f.length == 2) passwords.put(f[0], f[1]);
      }
    }
    Thread stdin = new Thread(() -> {
      try { while (System.in.read() >= 0) { } } catch (IOException ignored) { }
      System.exit(0);
    });
    stdin.setDaemon(true);
    stdin.start();
    try (ServerSocket ss = new ServerSocket(0, 128, InetAddress.getByName("127.0.0.1"))) {
      System.out.println("PORT=" + ss.getLocalPort());
      System.out.flush();
      for (;;) {
        Socket s = ss.accept();
        s.setTcpNoDelay(true);
        Thread t = new Thread(() -> {
          try {
            if (subject != null) Subject.doAs(subject, (PrivilegedExceptionAction<Void>) () -> { serve(s); return null; });
            else serve(s);
          } catch (Exception e) {
            // the client went away or broke the protocol: close this connection only
          } finally {
            try { s.close(); } catch (IOException ignored) { }
          }
        });
        t.setDaemon(true);
        t.start();
      }
    }
  }

  static void serve(Socket s) throws Exception {
    boolean token = args[0].equals("token");
    Map<String, String> props = new HashMap<>();
    props.put(Sasl.QOP, args[1]);
    props.put(Sasl.SERVER_AUTH, "true");
    CallbackHandler cb = callbacks -> {
      String password = null;
      for (Callback c : callbacks) {
        if (c instanceof NameCallback) {
          password = passwords.get(((NameCallback) c).getDefaultName());
          if (password == null) throw new IOException("unknown token identifier");
        } else if (c instanceof PasswordCallback) {
          ((PasswordCallback) c).setPassword(password.toCharArray());
        } else if (c instanceof RealmCallback) {
          ((RealmCallback) c).setText(((RealmCallback) c).getDefaultText());
        } else if (c instanceof AuthorizeCallback) {
          AuthorizeCallback ac = (AuthorizeCallback) c;
          ac.setAuthorized(ac.getAuthenticationID().equals(ac.getAuthorizationID()));
          if (ac.isAuthorized()) ac.setAuthorizedID(ac.getAuthorizationID());
        }
      }
    };
    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
    OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
    byte[] pre = new byte[7];
    in.readFully(pre);
    SaslServer server = token ? Sasl.createSaslServer("DIGEST-MD5", "", "default", props, cb) : Sasl.createSaslServer("GSSAPI", "nn", "localhost", props, cb);
    boolean done = false;
    while (!done) {
      byte[] raw = new byte[in.readInt()];
      in.readFully(raw);
      List<byte[]> parts = split(raw, 0, raw.length);
      Map<Integer, Object> m = parse(parts.get(1));
      int state = (int) (long) (Long) m.get(2);
      byte[] reply;
      if (state == 1) {
        List<byte[]> auths = new ArrayList<>();
        if (token) auths.add(auth("TOKEN", "DIGEST-MD5", "", "default", server.evaluateResponse(new byte[0])));
        else auths.add(auth("KERBEROS", "GSSAPI", "nn", "localhost", null));
        reply = sasl(1, null, auths);
      } else {
        byte[] r = server.evaluateResponse((byte[]) m.getOrDefault(3, new byte[0]));
        if (server.isComplete()) { reply = sasl(0, r, null); done = true; } else reply = sasl(3, r == null ? new byte[0] : r, null);
      }
      out.write(frame(responseHeader(-33, new byte[0], -1, true), reply));
      out.flush();
    }
    String qop = (String) server.getNegotiatedProperty(Sasl.QOP);
    boolean wrap = qop != null && !"auth".equals(qop);
    byte[] plain = new byte[0];
    int have = 0;
    for (;;) {
      byte[] raw = new byte[in.readInt()];
      in.readFully(raw);
      byte[] data;
      if (wrap) {
        List<byte[]> parts = split(raw, 0, raw.length);
        byte[] tok = (byte[]) parse(parts.get(1)).get(3);
        data = server.unwrap(tok, 0, tok.length);
      } else {
        data = new byte[raw.length + 4];
        data[0] = (byte) (raw.length >>> 24); data[1] = (byte) (raw.length >>> 16); data[2] = (byte) (raw.length >>> 8); data[3] = (byte) raw.length;
        System.arraycopy(raw, 0, data, 4, raw.length);
      }
      if (plain.length - have < data.length) plain = Arrays.copyOf(plain, Math.max(plain.length * 2, have + data.length));
      System.arraycopy(data, 0, plain, have, data.length);
      have += data.length;
      int at = 0;
      while (have - at >= 4) {
        int len = ((plain[at] & 0xFF) << 24) | ((plain[at + 1] & 0xFF) << 16) | ((plain[at + 2] & 0xFF) << 8) | (plain[at + 3] & 0xFF);
        if (have - at - 4 < len) break;
        List<byte[]> parts = split(plain, at + 4, at + 4 + len);
        at += 4 + len;
        Map<Integer, Object> h = parse(parts.get(0));
        int callId = zigzag((Long) h.get(3));
        if (callId < 0) continue; // connection context, ping
        byte[] response = frame(responseHeader(callId, (byte[]) h.get(4), 0, true), parts.get(2));
        if (wrap) {
          byte[] w = server.wrap(response, 0, response.length); // one WRAP per response, as Server.wrapWithSasl
          out.write(frame(responseHeader(-33, null, 0, false), sasl(5, w, null)));
        } else {
          out.write(response);
        }
      }
      out.flush();
      System.arraycopy(plain, at, plain, 0, have - at);
      have -= at;
    }
  }
}
