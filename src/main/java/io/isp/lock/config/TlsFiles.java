package io.isp.lock.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads every file a {@code *.tls.*Path} key names when the configuration is loaded, so that a
 * missing, unreadable or malformed one is a configuration error naming its key (exit 2), found
 * before anything starts: otherwise the HTTPS listen would fail (exit 1), and a Redis client
 * certificate would fail only when the first connection is made. The files are parsed by Vert.x's
 * own PEM loader, the one the server and the Redis client use. Whether a key belongs to its
 * certificate is not checked here: the first TLS handshake tells.
 */
final class TlsFiles {

  private TlsFiles() {
  }

  /** Checks on a worker thread (reading files blocks); fails with a {@link ConfigException}. */
  static Future<ServiceConfig> check(Vertx vertx, ServiceConfig config) {
    return vertx.executeBlocking(() -> {
      checkNow(vertx, config);
      return config;
    });
  }

  static void checkNow(Vertx vertx, ServiceConfig config) {
    config.http().tls().ifPresent(tls -> {
      certificates(vertx, "http.tls.certPath", tls.certPath());
      privateKey(vertx, "http.tls.keyPath", tls.keyCert());
      tls.clientCaPath().ifPresent(path -> certificates(vertx, "http.tls.clientCaPath", path));
    });
    RedisConfig redis = config.redis();
    // an edge node never talks to Redis, and --dev replaces it with a plain private one
    if (config.deploy().lock() && !redis.embedded()) {
      RedisTls tls = redis.tls();
      tls.caPath().ifPresent(path -> certificates(vertx, "redis.tls.caPath", path));
      tls.certPath().ifPresent(cert -> {
        certificates(vertx, "redis.tls.certPath", cert);
        privateKey(vertx, "redis.tls.keyPath", new PemKeyCertOptions().setCertPath(cert).setKeyPath(tls.keyPath().orElseThrow()));
      });
    }
  }

  private static void certificates(Vertx vertx, String key, String path) {
    readable(key, path);
    try {
      new PemTrustOptions().addCertPath(path).getTrustManagerFactory(vertx);
    } catch (Exception e) {
      throw new ConfigException(key + ": " + path + " holds no usable PEM certificate (" + e.getMessage() + ")");
    }
  }

  /** Called once the certificate file is known good: what fails now is the key. */
  private static void privateKey(Vertx vertx, String key, PemKeyCertOptions keyCert) {
    readable(key, keyCert.getKeyPath());
    try {
      keyCert.getKeyManagerFactory(vertx);
    } catch (Exception e) {
      throw new ConfigException(key + ": " + keyCert.getKeyPath() + " holds no usable PEM private key ("
        + e.getMessage() + "; PKCS#8 'BEGIN PRIVATE KEY', 'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY', unencrypted)");
    }
  }

  private static void readable(String key, String path) {
    Path file = Path.of(path);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new ConfigException(key + ": cannot read " + path
        + (Files.exists(file) ? " (not a readable file)" : " (no such file)"));
    }
  }
}
