package io.isp.lock.config;

import io.isp.lock.support.ServiceProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("session.idleTimeout and session.pingInterval: defaults, durations, and a ping before the peer counts as silent")
class SessionConfigTest {

  private static ServiceConfig read(JsonObject session) {
    return ConfigReader.read(new JsonObject().put("redis", new JsonObject().put("server", "127.0.0.1:1")).put("session", session));
  }

  @Test
  @DisplayName("defaults 3 s and 1 s; durations in either syntax")
  void defaultsAndDurations() {
    assertThat(read(new JsonObject()).session()).isEqualTo(new SessionConfig(Duration.ofSeconds(3), Duration.ofSeconds(1)));
    assertThat(read(new JsonObject().put("idleTimeout", "1500ms").put("pingInterval", 0.5)).session())
      .isEqualTo(new SessionConfig(Duration.ofMillis(1500), Duration.ofMillis(500)));
  }

  @Test
  @DisplayName("nonsense is refused naming the key: zero, negative, not a duration, a ping interval not below the idle timeout")
  void nonsenseRefused() {
    assertThatThrownBy(() -> read(new JsonObject().put("idleTimeout", "0s"))).isInstanceOf(ConfigException.class)
      .hasMessageContaining("session.idleTimeout");
    assertThatThrownBy(() -> read(new JsonObject().put("pingInterval", "-1s"))).isInstanceOf(ConfigException.class)
      .hasMessageContaining("session.pingInterval");
    assertThatThrownBy(() -> read(new JsonObject().put("idleTimeout", "soon"))).isInstanceOf(ConfigException.class)
      .hasMessageContaining("session.idleTimeout");
    assertThatThrownBy(() -> read(new JsonObject().put("idleTimeout", "2s").put("pingInterval", "2s")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("session.pingInterval").hasMessageContaining("session.idleTimeout");
  }

  @Test
  @DisplayName("the process: SESSION_PINGINTERVAL not below the idle timeout exits 2 naming both keys")
  void processExits2(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("c.yaml"), "redis:\n  server: 127.0.0.1:1\n");
    try (ServiceProcess service = ServiceProcess.start(Map.of("SESSION_PINGINTERVAL", "5s"), "--config", config.toString())) {
      assertThat(service.awaitExit(30)).isEqualTo(2);
      assertThat(service.output()).contains("session.pingInterval").contains("session.idleTimeout");
    }
  }
}
