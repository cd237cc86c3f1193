package io.isp.lock.support;

import java.util.ArrayList;
import java.util.List;

/** A Redis login: {@code user} is null for plain {@code requirepass} (the default user). */
public record Credentials(String user, String password) {

  /** Password of the default user, as set by {@code requirepass}. */
  public static Credentials password(String password) {
    return new Credentials(null, password);
  }

  /** An ACL user and its password. */
  public static Credentials user(String user, String password) {
    return new Credentials(user, password);
  }

  /** The redis-cli options that log in with these credentials. */
  List<String> cliArgs() {
    List<String> args = new ArrayList<>();
    if (user != null) {
      args.add("--user");
      args.add(user);
    }
    args.add("--pass");
    args.add(password);
    args.add("--no-auth-warning");
    return args;
  }
}
