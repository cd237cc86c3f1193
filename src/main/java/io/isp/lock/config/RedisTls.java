package io.isp.lock.config;

import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * TLS to Redis ({@code redis.tls.*}): to a standalone server, or to the Sentinels and the master
 * they name, for commands and pub/sub alike. Off, every connection is plain text; on, every one is
 * TLS, and a server that cannot be verified is never talked to in plain text instead.
 *
 * @param caPath PEM CA certificate(s) Redis's certificate must chain to; empty: the JVM's default trust
 * @param certPath PEM client certificate, for a Redis that asks for one ({@code tls-auth-clients})
 * @param keyPath its PEM private key
 * @param verifyHostname the server's certificate must name the host name or IP address it was reached by
 */
public record RedisTls(boolean enabled, Optional<String> caPath, Optional<String> certPath, Optional<String> keyPath,
                       boolean verifyHostname) {

  /** Plain text: the private Redis of {@code --dev}, and the default. */
  public static final RedisTls OFF = new RedisTls(false, Optional.empty(), Optional.empty(), Optional.empty(), true);

  /**
   * The {@code redis.tls.*} values; a {@code rediss://} address also turns TLS on. Refused, naming the
   * keys: a certificate without its key (or the reverse); a TLS file while TLS is off (whoever set it
   * expects TLS, and would get plain text); an explicit {@code redis://} address while TLS is on.
   */
  static RedisTls from(boolean enabled, List<String> addresses, Optional<String> caPath, Optional<String> certPath,
                       Optional<String> keyPath, boolean verifyHostname) {
    boolean on = enabled || addresses.stream().anyMatch(address -> scheme(address).equals("rediss"));
    if (certPath.isPresent() != keyPath.isPresent()) {
      throw new ConfigException("redis.tls.certPath and redis.tls.keyPath must be set together, but only "
        + (certPath.isPresent() ? "redis.tls.certPath" : "redis.tls.keyPath") + " is");
    }
    if (!on) {
      List<String> set = new ArrayList<>();
      caPath.ifPresent(path -> set.add("redis.tls.caPath"));
      certPath.ifPresent(path -> set.add("redis.tls.certPath and redis.tls.keyPath"));
      if (!set.isEmpty()) {
        throw new ConfigException(String.join(", ", set) + " set, but TLS to Redis is off: set redis.tls.enabled:"
          + " true (or give redis.server as rediss://host:port)");
      }
    }
    if (on) {
      addresses.stream().filter(address -> scheme(address).equals("redis")).findFirst().ifPresent(address -> {
        throw new ConfigException("TLS to Redis is on (redis.tls.enabled, or a rediss:// address), but '" + address
          + "' asks for plain text (redis://): use rediss:// or host:port (in redis.server, redis.sentinel.addresses or redis.cluster.nodes)");
      });
    }
    return new RedisTls(on, caPath, certPath, keyPath, verifyHostname);
  }

  /** The URI scheme for an address given as {@code host:port}. */
  public String scheme() {
    return enabled ? "rediss" : "redis";
  }

  /** Adds TLS to the options of a client to Redis, when on. */
  public NetClientOptions applyTo(NetClientOptions options) {
    if (!enabled) {
      return options;
    }
    // Vert.x has no default here since 4.5.4: "HTTPS" checks the name against the certificate's
    // subjectAltName (an IP address against an IP entry), "" checks only the chain
    options.setSsl(true).setHostnameVerificationAlgorithm(verifyHostname ? "HTTPS" : "");
    caPath.ifPresent(path -> options.setTrustOptions(new PemTrustOptions().addCertPath(path)));
    certPath.ifPresent(cert -> options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(keyPath.orElseThrow())));
    return options;
  }

  private static String scheme(String address) {
    int end = address.indexOf("://");
    return end < 0 ? "" : address.substring(0, end).trim().toLowerCase(Locale.ROOT);
  }
}
