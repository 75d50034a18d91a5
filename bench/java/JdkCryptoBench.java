/*
 * The JDK side of `npm run bench` (bench/suites/token-hmac.ts, sasl-gssapi.ts): how fast the JDK
 * does what hsec does, measured in the same run on the same machine. Written for hsec's bench.
 *
 *   JdkCryptoBench hmac
 *       HmacSHA1 over 100 bytes with one Mac initialized once (how Hadoop's SecretManager checks
 *       token passwords: a thread-local Mac, init(key), doFinal(identifier)).
 *   JdkCryptoBench gssapi <clientPrincipal> <clientKeytab> <serverPrincipal> <serverKeytab>
 *       SASL GSSAPI (the JDK's GssKrb5Client / GssKrb5Server, as Hadoop's KERBEROS auth) with
 *       auth-conf and javax.security.sasl.maxbuffer 1 MiB, after JAAS keytab logins; then client
 *       wrap + server unwrap. krb5.conf comes from -Djava.security.krb5.conf.
 *
 * Both then serve measurement requests, one per stdin line, "<messageBytes> <milliseconds>", so
 * the bench can alternate JDK slices with its own on a busy machine: each answers one JSON line
 * {"ops":..,"seconds":..}. The first line printed describes the set-up ({"ready":true,...}).
 */
import java.io.*;
import java.security.PrivilegedExceptionAction;
import java.util.*;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Subject;
import javax.security.auth.callback.*;
import javax.security.auth.kerberos.KerberosTicket;
import javax.security.auth.login.*;
import javax.security.sasl.*;

public class JdkCryptoBench {
  interface Op { void run() throws Exception; }

  /** Runs `op` for warmupMs, then counts runs for durationMs; returns {ops, seconds}. */
  static double[] measure(Op op, long warmupMs, long durationMs) throws Exception {
    long end = System.nanoTime() + warmupMs * 1_000_000L;
    while (System.nanoTime() < end) op.run();
    long ops = 0, batch = 1;
    long start = System.nanoTime();
    end = start + durationMs * 1_000_000L;
    long now;
    do {
      long t0 = System.nanoTime();
      for (long i = 0; i < batch; i++) op.run();
      ops += batch;
      now = System.nanoTime();
      if (now - t0 < 10_000_000L) batch *= 2; // grow the batch until one takes ~10 ms
    } while (now < end);
    return new double[] {ops, (now - start) / 1e9};
  }

  static String result(double[] r) {
    return String.format(Locale.ROOT, "{\"ops\":%.0f,\"seconds\":%.6f}", r[0], r[1]);
  }

  static Configuration keytabLogin(String principal, String keytab, boolean initiator) {
    return new Configuration() {
      @Override
      public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        Map<String, String> o = new HashMap<>();
        o.put("useKeyTab", "true");
        o.put("keyTab", keytab);
        o.put("principal", principal);
        o.put("storeKey", "true");
        o.put("doNotPrompt", "true");
        o.put("useTicketCache", "false");
        o.put("refreshKrb5Config", "true");
        o.put("isInitiator", String.valueOf(initiator));
        return new AppConfigurationEntry[] {
          new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule", AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, o)
        };
      }
    };
  }

  static Subject login(String principal, String keytab, boolean initiator) throws Exception {
    Subject subject = new Subject();
    new LoginContext("hsec-bench", subject, null, keytabLogin(principal, keytab, initiator)).login();
    return subject;
  }

  static <T> T as(Subject s, PrivilegedExceptionAction<T> a) throws Exception {
    return Subject.doAs(s, a);
  }

  /** Answers "<bytes> <ms>" lines with {"ops","seconds"} of `op` run that long on a message of that size. */
  interface Sized { Op with(byte[] msg); }

  static void serve(Sized sized) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    Map<Integer, Op> ops = new HashMap<>();
    for (String line; (line = in.readLine()) != null; ) {
      String[] f = line.trim().split(" ");
      int size = Integer.parseInt(f[0]);
      long ms = Long.parseLong(f[1]);
      Op op = ops.computeIfAbsent(size, n -> {
        byte[] msg = new byte[n];
        Arrays.fill(msg, (byte) 0x5a);
        return sized.with(msg);
      });
      System.out.println(result(measure(op, 0, ms)));
      System.out.flush();
    }
  }

  public static void main(String[] a) throws Exception {
    if (a[0].equals("hmac")) {
      Mac mac = Mac.getInstance("HmacSHA1");
      byte[] key = new byte[8];
      new Random(1).nextBytes(key);
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      System.out.println("{\"ready\":true}");
      System.out.flush();
      serve(msg -> () -> mac.doFinal(msg));
      return;
    }
    Subject client = login(a[1], a[2], true);
    Subject server = login(a[3], a[4], false);
    String service = a[3].substring(0, a[3].indexOf('/'));
    String host = a[3].substring(a[3].indexOf('/') + 1, a[3].indexOf('@'));
    Map<String, String> props = new HashMap<>();
    props.put(Sasl.QOP, "auth-conf");
    props.put(Sasl.MAX_BUFFER, "1048576");
    CallbackHandler serverCallbacks = callbacks -> {
      for (Callback cb : callbacks) {
        if (cb instanceof AuthorizeCallback) {
          AuthorizeCallback ac = (AuthorizeCallback) cb;
          ac.setAuthorized(true);
          ac.setAuthorizedID(ac.getAuthorizationID());
        }
      }
    };
    SaslClient sc = as(client, () -> Sasl.createSaslClient(new String[] {"GSSAPI"}, null, service, host, props, null));
    SaslServer ss = as(server, () -> Sasl.createSaslServer("GSSAPI", service, host, props, serverCallbacks));
    byte[] token = as(client, () -> sc.evaluateChallenge(new byte[0]));
    while (!sc.isComplete() || !ss.isComplete()) {
      final byte[] in = token;
      byte[] challenge = as(server, () -> ss.evaluateResponse(in));
      if (sc.isComplete()) break;
      final byte[] ch = challenge == null ? new byte[0] : challenge;
      token = as(client, () -> sc.evaluateChallenge(ch));
      if (token == null) token = new byte[0];
    }
    if (!"auth-conf".equals(sc.getNegotiatedProperty(Sasl.QOP))) throw new IllegalStateException("QOP " + sc.getNegotiatedProperty(Sasl.QOP));
    String enctype = "unknown";
    for (KerberosTicket t : client.getPrivateCredentials(KerberosTicket.class)) {
      if (t.getServer().getName().startsWith(service + "/")) enctype = String.valueOf(t.getSessionKeyType());
    }
    System.out.println("{\"ready\":true,\"enctype\":\"" + enctype + "\",\"rawSendSize\":\"" + sc.getNegotiatedProperty(Sasl.RAW_SEND_SIZE) + "\"}");
    System.out.flush();
    serve(msg -> () -> {
      byte[] w = sc.wrap(msg, 0, msg.length);
      ss.unwrap(w, 0, w.length);
    });
  }
}
