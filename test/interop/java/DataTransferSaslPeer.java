/*
 * A JDK peer for hsec's data-transfer SASL interop tests. It speaks Hadoop's DataTransferProtocol
 * SASL handshake (magic 0xDEADBEEF, varint-delimited
 * DataTransferEncryptorMessageProto, DIGEST-MD5 with protocol "hdfs" and server name "0", the AES
 * cipher option with SASL-wrapped keys) over a real TCP socket, as Hadoop's SaslDataTransferClient
 * and SaslDataTransferServer drive it, with the JDK's own javax.security.sasl DIGEST-MD5 and the
 * JCE's AES/CTR/NoPadding (what Hadoop's JceAesCtrCryptoCodec uses). The protobuf messages are
 * encoded by hand (only fields 1-6 of the message, 1-5 of CipherOptionProto, 1-2 of
 * HandshakeSecretProto). Written for hsec's tests from the protocol description, not from Hadoop.
 *
 * Arguments (--name value):
 *   --role client|server   client connects to --port; server listens on an ephemeral port
 *   --mode general|encrypted
 *   --qop LIST             javax.security.sasl.qop (general; encrypted is always auth-conf)
 *   --cipher-suites S      AES/CTR/NoPadding or empty
 *   --key-bits N           server: AES key bits (default 128)
 *   --algorithm A          client, encrypted: com.sun.security.sasl.digest.cipher
 *   client, general:   --identifier HEX --password HEX        (the block token)
 *   client, encrypted: --key-id N --pool ID --nonce HEX --encryption-key HEX
 *   server:            --block-key HEX --block-key-id N       (passwords re-derived with HmacSHA1)
 *                      --refuse-token true                    (every block token is "expired")
 *   --size N               client: bytes to send and expect back (server echoes until EOF)
 *
 * Reports to stdout in frames [1 byte type][int32 BE length][payload]:
 *   'P' port (server)   'R' "qop=.. protection=plain|sasl|aes-ctr keybits=.. bytes=.."   'E' "Class: message"
 */
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

public final class DataTransferSaslPeer {
  static final int MAGIC = 0xDEADBEEF;
  static final int SUCCESS = 0, ERROR_UNKNOWN_KEY = 1, ERROR = 2;
  static final int AES_CTR_NOPADDING = 2;

  /** DataTransferEncryptorMessageProto, the fields the handshake uses. */
  static final class Msg {
    int status;
    byte[] payload;
    String message;
    List<byte[][]> options = new ArrayList<>(); // {suite as 1 byte, inKey, inIv, outKey, outIv}
    byte[] secret;
    String bpid;
    boolean accessTokenError;
  }

  static final class InvalidEncryptionKey extends IOException {
    InvalidEncryptionKey(String m) {
      super(m);
    }
  }

  static final class InvalidToken extends IOException {
    InvalidToken(String m) {
      super(m);
    }
  }

  private final Map<String, String> args;
  private final DataOutputStream report = new DataOutputStream(System.out);

  private DataTransferSaslPeer(Map<String, String> args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    DataTransferSaslPeer peer = new DataTransferSaslPeer(args);
    try {
      if ("server".equals(args.get("role"))) {
        peer.server();
      } else {
        peer.client();
      }
    } catch (Exception e) {
      Throwable c = e.getCause();
      peer.send('E', e.getClass().getSimpleName() + ": " + e.getMessage() + (c == null ? "" : " (caused by " + c.getClass().getSimpleName() + ": " + c.getMessage() + ")"));
    }
    System.out.flush();
    System.exit(0);
  }

  // ---- the client (SaslDataTransferClient.doSaslHandshake) -------------------------------------

