/*
 * A javax.security.sasl peer for hsec's interop tests: it runs the JDK's own SaslClient or
 * SaslServer (Sasl.createSaslClient / createSaslServer with Hadoop's properties
 * javax.security.sasl.qop and javax.security.sasl.server.authentication=true) and talks to the
 * test over stdin/stdout in frames: [1 byte type][int32 BE length][payload]. Logs go to stderr.
 *
 * Handshake (mirrors Hadoop's NEGOTIATE / CHALLENGE / RESPONSE / SUCCESS):
 *   'T' token      a SASL token, either direction
 *   'O' token      server -> client: authentication succeeded, with the final token (may be empty);
 *                  a peer client answers 'O' (empty) once it has evaluated it and is complete
 *   'E' text       an error: "<exception class>: <message>"
 * A peer server speaks first when the mechanism does (DIGEST-MD5: the challenge Hadoop puts in
 * NEGOTIATE); a peer client sends its initial response first when the mechanism has one.
 *
 * After authentication, commands from the test (each answered by one frame, or 'E'):
 *   'I'            -> 'I' "qop=..\nrawsendsize=..\nmaxbuffer=..\nstrength=.." (negotiated properties)
 *   'W' token      unwrap, wrap the plaintext again -> 'W' token (token echo)
 *   'P' plaintext  wrap -> 'W' token
 *   'U' token      unwrap -> 'P' plaintext (the JDK returns an empty array for a bad MAC)
 *   'S' chunks     [int32 n]([int32 len][token])*: unwrap all, join, split again by our
 *                  rawsendsize, wrap each -> 'S' chunks (Hadoop's SaslOutputStream chunking)
 *   'Q'            exit 0
 *
 * Mechanisms plug in through the Mechanism interface (callback handlers, who speaks first, and a
 * runAs hook that wraps the whole session, e.g. Subject.doAs after a JAAS Krb5LoginModule login
 * for GSSAPI). DIGEST-MD5 is built in; any other mechanism M is loaded from a class named
 * SaslPeerMech_<M with non-alphanumerics as '_'> (e.g. SaslPeerMech_GSSAPI in its own .java file
 * in this directory) with a public no-argument constructor implementing SaslPeer.Mechanism.
 */
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.RealmChoiceCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslServer;

public final class SaslPeer {

  /** What a mechanism contributes; GSSAPI adds its own implementation. */
  public interface Mechanism {
    /** True when the server sends the first token without waiting for the client (DIGEST-MD5). */
    boolean serverFirst();
    CallbackHandler clientCallbacks(Map<String, String> args);
    CallbackHandler serverCallbacks(Map<String, String> args);
    /** Runs the whole session, e.g. inside Subject.doAs. */
    <T> T runAs(Map<String, String> args, Callable<T> session) throws Exception;
  }

  static final Map<String, Mechanism> MECHANISMS = new HashMap<>();

  static {
    MECHANISMS.put("DIGEST-MD5", new DigestMd5());
  }

  /** DIGEST-MD5 as Hadoop uses it for tokens: fixed user/password, the default realm. */
  static final class DigestMd5 implements Mechanism {
    public boolean serverFirst() {
      return true;
    }

    public CallbackHandler clientCallbacks(Map<String, String> args) {
      return callbacks -> {
        for (Callback cb : callbacks) {
          if (cb instanceof NameCallback) {
            ((NameCallback) cb).setName(args.get("user"));
          } else if (cb instanceof PasswordCallback) {
            ((PasswordCallback) cb).setPassword(args.get("password").toCharArray());
          } else if (cb instanceof RealmChoiceCallback) {
            ((RealmChoiceCallback) cb).setSelectedIndex(0);
          } else if (cb instanceof RealmCallback) {
            RealmCallback rc = (RealmCallback) cb;
            rc.setText(rc.getDefaultText());
          } else {
            throw new UnsupportedCallbackException(cb);
          }
        }
      };
    }

