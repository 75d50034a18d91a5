/*
 * A raw JGSS Kerberos peer (org.ietf.jgss over the JDK's Krb5 mechanism, OID 1.2.840.113554.1.2.2)
 * for hsec's GSS interop tests: a JAAS Krb5LoginModule keytab login (GssSaslPeer.keytabLogin),
 * then, inside Subject.doAs, a GSSContext as initiator or acceptor. Frames on stdin/stdout as in
 * SaslPeer: [1 byte type][int32 BE length][payload].
 *
 * Establishment: 'T' token both ways; the peer sends 'O' "<src name>\n<targ name>" once its context
 * is established (an initiator sends its last token, if any, first).
 * Then commands, each answered by one frame or 'E' "<class>: <message>":
 *   'C' plaintext -> 'W' wrap with confidentiality     'I' plaintext -> 'W' wrap, integrity only
 *   'U' token     -> 'P' [1 byte privacy][plaintext]   'M' message   -> 'M' getMIC token
 *   'V' [int32 n][message n bytes][token] -> 'O' verifyMIC ok        'Q' exit 0
 *   'K'           -> 'K' [int32 etype][key bytes]: the context key (ExtendedGSSContext
 *                    KRB5_GET_SESSION_KEY_EX), only for recording test vectors
 *
 * Arguments: --role initiator|acceptor --principal P --keytab PATH [--service nn@localhost]
 * [--mutual true|false].
 */
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.security.auth.Subject;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.MessageProp;
import org.ietf.jgss.Oid;

public final class GssPeer {
  private static final DataInputStream IN = new DataInputStream(System.in);
  private static final DataOutputStream OUT = new DataOutputStream(System.out);

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    boolean initiator = "initiator".equals(args.get("role"));
    Subject subject = GssSaslPeer.login(args, initiator);
    Subject.doAs(subject, (java.security.PrivilegedExceptionAction<Void>) () -> {
      session(args, initiator);
      return null;
    });
    System.exit(0);
  }

  private static void session(Map<String, String> args, boolean initiator) throws Exception {
    Oid krb5 = new Oid("1.2.840.113554.1.2.2");
    GSSManager m = GSSManager.getInstance();
    GSSContext ctx;
    try {
      if (initiator) {
        GSSName target = m.createName(args.get("service"), GSSName.NT_HOSTBASED_SERVICE);
        ctx = m.createContext(target, krb5, null, GSSContext.DEFAULT_LIFETIME);
        ctx.requestMutualAuth(!"false".equals(args.get("mutual")));
        ctx.requestConf(true);
        ctx.requestInteg(true);
        ctx.requestSequenceDet(true);
        ctx.requestReplayDet(true);
        byte[] out = ctx.initSecContext(new byte[0], 0, 0);
        send('T', out);
        while (!ctx.isEstablished()) {
          byte[] in = expect('T');
          if (in == null) return;
          out = ctx.initSecContext(in, 0, in.length);
          if (out != null && out.length > 0) send('T', out);
        }
      } else {
        GSSCredential cred = m.createCredential(null, GSSCredential.INDEFINITE_LIFETIME, krb5, GSSCredential.ACCEPT_ONLY);
        ctx = m.createContext(cred);
        while (!ctx.isEstablished()) {
          byte[] in = expect('T');
          if (in == null) return;
          byte[] out = ctx.acceptSecContext(in, 0, in.length);
          if (out != null && out.length > 0) send('T', out);
        }
      }
    } catch (GSSException e) {
      error(e);
      commands(null);
      return;
    }
    send('O', (ctx.getSrcName() + "\n" + ctx.getTargName()).getBytes(StandardCharsets.UTF_8));
    commands(ctx);
  }

  private static void commands(GSSContext ctx) throws IOException {
    while (true) {
      int type;
      byte[] p;
      try {
        type = IN.readUnsignedByte();
        p = new byte[IN.readInt()];
        IN.readFully(p);
      } catch (EOFException e) {
        return;
      }
      if (type == 'Q') return;
      try {
        if (ctx == null) throw new IllegalStateException("no context");
        switch (type) {
          case 'C':
          case 'I':
            send('W', ctx.wrap(p, 0, p.length, new MessageProp(0, type == 'C')));
            break;
          case 'U': {
            MessageProp mp = new MessageProp(0, false);
            byte[] plain = ctx.unwrap(p, 0, p.length, mp);
            checkSupplementary(mp);
            byte[] r = new byte[plain.length + 1];
            r[0] = (byte) (mp.getPrivacy() ? 1 : 0);
            System.arraycopy(plain, 0, r, 1, plain.length);
            send('P', r);
            break;
          }
          case 'M':
            send('M', ctx.getMIC(p, 0, p.length, new MessageProp(0, false)));
            break;
          case 'V': {
            DataInputStream d = new DataInputStream(new ByteArrayInputStream(p));
            byte[] msg = new byte[d.readInt()];
            d.readFully(msg);
            byte[] tok = d.readAllBytes();
            MessageProp mp = new MessageProp(0, false);
            ctx.verifyMIC(tok, 0, tok.length, msg, 0, msg.length, mp);
            checkSupplementary(mp);
            send('O', new byte[0]);
            break;
          }
          case 'K': {
            javax.security.auth.kerberos.EncryptionKey k = (javax.security.auth.kerberos.EncryptionKey)
                ((com.sun.security.jgss.ExtendedGSSContext) ctx).inquireSecContext(com.sun.security.jgss.InquireType.KRB5_GET_SESSION_KEY_EX);
            byte[] raw = k.getEncoded();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + raw.length);
            b.putInt(k.getKeyType());
            b.put(raw);
            send('K', b.array());
            break;
          }
          default:
            throw new IllegalStateException("unknown command " + (char) type);
        }
      } catch (Exception e) {
        error(e);
      }
    }
  }

  private static void checkSupplementary(MessageProp mp) {
    if (mp.isDuplicateToken() || mp.isGapToken() || mp.isOldToken() || mp.isUnseqToken()) {
      throw new IllegalStateException("sequence problem: duplicate=" + mp.isDuplicateToken() + " gap=" + mp.isGapToken()
          + " old=" + mp.isOldToken() + " unseq=" + mp.isUnseqToken());
    }
  }

  private static byte[] expect(char type) throws IOException {
    int t;
    byte[] p;
    try {
      t = IN.readUnsignedByte();
      p = new byte[IN.readInt()];
      IN.readFully(p);
    } catch (EOFException e) {
      return null;
    }
    if (t == 'Q') return null;
    if (t != type) throw new IOException("expected frame " + type + ", got " + (char) t);
    return p;
  }

  private static void send(char type, byte[] payload) throws IOException {
    byte[] p = payload == null ? new byte[0] : payload;
    OUT.writeByte(type);
    OUT.writeInt(p.length);
    OUT.write(p);
    OUT.flush();
  }

  private static void error(Exception e) throws IOException {
    System.err.println("GssPeer: " + e);
    String major = e instanceof GSSException ? " [major " + ((GSSException) e).getMajor() + "]" : "";
    send('E', (e.getClass().getName() + ": " + e.getMessage() + major).getBytes(StandardCharsets.UTF_8));
  }
}
