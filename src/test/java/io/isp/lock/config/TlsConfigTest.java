package io.isp.lock.config;

import io.isp.lock.support.ServiceProcess;
import io.isp.lock.support.TestCertificates;
import io.isp.lock.support.TestCertificates.Authority;
import io.isp.lock.support.TestCertificates.Pem;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.isp.lock.support.ServiceUnderTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("TLS configuration: keys that go together, TLS implied by rediss://, files checked at load (exit 2 naming the key)")
class TlsConfigTest {

  @RegisterExtension
  static final TestCertificates certs = TestCertificates.fixture();
  private static Pem server;
  private static Authority ca;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    ca = certs.authority("config CA");
    server = certs.server(ca, "server", "IP:127.0.0.1");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  @DisplayName("defaults: plain HTTP, plain Redis, host names verified when TLS is on")
  void defaults() {
    ServiceConfig config = ConfigReader.read(redis("h:1"));
    assertThat(config.http().tls()).isEmpty();
    assertThat(config.redis().tls().enabled()).isFalse();
    assertThat(config.redis().tls().verifyHostname()).isTrue();
  }

  @Test
  @DisplayName("http.tls: a certificate without its key (or the reverse), or a client CA without HTTPS, names the keys")
  void httpKeysGoTogether() {
    assertThatThrownBy(() -> ConfigReader.read(http(new JsonObject().put("certPath", "c.pem"))))
      .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.certPath and http.tls.keyPath");
    assertThatThrownBy(() -> ConfigReader.read(http(new JsonObject().put("keyPath", "k.pem"))))
      .isInstanceOf(ConfigException.class).hasMessageContaining("only http.tls.keyPath");
    assertThatThrownBy(() -> ConfigReader.read(http(new JsonObject().put("clientCaPath", "ca.pem"))))
      .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.tls.clientCaPath needs http.tls.certPath");
    HttpTls tls = ConfigReader.read(http(new JsonObject().put("certPath", "c.pem").put("keyPath", "k.pem")
      .put("clientCaPath", "ca.pem"))).http().tls().orElseThrow();
    assertThat(tls.clientCaPath()).contains("ca.pem");
  }

  @Test
  @DisplayName("redis.tls: rediss:// turns it on; a TLS file while it is off, or redis:// while it is on, is refused")
  void redisTls() {
    assertThat(ConfigReader.read(redis("rediss://h:1")).redis().tls().enabled()).isTrue();
    JsonObject sentinels = new JsonObject().put("redis", new JsonObject().put("sentinel", new JsonObject()
      .put("addresses", new JsonArray().add("rediss://s1:26379").add("s2:26379")).put("masterName", "m")));
    assertThat(ConfigReader.read(sentinels).redis().tls().enabled()).isTrue();

    JsonObject caWithoutTls = redis("h:1");
    caWithoutTls.getJsonObject("redis").put("tls", new JsonObject().put("caPath", "ca.pem"));
    assertThatThrownBy(() -> ConfigReader.read(caWithoutTls))
      .isInstanceOf(ConfigException.class).hasMessageContaining("redis.tls.caPath").hasMessageContaining("redis.tls.enabled");

    JsonObject plainScheme = redis("redis://h:1");
    plainScheme.getJsonObject("redis").put("tls", new JsonObject().put("enabled", true));
    assertThatThrownBy(() -> ConfigReader.read(plainScheme))
      .isInstanceOf(ConfigException.class).hasMessageContaining("redis://h:1");

    JsonObject certOnly = redis("rediss://h:1");
    certOnly.getJsonObject("redis").put("tls", new JsonObject().put("certPath", "c.pem"));
    assertThatThrownBy(() -> ConfigReader.read(certOnly))
      .isInstanceOf(ConfigException.class).hasMessageContaining("redis.tls.certPath and redis.tls.keyPath");
  }

  @Test
  @DisplayName("at load: a missing file, one that is not PEM, or a certificate where the key should be, each names its key")
  void filesCheckedAtLoad(@TempDir Path dir) throws IOException {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    assertLoadFails(dir, "http:\n  tls:\n    certPath: " + dir.resolve("absent.pem") + "\n    keyPath: " + server.key() + "\n",
      "http.tls.certPath: cannot read " + dir.resolve("absent.pem") + " (no such file)");
    assertLoadFails(dir, "http:\n  tls:\n    certPath: " + garbage + "\n    keyPath: " + server.key() + "\n",
      "http.tls.certPath: " + garbage + " holds no usable PEM certificate");
    assertLoadFails(dir, "http:\n  tls:\n    certPath: " + server.cert() + "\n    keyPath: " + server.cert() + "\n",
      "http.tls.keyPath: " + server.cert() + " holds no usable PEM private key");
    assertLoadFails(dir, "http:\n  tls:\n    certPath: " + server.cert() + "\n    keyPath: " + server.key()
      + "\n    clientCaPath: " + dir + "\n", "http.tls.clientCaPath: cannot read " + dir + " (not a readable file)");
    assertLoadFails(dir, "redis:\n  server: rediss://h:1\n  tls:\n    caPath: " + garbage + "\n",
      "redis.tls.caPath: " + garbage + " holds no usable PEM certificate");
    assertLoadFails(dir, "redis:\n  server: rediss://h:1\n  tls:\n    caPath: " + ca.cert() + "\n    certPath: " + server.cert()
      + "\n    keyPath: " + garbage + "\n", "redis.tls.keyPath: " + garbage + " holds no usable PEM private key");

    Path good = Files.writeString(dir.resolve("good.yaml"), "http:\n  tls:\n    certPath: " + server.cert()
      + "\n    keyPath: " + server.key() + "\n    clientCaPath: " + ca.cert() + "\nredis:\n  server: rediss://h:1\n  tls:\n"
      + "    caPath: " + ca.cert() + "\n    certPath: " + server.cert() + "\n    keyPath: " + server.key() + "\n");
    ServiceConfig config = await(ConfigLoader.load(vertx, good));
    assertThat(config.http().tls()).isPresent();
    assertThat(config.redis().tls().certPath()).contains(server.cert().toString());
  }

  @Test
  @DisplayName("the process exits 2 naming the keys: a certificate without its key, an unreadable file")
  void exit2() {
    try (ServiceProcess service = ServiceProcess.start(Map.of("HTTP_TLS_CERTPATH", server.cert().toString()))) {
      assertThat(service.awaitExit(30)).as(service.output()).isEqualTo(2);
      assertThat(service.output()).contains("http.tls.certPath and http.tls.keyPath must be set together");
    }
    try (ServiceProcess service = ServiceProcess.start(Map.of(
      "REDIS_TLS_ENABLED", "true", "REDIS_TLS_CAPATH", "/nonexistent/ca.pem"))) {
      assertThat(service.awaitExit(30)).as(service.output()).isEqualTo(2);
      assertThat(service.output()).contains("redis.tls.caPath: cannot read /nonexistent/ca.pem");
    }
  }

  private static void assertLoadFails(Path dir, String yaml, String message) throws IOException {
    Path file = Files.writeString(Files.createTempFile(dir, "config-", ".yaml"),
      yaml.contains("redis:") ? yaml : yaml + "redis:\n  server: h:1\n");
    assertThatThrownBy(() -> await(ConfigLoader.load(vertx, file)))
      .isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
  }

  private static JsonObject redis(String server) {
    return new JsonObject().put("redis", new JsonObject().put("server", server));
  }

  private static JsonObject http(JsonObject tls) {
    return redis("h:1").put("http", new JsonObject().put("tls", tls));
  }
}
