package io.isp.lock.redis;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisCluster;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Redis Cluster with a password on every node: redis.password applies to all of them")
class ClusterAuthTest {

  private static final String PASSWORD = "cluster-secret";

  @RegisterExtension
  @Order(1)
  static final RedisCluster cluster = RedisCluster.fixture().withPassword(PASSWORD);
  @RegisterExtension
  @Order(2)
  static final ServiceUnderTest service = ServiceUnderTest.on(cluster,
    new JsonObject().put("redis", new JsonObject().put("password", PASSWORD)));

  @Test
  @DisplayName("locks on every master with the password; a wrong one fails start-up naming the credentials")
  void password() {
    for (String key : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
      HttpResult lock = service.lock(key, 30);
      assertThat(lock.status()).as(lock.toString()).isEqualTo(200);
      assertThat(service.unlock(key, lock.json().getString("lockKey")).status()).isEqualTo(200);
    }
    assertThat(service.get("/health/ready").status()).isEqualTo(200);

    Throwable failure = ServiceUnderTest.startupFailure(new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
      .put("redis", new JsonObject().put("password", "wrong")
        .put("cluster", new JsonObject().put("nodes", new JsonArray(cluster.seeds())))));
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("credentials");
  }
}
