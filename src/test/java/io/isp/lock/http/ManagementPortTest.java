package io.isp.lock.http;

import io.isp.lock.config.ConfigException;
import io.isp.lock.config.ConfigReader;
import io.isp.lock.support.FreePorts;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@DisplayName("/health/* on every node: a lock-only node serves it on http.port, management.port moves it")
class ManagementPortTest {

  /** A Redis of this class's own: the lock-only node's readiness must follow it down and up. */
  @RegisterExtension
  static final RedisProcess redis = RedisProcess.fixture();

  private static final String LOCK_BODY = new JsonObject().put("key", "a").put("ttl", 5).encode();

  @Test
  @DisplayName("lock-only node (deploy.http: false): live and ready on http.port, following its own Redis; no lock API")
  void lockOnlyNode() {
    try (ServiceUnderTest node = ServiceUnderTest.on(redis, new JsonObject()
      .put("deploy", new JsonObject().put("http", false))
      .put("redis", new JsonObject().put("commandTimeout", "500ms"))).started()) {
      assertThat(node.get("/health/live").status()).isEqualTo(200);
      HttpResult ready = node.get("/health/ready");
      assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
      assertThat(ready.json().getJsonArray("checks").getJsonObject(0).getJsonObject("data").getString("redis"))
        .as("what this node's LockVerticle sees").contains(Integer.toString(redis.port()));

      assertProblem(node.post(API + "/lock", LOCK_BODY), 404, "not_found");
      assertProblem(node.get(API + "/locks/a"), 404, "not_found");
      assertProblem(node.get("/openapi.yaml"), 404, "not_found");

      redis.kill();
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> node.get("/health/ready").status() == 503);
        assertThat(node.get("/health/live").status()).isEqualTo(200);
      } finally {
        redis.restart();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> node.get("/health/ready").status() == 200);
    }
  }

  @Test
  @DisplayName("management.port: health on it, the API on http.port only; each port answers 404 for the other's paths")
  void separatePort() {
    int management = FreePorts.next();
    try (ServiceUnderTest node = ServiceUnderTest.on(redis, new JsonObject()
      .put("management", new JsonObject().put("port", management))).started()) {
      assertThat(node.managementPort()).isEqualTo(management);
      assertThat(node.getOn(management, "/health/live").status()).isEqualTo(200);
      assertThat(node.getOn(management, "/health/ready").status()).isEqualTo(200);
      assertProblem(node.getOn(management, API + "/locks/a"), 404, "not_found");
      assertProblem(node.getOn(management, "/openapi.yaml"), 404, "not_found");

      assertProblem(node.get("/health/live"), 404, "not_found");
      assertProblem(node.get("/health/ready"), 404, "not_found");
      assertThat(node.post(API + "/lock", LOCK_BODY).status()).isEqualTo(200);
      assertThat(node.get("/openapi.yaml").status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("lock-only node with management.port: health there, nothing on http.port")
  void lockOnlyNodeWithManagementPort() {
    int management = FreePorts.next();
    try (ServiceUnderTest node = ServiceUnderTest.on(redis, new JsonObject()
      .put("deploy", new JsonObject().put("http", false))
      .put("management", new JsonObject().put("port", management))).started()) {
      assertThat(node.getOn(management, "/health/ready").status()).isEqualTo(200);
      assertThatThrownBy(() -> node.get("/health/live")).as("nothing listens on http.port").isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  @DisplayName("management.port equal to http.port, with the API on: refused at load, naming the key")
  void samePortRefused() {
    JsonObject json = new JsonObject()
      .put("http", new JsonObject().put("port", 8099))
      .put("redis", new JsonObject().put("server", "localhost:6379"))
      .put("management", new JsonObject().put("port", 8099));
    assertThatThrownBy(() -> ConfigReader.read(json)).isInstanceOf(ConfigException.class).hasMessageContaining("management.port");
    json.put("deploy", new JsonObject().put("http", false));
    assertThat(ConfigReader.read(json).management().port()).contains(8099);
  }
}