    public CallbackHandler serverCallbacks(Map<String, String> args) {
      return callbacks -> {
        String name = null;
        for (Callback cb : callbacks) {
          if (cb instanceof NameCallback) {
            name = ((NameCallback) cb).getDefaultName();
          }
        }
        for (Callback cb : callbacks) {
          if (cb instanceof PasswordCallback) {
            // Like Hadoop's SaslDigestCallbackHandler: an unknown user gets no password.
            if (args.get("user").equals(name)) {
              ((PasswordCallback) cb).setPassword(args.get("password").toCharArray());
            } else {
              throw new IOException("unknown user (token not found): " + name);
            }
          } else if (cb instanceof AuthorizeCallback) {
            AuthorizeCallback ac = (AuthorizeCallback) cb;
            boolean same = ac.getAuthenticationID().equals(ac.getAuthorizationID());
            ac.setAuthorized(same);
            if (same) {
              ac.setAuthorizedID(ac.getAuthorizationID());
            }
          } else if (cb instanceof RealmCallback) {
            RealmCallback rc = (RealmCallback) cb;
            rc.setText(rc.getDefaultText());
          } else if (!(cb instanceof NameCallback)) {
            throw new UnsupportedCallbackException(cb);
          }
        }
      };
    }

    public <T> T runAs(Map<String, String> args, Callable<T> session) throws Exception {
      return session.call();
    }
  }

  private final DataInputStream in = new DataInputStream(System.in);
  private final DataOutputStream out = new DataOutputStream(System.out);
  private final Map<String, String> args;
  private SaslClient client;
  private SaslServer server;

  private SaslPeer(Map<String, String> args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    String mech = args.getOrDefault("mechanism", "DIGEST-MD5");
    Mechanism m = MECHANISMS.get(mech);
    if (m == null) {
      try {
        String cls = "SaslPeerMech_" + mech.replaceAll("[^A-Za-z0-9]", "_");
        m = (Mechanism) Class.forName(cls).getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        m = null;
      }
    }
    if (m == null) {
      System.err.println("SaslPeer: unknown mechanism " + mech);
      System.exit(3);
    }
    SaslPeer peer = new SaslPeer(args);
    Mechanism mechanism = m;
    mechanism.runAs(args, () -> {
      peer.run(mechanism, mech);
      return null;
    });
    System.exit(0);
  }

  private Map<String, String> props() {
    Map<String, String> p = new HashMap<>();
    p.put(Sasl.QOP, args.getOrDefault("qop", "auth"));
    p.put(Sasl.SERVER_AUTH, "true");
    copy("maxbuffer", Sasl.MAX_BUFFER, p);
    copy("sendmaxbuffer", "javax.security.sasl.sendmaxbuffer", p);
    copy("strength", Sasl.STRENGTH, p);
    copy("cipher", "com.sun.security.sasl.digest.cipher", p);
    return p;
  }

  private void copy(String arg, String prop, Map<String, String> p) {
    if (args.containsKey(arg)) {
      p.put(prop, args.get(arg));
    }
  }

  private void run(Mechanism m, String mech) throws IOException {
    String protocol = args.getOrDefault("protocol", "");
    String serverName = args.getOrDefault("server-name", "default");
    boolean ok;
    try {
      if ("server".equals(args.get("role"))) {
        server = Sasl.createSaslServer(mech, protocol, serverName, props(), m.serverCallbacks(args));
        ok = serverHandshake(m);
      } else {
        client = Sasl.createSaslClient(new String[] {mech}, args.get("authzid"), protocol, serverName, props(), m.clientCallbacks(args));
        ok = clientHandshake();
      }
    } catch (Exception e) {
      sendError(e);
      ok = false;
    }
    commands(ok);
  }

  private boolean serverHandshake(Mechanism m) throws IOException {
    if (m.serverFirst()) {
      send('T', server.evaluateResponse(new byte[0]));
    }
    while (true) {
      Frame f = read();
      if (f == null || f.type == 'Q') {
        System.exit(0);
      }
      if (f.type != 'T') {
        send('E', ("IllegalStateException: expected a token, got frame " + (char) f.type).getBytes(StandardCharsets.UTF_8));
        return false;
      }
      byte[] challenge;
      try {
        challenge = server.evaluateResponse(f.payload);
      } catch (Exception e) {
        sendError(e);
        return false;
      }
      if (server.isComplete()) {
        send('O', challenge == null ? new byte[0] : challenge);
        return true;
      }
      send('T', challenge == null ? new byte[0] : challenge);
    }
  }

