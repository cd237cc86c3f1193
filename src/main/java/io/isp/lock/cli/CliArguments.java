package io.isp.lock.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The lock command's command line: {@code [--url URL] [--token T] [--ttl S] [--wait S] [--grace S]
 * KEY [--] COMMAND [ARG...]}, with {@code ISP_LOCK_URL} and {@code ISP_LOCK_TOKEN} as the defaults
 * of {@code --url} and {@code --token}.
 */
record CliArguments(URI url, String token, double ttlSeconds, double waitSeconds, double graceSeconds,
                    String key, List<String> command) {

  static final String DEFAULT_URL = "http://127.0.0.1:8080";
  static final double DEFAULT_TTL = 30;
  static final double DEFAULT_WAIT = 0;
  static final double DEFAULT_GRACE = 10;

  /** The command line is wrong: the message says how, and the usage text follows it. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** {@code --help}: the usage text, and nothing else. */
  static final class HelpRequested extends Exception {
    HelpRequested() {
      super("help");
    }
  }

  static CliArguments parse(String[] args, Map<String, String> env) throws UsageException, HelpRequested {
    String url = env.getOrDefault("ISP_LOCK_URL", "");
    url = url.isEmpty() ? DEFAULT_URL : url;
    String token = env.getOrDefault("ISP_LOCK_TOKEN", "");
    double ttl = DEFAULT_TTL;
    double wait = DEFAULT_WAIT;
    double grace = DEFAULT_GRACE;
    int i = 0;
    while (i < args.length && args[i].startsWith("-") && !args[i].equals("--")) {
      String option = args[i];
      String value = null;
      int equals = option.indexOf('=');
      if (equals > 0) {
        value = option.substring(equals + 1);
        option = option.substring(0, equals);
      }
      if (option.equals("-h") || option.equals("--help")) {
        throw new HelpRequested();
      }
      if (!List.of("--url", "--token", "--ttl", "--wait", "--grace").contains(option)) {
        throw new UsageException("unknown option " + option);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(option + " needs a value");
        }
        value = args[++i];
      }
      switch (option) {
        case "--url" -> url = value;
        case "--token" -> token = value;
        case "--ttl" -> ttl = seconds(option, value, false);
        case "--wait" -> wait = seconds(option, value, true);
        default -> grace = seconds(option, value, true);
      }
      i++;
    }
    if (i >= args.length || args[i].equals("--")) {
      throw new UsageException("KEY is missing");
    }
    String key = args[i++];
    if (key.isEmpty()) {
      throw new UsageException("KEY is empty");
    }
    if (i < args.length && args[i].equals("--")) {
      i++;
    }
    if (i >= args.length) {
      throw new UsageException("COMMAND is missing");
    }
    return new CliArguments(serviceUrl(url), token, ttl, wait, grace, key, List.copyOf(Arrays.asList(args).subList(i, args.length)));
  }

  /** Seconds as a decimal number: more than 0 ({@code zeroAllowed}: at least 0), finite. */
  private static double seconds(String option, String value, boolean zeroAllowed) throws UsageException {
    double seconds;
    try {
      seconds = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " takes seconds (e.g. 10 or 0.5), not '" + value + "'");
    }
    if (!Double.isFinite(seconds) || seconds < 0 || (seconds == 0 && !zeroAllowed)) {
      throw new UsageException(option + " must be " + (zeroAllowed ? "0 or more" : "more than 0") + " seconds, not '" + value + "'");
    }
    return seconds;
  }

  private static URI serviceUrl(String url) throws UsageException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new UsageException("--url is not a URL: " + url);
    }
    if (uri.getScheme() == null || !List.of("http", "https", "ws", "wss").contains(uri.getScheme().toLowerCase())
      || uri.getHost() == null) {
      throw new UsageException("--url must be http://HOST[:PORT] or https://HOST[:PORT], not '" + url + "'");
    }
    return uri;
  }

  /** https and wss: TLS. */
  boolean tls() {
    String scheme = url.getScheme().toLowerCase();
    return scheme.equals("https") || scheme.equals("wss");
  }

  int port() {
    return url.getPort() > 0 ? url.getPort() : tls() ? 443 : 80;
  }

  /** The session endpoint under the URL's path (a service behind a reverse proxy may sit under a prefix). */
  String sessionPath() {
    String base = url.getRawPath() == null ? "" : url.getRawPath();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "/api/isp-lock-service/session";
  }
}