  private void client() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(args.get("port")))) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      boolean encrypted = "encrypted".equals(args.get("mode"));
      String user;
      String password;
      Map<String, String> props = new HashMap<>();
      props.put(Sasl.SERVER_AUTH, "true");
      if (encrypted) {
        user = args.get("key-id") + " " + args.get("pool") + " " + b64(hex(args.get("nonce")));
        password = b64(hex(args.get("encryption-key")));
        props.put(Sasl.QOP, "auth-conf");
        if (args.containsKey("algorithm")) {
          props.put("com.sun.security.sasl.digest.cipher", args.get("algorithm"));
        }
      } else {
        user = b64(hex(args.get("identifier")));
        password = b64(hex(args.get("password")));
        props.put(Sasl.QOP, args.getOrDefault("qop", "auth"));
      }
      final String name = user;
      final char[] pw = password.toCharArray();
      SaslClient sasl = Sasl.createSaslClient(new String[] {"DIGEST-MD5"}, user, "hdfs", "0", props, callbacks -> {
        for (Callback cb : callbacks) {
          if (cb instanceof NameCallback) {
            ((NameCallback) cb).setName(name);
          } else if (cb instanceof PasswordCallback) {
            ((PasswordCallback) cb).setPassword(pw);
          } else if (cb instanceof RealmCallback) {
            ((RealmCallback) cb).setText(((RealmCallback) cb).getDefaultText());
          }
        }
      });
      out.writeInt(MAGIC);
      Msg first = new Msg();
      first.payload = new byte[0];
      write(out, first);
      Msg challenge = expectSuccess(read(in));
      Msg response = new Msg();
      response.payload = sasl.evaluateChallenge(challenge.payload);
      String suites = args.getOrDefault("cipher-suites", "");
      if (Arrays.asList(props.get(Sasl.QOP).split(",")).contains("auth-conf") && !suites.isEmpty()) {
        response.options.add(new byte[][] {{(byte) AES_CTR_NOPADDING}, null, null, null, null});
      }
      write(out, response);
      Msg fin = expectSuccess(read(in));
      byte[] extra = sasl.evaluateChallenge(fin.payload);
      if (!sasl.isComplete() || (extra != null && extra.length > 0)) {
        throw new IOException("Failed to complete SASL handshake");
      }
      String qop = (String) sasl.getNegotiatedProperty(Sasl.QOP);
      if (!Arrays.asList(props.get(Sasl.QOP).split(",")).contains(qop)) {
        throw new IOException("negotiated QOP " + qop + " was not requested");
      }
      Streams s;
      if ("auth-conf".equals(qop) && !fin.options.isEmpty()) {
        byte[][] o = fin.options.get(0);
        byte[] inKey = sasl.unwrap(o[1], 0, o[1].length);
        byte[] outKey = sasl.unwrap(o[3], 0, o[3].length);
        s = aes(in, out, inKey, o[2], outKey, o[4], qop); // client: encrypt with in, decrypt with out
      } else if (!"auth".equals(qop)) {
        s = saslStreams(in, out, sasl::wrap, sasl::unwrap, qop);
      } else {
        s = new Streams(in, out, qop, "plain", 0);
      }
      int size = Integer.parseInt(args.getOrDefault("size", "0"));
      byte[] data = pattern(size);
      byte[] back = new byte[size];
      IOException[] readError = new IOException[1];
      Thread reader = new Thread(() -> {
        try {
          readFully(s.in, back);
        } catch (IOException e) {
          readError[0] = e;
        }
      });
      reader.start(); // read the echo while writing, so neither side's buffers fill up
      s.out.write(data);
      s.out.flush();
      reader.join();
      if (readError[0] != null) {
        throw readError[0];
      }
      if (!Arrays.equals(data, back)) {
        throw new IOException("echo mismatch");
      }
      send('R', "qop=" + qop + " protection=" + s.kind + " keybits=" + s.keyBits + " bytes=" + size);
    }
  }

  private Msg expectSuccess(Msg m) throws IOException {
    if (m.status == ERROR_UNKNOWN_KEY) {
      throw new InvalidEncryptionKey(m.message);
    }
    if (m.status == ERROR) {
      if (m.accessTokenError) {
        throw new InvalidToken(m.message);
      }
      throw new IOException(m.message);
    }
    return m;
  }

  // ---- the DataNode (SaslDataTransferServer.doSaslHandshake) -----------------------------------

  private void server() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      send('P', String.valueOf(listener.getLocalPort()));
      try (Socket socket = listener.accept()) {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        Streams s = serverHandshake(in, out);
        // echo until EOF, then close (the client half-closes)
        byte[] buf = new byte[65536];
        long total = 0;
        for (int n; (n = s.in.read(buf)) > 0; ) {
          s.out.write(buf, 0, n);
          s.out.flush();
          total += n;
        }
        send('R', "qop=" + s.qop + " protection=" + s.kind + " keybits=" + s.keyBits + " bytes=" + total);
      }
    }
  }

  private Streams serverHandshake(DataInputStream in, DataOutputStream out) throws Exception {
    boolean encrypted = "encrypted".equals(args.get("mode"));
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(String.format("Received %x instead of %x from client.", magic, MAGIC));
    }
    try {
      Msg first = expectSuccess(read(in));
      Map<String, String> props = new HashMap<>();
      props.put(Sasl.SERVER_AUTH, "true");
      props.put(Sasl.QOP, encrypted ? "auth-conf" : args.getOrDefault("qop", "auth"));
      if (first.secret != null) {
        props.put(Sasl.QOP, new String(first.secret, StandardCharsets.UTF_8));
      }
      SaslServer sasl = Sasl.createSaslServer("DIGEST-MD5", "hdfs", "0", props, callbacks -> {
        String name = null;
        for (Callback cb : callbacks) {
          if (cb instanceof NameCallback) {
            name = ((NameCallback) cb).getDefaultName();
          }
        }
        for (Callback cb : callbacks) {
          if (cb instanceof PasswordCallback) {
            ((PasswordCallback) cb).setPassword(password(name, encrypted).toCharArray());
          } else if (cb instanceof AuthorizeCallback) {
            AuthorizeCallback ac = (AuthorizeCallback) cb;
            ac.setAuthorized(true);
            ac.setAuthorizedID(ac.getAuthorizationID());
          }
        }
      });
      Msg challenge = new Msg();
      challenge.payload = sasl.evaluateResponse(first.payload == null ? new byte[0] : first.payload);
      write(out, challenge);
      Msg response = expectSuccess(read(in));
      byte[] rspauth = sasl.evaluateResponse(response.payload);
      if (!sasl.isComplete()) {
        throw new IOException("Failed to complete SASL handshake");
      }
      String qop = (String) sasl.getNegotiatedProperty(Sasl.QOP);
      Msg fin = new Msg();
      fin.payload = rspauth;
      byte[][] option = null;
      boolean offered = false;
      for (byte[][] o : response.options) {
        offered |= o[0][0] == AES_CTR_NOPADDING;
      }
      if ("auth-conf".equals(qop) && "AES/CTR/NoPadding".equals(args.getOrDefault("cipher-suites", "")) && offered) {
        int keyLen = Integer.parseInt(args.getOrDefault("key-bits", "128")) / 8;
        SecureRandom random = new SecureRandom();
        option = new byte[][] {{(byte) AES_CTR_NOPADDING}, new byte[keyLen], new byte[16], new byte[keyLen], new byte[16]};
        for (int i = 1; i < 5; i++) {
          random.nextBytes(option[i]);
        }
        fin.options.add(new byte[][] {option[0], sasl.wrap(option[1], 0, keyLen), option[2], sasl.wrap(option[3], 0, keyLen), option[4]});
      }
      write(out, fin);
      if (option != null) {
        return aes(in, out, option[3], option[4], option[1], option[2], qop); // server: encrypt with out, decrypt with in
      }
      if (!"auth".equals(qop)) {
        return saslStreams(in, out, sasl::wrap, sasl::unwrap, qop);
      }
      return new Streams(in, out, qop, "plain", 0);
    } catch (IOException e) {
      // What Hadoop's DataNode sends: the cause behind the SaslException decides the status.
      Throwable cause = e instanceof SaslException && e.getCause() != null ? e.getCause() : e;
      Msg err = new Msg();
      err.status = cause instanceof InvalidEncryptionKey ? ERROR_UNKNOWN_KEY : ERROR;
      err.message = cause.getMessage();
      err.accessTokenError = cause instanceof InvalidToken;
      write(out, err);
      throw e;
    }
  }

  private String password(String name, boolean encrypted) throws IOException {
    byte[] blockKey = hex(args.get("block-key"));
    if (encrypted) {
      String[] parts = name.split(" ");
      if (parts.length != 3) {
        throw new IOException("Provided name '" + name + "' has " + parts.length + " components instead of the expected 3.");
      }
      if (!parts[0].equals(args.get("block-key-id"))) {
        throw new InvalidEncryptionKey("Can't re-compute encryption key for nonce, since the required block key (keyID=" + parts[0] + ") doesn't exist.");
      }
      return b64(hmac(blockKey, Base64.getDecoder().decode(parts[2])));
    }
    if ("true".equals(args.get("refuse-token"))) {
      throw new InvalidToken("Block token with block_token_identifier (peer test) is expired.");
    }
    return b64(hmac(blockKey, Base64.getDecoder().decode(name)));
  }

  // ---- the protected streams -------------------------------------------------------------------

  static final class Streams {
    final InputStream in;
    final OutputStream out;
    final String qop;
    final String kind;
    final int keyBits;

    Streams(InputStream in, OutputStream out, String qop, String kind, int keyBits) {
      this.in = in;
      this.out = out;
      this.qop = qop;
      this.kind = kind;
      this.keyBits = keyBits;
    }
  }

  interface Layer {
    byte[] apply(byte[] b, int off, int len) throws SaslException;
  }

  /** CryptoOutputStream / CryptoInputStream with the JCE's AES/CTR/NoPadding from position 0. */
  private static Streams aes(InputStream in, OutputStream out, byte[] encKey, byte[] encIv, byte[] decKey, byte[] decIv, String qop) throws Exception {
    Cipher enc = Cipher.getInstance("AES/CTR/NoPadding");
    enc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encKey, "AES"), new IvParameterSpec(encIv));
    Cipher dec = Cipher.getInstance("AES/CTR/NoPadding");
    dec.init(Cipher.DECRYPT_MODE, new SecretKeySpec(decKey, "AES"), new IvParameterSpec(decIv));
    InputStream cin = new InputStream() {
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          byte[] plain = dec.update(b, off, n);
          System.arraycopy(plain, 0, b, off, n);
        }
        return n;
      }
    };
    OutputStream cout = new OutputStream() {
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      public void write(byte[] b, int off, int len) throws IOException {
        out.write(enc.update(b, off, len));
      }

      public void flush() throws IOException {
        out.flush();
      }
    };
    return new Streams(cin, cout, qop, "aes-ctr", encKey.length * 8);
  }

  /** SaslOutputStream / SaslInputStream: each write is [int32 length][wrap(bytes)]. */
  private static Streams saslStreams(DataInputStream in, DataOutputStream out, Layer wrap, Layer unwrap, String qop) {
    InputStream sin = new InputStream() {
      byte[] buf = new byte[0];
      int pos = 0;

      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      public int read(byte[] b, int off, int len) throws IOException {
        while (pos >= buf.length) {
          int n;
          try {
            n = in.readInt();
          } catch (EOFException e) {
            return -1;
          }
          byte[] token = new byte[n];
          in.readFully(token);
          buf = unwrap.apply(token, 0, n);
          pos = 0;
        }
        int k = Math.min(len, buf.length - pos);
        System.arraycopy(buf, pos, b, off, k);
        pos += k;
        return k;
      }
    };
    OutputStream sout = new OutputStream() {
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      public void write(byte[] b, int off, int len) throws IOException {
        byte[] token = wrap.apply(b, off, len);
        out.writeInt(token.length);
        out.write(token);
      }

      public void flush() throws IOException {
        out.flush();
      }
    };
    return new Streams(sin, sout, qop, "sasl", 0);
  }

  // ---- protobuf by hand ------------------------------------------------------------------------

  private static Msg read(DataInputStream in) throws IOException {
    byte[] body = new byte[readVarint(in)];
    in.readFully(body);
    Msg m = new Msg();
    Reader r = new Reader(body);
    while (r.more()) {
      int tag = r.varint();
      switch (tag) {
        case 0x08: m.status = r.varint(); break;
        case 0x12: m.payload = r.bytes(); break;
        case 0x1a: m.message = new String(r.bytes(), StandardCharsets.UTF_8); break;
        case 0x22: m.options.add(option(r.bytes())); break;
        case 0x2a: {
          Reader s = new Reader(r.bytes());
          while (s.more()) {
            int t = s.varint();
            if (t == 0x0a) m.secret = s.bytes();
            else if (t == 0x12) m.bpid = new String(s.bytes(), StandardCharsets.UTF_8);
            else throw new IOException("unexpected HandshakeSecretProto tag " + t);
          }
          break;
        }
        case 0x30: m.accessTokenError = r.varint() != 0; break;
        default: throw new IOException("unexpected DataTransferEncryptorMessageProto tag " + tag);
      }
    }
    return m;
  }

  private static byte[][] option(byte[] body) throws IOException {
    byte[][] o = new byte[5][];
    Reader r = new Reader(body);
    while (r.more()) {
      int tag = r.varint();
      if (tag == 0x08) o[0] = new byte[] {(byte) r.varint()};
      else if (tag >= 0x12 && tag <= 0x2a && (tag & 7) == 2) o[(tag >> 3) - 1] = r.bytes();
      else throw new IOException("unexpected CipherOptionProto tag " + tag);
    }
    return o;
  }

  private static void write(DataOutputStream out, Msg m) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    varint(b, 0x08);
    varint(b, m.status);
    if (m.payload != null) field(b, 0x12, m.payload);
    if (m.message != null) field(b, 0x1a, m.message.getBytes(StandardCharsets.UTF_8));
    for (byte[][] o : m.options) {
      ByteArrayOutputStream ob = new ByteArrayOutputStream();
      varint(ob, 0x08);
      varint(ob, o[0][0]);
      for (int i = 1; i < 5; i++) {
        if (o[i] != null) field(ob, (i + 1) << 3 | 2, o[i]);
      }
      field(b, 0x22, ob.toByteArray());
    }
    if (m.accessTokenError) {
      varint(b, 0x30);
      varint(b, 1);
    }
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    varint(framed, b.size());
    b.writeTo(framed);
    out.write(framed.toByteArray());
    out.flush();
  }

  private static void field(ByteArrayOutputStream b, int tag, byte[] bytes) {
    varint(b, tag);
    varint(b, bytes.length);
    b.write(bytes, 0, bytes.length);
  }

  private static void varint(ByteArrayOutputStream b, int v) {
    while ((v & ~0x7f) != 0) {
      b.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b.write(v);
  }

  private static int readVarint(DataInputStream in) throws IOException {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    throw new IOException("varint too long");
  }

  static final class Reader {
    final byte[] b;
    int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    boolean more() {
      return pos < b.length;
    }

    int varint() throws IOException {
      int v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        if (pos >= b.length) throw new IOException("truncated varint");
        int x = b[pos++] & 0xff;
        v |= (x & 0x7f) << shift;
        if ((x & 0x80) == 0) return v;
      }
      throw new IOException("varint too long");
    }

    byte[] bytes() throws IOException {
      int n = varint();
      if (n < 0 || pos + n > b.length) throw new IOException("truncated field");
      byte[] out = Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static byte[] hmac(byte[] key, byte[] message) throws IOException {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      return mac.doFinal(message);
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  static byte[] pattern(int size) throws Exception {
    byte[] out = new byte[size];
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int at = 0, block = 0; at < size; block++) {
      byte[] d = sha.digest(("block " + block).getBytes(StandardCharsets.UTF_8));
      int k = Math.min(d.length, size - at);
      System.arraycopy(d, 0, out, at, k);
      at += k;
    }
    return out;
  }

  private static void readFully(InputStream in, byte[] b) throws IOException {
    for (int at = 0; at < b.length; ) {
      int n = in.read(b, at, b.length - at);
      if (n < 0) throw new EOFException("stream ended after " + at + " of " + b.length + " bytes");
      at += n;
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  private synchronized void send(char type, String text) throws IOException {
    byte[] p = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    report.writeByte(type);
    report.writeInt(p.length);
    report.write(p);
    report.flush();
  }
}