  private boolean clientHandshake() throws IOException {
    if (client.hasInitialResponse()) {
      send('T', client.evaluateChallenge(new byte[0]));
    }
    while (true) {
      Frame f = read();
      if (f == null || f.type == 'Q') {
        System.exit(0);
      }
      try {
        if (f.type == 'T') {
          byte[] response = client.evaluateChallenge(f.payload);
          send('T', response == null ? new byte[0] : response);
        } else if (f.type == 'O') {
          if (!client.isComplete()) {
            byte[] extra = client.evaluateChallenge(f.payload);
            if (extra != null && extra.length > 0) {
              throw new IllegalStateException("client produced a token after SUCCESS");
            }
          }
          if (!client.isComplete()) {
            throw new IllegalStateException("client not complete after SUCCESS");
          }
          send('O', new byte[0]);
          return true;
        } else if (f.type == 'E') {
          return false;
        } else {
          throw new IllegalStateException("unexpected frame " + (char) f.type);
        }
      } catch (Exception e) {
        sendError(e);
        return false;
      }
    }
  }

  private void commands(boolean authenticated) throws IOException {
    while (true) {
      Frame f = read();
      if (f == null || f.type == 'Q') {
        return;
      }
      try {
        if (!authenticated) {
          throw new IllegalStateException("not authenticated");
        }
        switch (f.type) {
          case 'I':
            send('I', info().getBytes(StandardCharsets.UTF_8));
            break;
          case 'W':
            send('W', wrap(unwrap(f.payload)));
            break;
          case 'P':
            send('W', wrap(f.payload));
            break;
          case 'U':
            send('P', unwrap(f.payload));
            break;
          case 'S':
            send('S', echoChunks(f.payload));
            break;
          default:
            throw new IllegalStateException("unknown command " + (char) f.type);
        }
      } catch (Exception e) {
        sendError(e);
      }
    }
  }

  private String prop(String name) {
    Object v = client != null ? client.getNegotiatedProperty(name) : server.getNegotiatedProperty(name);
    return String.valueOf(v);
  }

  private String info() {
    return "qop=" + prop(Sasl.QOP) + "\nrawsendsize=" + prop(Sasl.RAW_SEND_SIZE) + "\nmaxbuffer=" + prop(Sasl.MAX_BUFFER)
        + "\nstrength=" + prop(Sasl.STRENGTH) + "\nauthzid=" + (server != null ? server.getAuthorizationID() : "") + "\n";
  }

  private byte[] wrap(byte[] b) throws Exception {
    return client != null ? client.wrap(b, 0, b.length) : server.wrap(b, 0, b.length);
  }

  private byte[] unwrap(byte[] b) throws Exception {
    return client != null ? client.unwrap(b, 0, b.length) : server.unwrap(b, 0, b.length);
  }

  private byte[] echoChunks(byte[] payload) throws Exception {
    DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(payload));
    int n = d.readInt();
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      byte[] token = new byte[d.readInt()];
      d.readFully(token);
      joined.write(unwrap(token));
    }
    byte[] all = joined.toByteArray();
    int raw = Integer.parseInt(prop(Sasl.RAW_SEND_SIZE));
    List<byte[]> tokens = new ArrayList<>();
    for (int off = 0; off < all.length; off += raw) {
      int len = Math.min(raw, all.length - off);
      byte[] chunk = new byte[len];
      System.arraycopy(all, off, chunk, 0, len);
      tokens.add(wrap(chunk));
    }
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    DataOutputStream r = new DataOutputStream(reply);
    r.writeInt(tokens.size());
    for (byte[] t : tokens) {
      r.writeInt(t.length);
      r.write(t);
    }
    return reply.toByteArray();
  }

  private static final class Frame {
    final int type;
    final byte[] payload;

    Frame(int type, byte[] payload) {
      this.type = type;
      this.payload = payload;
    }
  }

  private Frame read() throws IOException {
    int type;
    try {
      type = in.readUnsignedByte();
    } catch (EOFException e) {
      return null;
    }
    byte[] payload = new byte[in.readInt()];
    in.readFully(payload);
    return new Frame(type, payload);
  }

  private void send(char type, byte[] payload) throws IOException {
    byte[] p = payload == null ? new byte[0] : payload;
    out.writeByte(type);
    out.writeInt(p.length);
    out.write(p);
    out.flush();
  }

  private void sendError(Exception e) throws IOException {
    System.err.println("SaslPeer: " + e);
    send('E', (e.getClass().getName() + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
  }
}
