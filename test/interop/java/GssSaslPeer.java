/*
 * GSSAPI for SaslPeer: the JDK's own GssKrb5Client / GssKrb5Server (Sasl.createSaslClient /
 * createSaslServer "GSSAPI") run inside Subject.doAs after a JAAS Krb5LoginModule login from a
 * keytab, as Hadoop's UserGroupInformation.loginUserFromKeytab + doAs does. It registers the
 * mechanism in SaslPeer.MECHANISMS and hands over to SaslPeer's frame protocol.
 *
 * Arguments (in addition to SaslPeer's --role, --qop, --protocol, --server-name, --authzid ...):
 *   --principal P   the JAAS login principal (client: alice@R; server: nn/localhost@R)
 *   --keytab PATH   its keytab
 * The realm comes from -Djava.security.krb5.conf.
 */
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.sasl.AuthorizeCallback;

public final class GssSaslPeer {

  /** A JAAS configuration with one Krb5LoginModule entry for a keytab login. */
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
          new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
              AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, o)
        };
      }
    };
  }

  /** Logs in from the keytab; the subject holds the TGT (initiator) or the keys (acceptor). */
  static Subject login(Map<String, String> args, boolean initiator) throws Exception {
    return login(args.get("principal"), args.get("keytab"), initiator);
  }

  /** Logs `principal` in from `keytab` (also used by the IPC and NameNode peers). */
  static Subject login(String principal, String keytab, boolean initiator) throws Exception {
    Subject subject = new Subject();
    new LoginContext("hsec", subject, null, keytabLogin(principal, keytab, initiator)).login();
    return subject;
  }

  static final class Gssapi implements SaslPeer.Mechanism {
    public boolean serverFirst() {
      return false;
    }

    public CallbackHandler clientCallbacks(Map<String, String> args) {
      return callbacks -> {
        for (Callback cb : callbacks) {
          throw new UnsupportedCallbackException(cb);
        }
      };
    }

    /** Hadoop's SaslGssCallbackHandler: authorized iff authentication id equals authorization id. */
    public CallbackHandler serverCallbacks(Map<String, String> args) {
      return callbacks -> {
        for (Callback cb : callbacks) {
          if (cb instanceof AuthorizeCallback) {
            AuthorizeCallback ac = (AuthorizeCallback) cb;
            boolean same = ac.getAuthenticationID().equals(ac.getAuthorizationID());
            ac.setAuthorized(same);
            if (same) {
              ac.setAuthorizedID(ac.getAuthorizationID());
            }
          } else {
            throw new UnsupportedCallbackException(cb);
          }
        }
      };
    }

    public <T> T runAs(Map<String, String> args, Callable<T> session) throws Exception {
      Subject subject = login(args, !"server".equals(args.get("role")));
      return Subject.doAs(subject, (java.security.PrivilegedExceptionAction<T>) session::call);
    }
  }

  public static void main(String[] argv) throws Exception {
    SaslPeer.MECHANISMS.put("GSSAPI", new Gssapi());
    String[] all = new String[argv.length + 2];
    System.arraycopy(argv, 0, all, 0, argv.length);
    all[argv.length] = "--mechanism";
    all[argv.length + 1] = "GSSAPI";
    SaslPeer.main(all);
  }
}
