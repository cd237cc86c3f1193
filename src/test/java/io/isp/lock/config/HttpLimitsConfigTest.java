package io.isp.lock.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static io.isp.lock.support.ServiceUnderTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("http.idleTimeout and http.maxConnections: defaults, derivation from the fd limit, validation")
class HttpLimitsConfigTest {

  private static JsonObject withHttp(JsonObject http) {
    return new JsonObject().put("redis", new JsonObject().put("server", "h:1")).put("http", http);
  }

  @Test
  @DisplayName("absent: idleTimeout 30 s, maxConnections derived from this process's fd limit")
  void defaults() {
    HttpConfig http = ConfigReader.read(withHttp(new JsonObject())).http();
    assertThat(http.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    long fdLimit = ((com.sun.management.UnixOperatingSystemMXBean)
      java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
    assertThat(http.maxConnections()).isEqualTo(HttpConfig.defaultMaxConnections(fdLimit));
  }

  @Test
  @DisplayName("the shipped conf/config.yaml has both keys at their defaults")
  void shippedFile() {
    Vertx vertx = Vertx.vertx();
    try {
      HttpConfig http = await(ConfigLoader.load(vertx, Path.of("conf/config.yaml"))).http();
      assertThat(http.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(http.maxConnections()).isPositive();
    } finally {
      await(vertx.close());
    }
    assertThat(ConfigKey.all()).extracting(ConfigKey::name).contains("http.idleTimeout", "http.maxConnections");
  }

  @Test
  @DisplayName("0 derives max(16, fdLimit * 3 / 4 - 64); a number is taken as is")
  void derivedMaxConnections() {
    assertThat(HttpConfig.defaultMaxConnections(400)).isEqualTo(236);
    assertThat(HttpConfig.defaultMaxConnections(1024)).isEqualTo(704);
    assertThat(HttpConfig.defaultMaxConnections(10_000)).isEqualTo(7436);
    assertThat(HttpConfig.defaultMaxConnections(64)).isEqualTo(16);
    assertThat(HttpConfig.defaultMaxConnections(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    assertThat(HttpConfig.defaultMaxConnections(1L << 62)).as("no overflow").isEqualTo(Integer.MAX_VALUE);
    assertThat(ConfigReader.read(withHttp(new JsonObject().put("maxConnections", "20"))).http().maxConnections())
      .isEqualTo(20);
    assertThat(ConfigReader.read(withHttp(new JsonObject().put("idleTimeout", "250ms"))).http().idleTimeout())
      .isEqualTo(Duration.ofMillis(250));
  }

  @Test
  @DisplayName("a negative maxConnections, or an idleTimeout of 0, names the key")
  void invalid() {
    assertThatThrownBy(() -> ConfigReader.read(withHttp(new JsonObject().put("maxConnections", -1))))
      .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.maxConnections:");
    assertThatThrownBy(() -> ConfigReader.read(withHttp(new JsonObject().put("idleTimeout", "0s"))))
      .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.idleTimeout:");
  }
}
