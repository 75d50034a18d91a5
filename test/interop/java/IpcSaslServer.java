/*
 * A JDK Hadoop-IPC server for interop tests, behaving as org.apache.hadoop.ipc.Server does on the
 * wire: it reads the preamble and RpcSaslProto NEGOTIATE, advertises TOKEN (DIGEST-MD5 challenge
 * embedded, protocol "", server "default") or KERBEROS (GSSAPI nn/localhost), runs the JDK's
 * javax.security.sasl server to SUCCESS, then unwraps the client's WRAP stream, reads the
 * connection context and calls, and answers each call with one framed response wrapped in ONE
 * WRAP (Server.wrapWithSasl: the whole response, whatever its size). Protobufs are hand-encoded
 * (field numbers from Hadoop's RpcHeader.proto). Written for hsec's tests; not Hadoop code.
 *
 * Usage: IpcSaslServer token <qop-list> <identifier-b64> <password-b64> <response-bytes> <calls>
 *        IpcSaslServer kerberos <qop-list> <principal> <keytab> <response-bytes> <calls>
 * Prints PORT=<n> once listening, then USER=, QOP=, CONTEXT_USER=, CONTEXT_PROTOCOL=, CALL=<method>.
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

public class IpcSaslServer {
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
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(b.length >>> 24); o.write(b.length >>> 16); o.write(b.length >>> 8); o.write(b.length);
    o.write(b, 0, b.length);
    return o.toByteArray();
  }
  /** RpcResponseHeaderProto as Server.setupResponse writes it (callId is uint32 on the wire). */
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
    final byte[] b; int p;
    Reader(byte[] b) { this.b = b; }
    boolean more() { return p < b.length; }
    long varint() { long r = 0; int s = 0; while (true) { int x = b[p++] & 0xFF; r |= (long) (x & 0x7F) << s; if ((x & 0x80) == 0) return r; s += 7; } }
    byte[] bytes() { int n = (int) varint(); byte[] r = Arrays.copyOfRange(b, p, p + n); p += n; return r; }
  }
  static Map<Integer, Object> parse(byte[] msg) {
    Map<Integer, Object> m = new HashMap<>();
    Reader r = new Reader(msg);
    while (r.more()) {
      int t = (int) r.varint(); int f = t >>> 3, w = t & 7;
      if (w == 0) m.put(f, r.varint()); else if (w == 2) m.put(f, r.bytes()); else throw new IllegalStateException("wire " + w);
    }
    return m;
  }
  static List<byte[]> split(byte[] payload) {
    List<byte[]> out = new ArrayList<>();
    Reader r = new Reader(payload);
    while (r.more()) out.add(r.bytes());
    return out;
  }
  static int zigzag(long v) { return (int) ((v >>> 1) ^ -(v & 1)); }

  public static void main(String[] a) throws Exception {
    if (a[0].equals("kerberos")) {
      Subject subject = GssSaslPeer.login(a[2], a[3], false);
      Subject.doAs(subject, (PrivilegedExceptionAction<Void>) () -> { run(a); return null; });
    } else {
      run(a);
    }
  }

  static void run(String[] a) throws Exception {
    boolean token = a[0].equals("token");
    String qop = a[1];
    int responseSize = Integer.parseInt(a[4]);
    int calls = Integer.parseInt(a[5]);
    Map<String, String> props = new HashMap<>();
    props.put(Sasl.QOP, qop);
    props.put(Sasl.SERVER_AUTH, "true");
    CallbackHandler cb = callbacks -> {
      for (Callback c : callbacks) {
        if (c instanceof NameCallback) {
          NameCallback nc = (NameCallback) c;
          if (!nc.getDefaultName().equals(a[2])) throw new IOException("unknown token identifier");
        } else if (c instanceof PasswordCallback) {
          ((PasswordCallback) c).setPassword(a[3].toCharArray());
        } else if (c instanceof RealmCallback) {
          ((RealmCallback) c).setText(((RealmCallback) c).getDefaultText());
        } else if (c instanceof AuthorizeCallback) {
          AuthorizeCallback ac = (AuthorizeCallback) c;
          ac.setAuthorized(ac.getAuthenticationID().equals(ac.getAuthorizationID()));
          if (ac.isAuthorized()) ac.setAuthorizedID(ac.getAuthorizationID());
        }
      }
    };
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      System.out.println("PORT=" + ss.getLocalPort());
      System.out.flush();
      try (Socket s = ss.accept()) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
        OutputStream out = s.getOutputStream();
        byte[] pre = new byte[7];
        in.readFully(pre);
        if (pre[0] != 'h' || pre[4] != 9 || pre[6] != (byte) 0xDF) throw new IOException("bad preamble");
        SaslServer server = token
            ? Sasl.createSaslServer("DIGEST-MD5", "", "default", props, cb)
            : Sasl.createSaslServer("GSSAPI", "nn", "localhost", props, cb);
        boolean done = false;
        while (!done) {
          byte[] raw = new byte[in.readInt()];
          in.readFully(raw);
          List<byte[]> parts = split(raw);
          Map<Integer, Object> h = parse(parts.get(0));
          if (zigzag((Long) h.get(3)) != -33) throw new IOException("expected SASL");
          Map<Integer, Object> m = parse(parts.get(1));
          int state = (int) (long) (Long) m.get(2);
          byte[] reply;
          if (state == 1) {
            List<byte[]> auths = new ArrayList<>();
            if (token) auths.add(auth("TOKEN", "DIGEST-MD5", "", "default", server.evaluateResponse(new byte[0])));
            else auths.add(auth("KERBEROS", "GSSAPI", "nn", "localhost", null));
            reply = sasl(1, null, auths);
          } else if (state == 2 || state == 4) {
            byte[] tok = (byte[]) m.getOrDefault(3, new byte[0]);
            byte[] r = server.evaluateResponse(tok);
            if (server.isComplete()) { reply = sasl(0, r, null); done = true; }
            else reply = sasl(3, r == null ? new byte[0] : r, null);
          } else throw new IOException("unexpected state " + state);
          out.write(frame(responseHeader(-33, new byte[0], -1, true), reply));
          out.flush();
        }
        String negotiated = (String) server.getNegotiatedProperty(Sasl.QOP);
        boolean wrap = negotiated != null && !"auth".equals(negotiated);
        System.out.println("USER=" + server.getAuthorizationID());
        System.out.println("QOP=" + negotiated);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        int answered = 0;
        while (answered < calls) {
          byte[] raw = new byte[in.readInt()];
          in.readFully(raw);
          if (wrap) {
            List<byte[]> parts = split(raw);
            Map<Integer, Object> m = parse(parts.get(1));
            if ((long) (Long) m.get(2) != 5) throw new IOException("expected WRAP");
            byte[] tok = (byte[]) m.get(3);
            plain.write(server.unwrap(tok, 0, tok.length));
          } else {
            plain.write(raw.length >>> 24); plain.write(raw.length >>> 16); plain.write(raw.length >>> 8); plain.write(raw.length);
            plain.write(raw);
          }
          // handle every complete plaintext frame
          byte[] buf = plain.toByteArray();
          int at = 0;
          while (buf.length - at >= 4) {
            int len = ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8) | (buf[at + 3] & 0xFF);
            if (buf.length - at - 4 < len) break;
            byte[] f = Arrays.copyOfRange(buf, at + 4, at + 4 + len);
            at += 4 + len;
            List<byte[]> parts = split(f);
            Map<Integer, Object> h = parse(parts.get(0));
            int callId = zigzag((Long) h.get(3));
            if (callId == -3) {
              Map<Integer, Object> ctx = parse(parts.get(1));
              if (ctx.containsKey(2)) {
                Map<Integer, Object> ui = parse((byte[]) ctx.get(2));
                if (ui.containsKey(1)) System.out.println("CONTEXT_USER=" + new String((byte[]) ui.get(1), StandardCharsets.UTF_8));
              }
              System.out.println("CONTEXT_PROTOCOL=" + new String((byte[]) ctx.get(3), StandardCharsets.UTF_8));
            } else if (callId >= 0) {
              Map<Integer, Object> rh = parse(parts.get(1));
              System.out.println("CALL=" + new String((byte[]) rh.get(1), StandardCharsets.UTF_8));
              byte[] body = new byte[responseSize];
              for (int i = 0; i < responseSize; i++) body[i] = (byte) (i * 13 + callId);
              byte[] response = frame(responseHeader(callId, (byte[]) h.get(4), 0, true), body);
              if (wrap) {
                byte[] w = server.wrap(response, 0, response.length); // one WRAP per response, as Server.wrapWithSasl
                out.write(frame(responseHeader(-33, null, 0, false), sasl(5, w, null)));
              } else {
                out.write(response);
              }
              out.flush();
              answered++;
            }
          }
          byte[] restBytes = Arrays.copyOfRange(buf, at, buf.length);
          plain.reset();
          plain.write(restBytes);
        }
        System.out.flush();
        in.read(); // wait for the client to close
      }
    }
  }
}
