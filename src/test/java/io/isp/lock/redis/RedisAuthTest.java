package io.isp.lock.redis;

import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Redis ACL user and password")
class RedisAuthTest {

  @RegisterExtension
  static final RedisProcess redis = RedisProcess.fixtureWithConfig(List.of("user default off", "user locker on >s3cret ~* &* +@all"))
    .loggingInAs("locker", "s3cret");

  @Test
  @DisplayName("redis.userName + redis.password authenticate; locks work")
  void aclUser() {
    try (ServiceUnderTest service = ServiceUnderTest.start(redis.host() + ":" + redis.port(), credentials("s3cret"))) {
      String lockKey = service.lockKeyFor("acl", 30);
      assertThat(service.redis("GET", service.redisKey("acl"))).isEqualTo(lockKey);
      assertThat(service.unlock("acl", lockKey).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a wrong password fails start-up with a message naming the keys to fix")
  void wrongPassword() {
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("redis", new JsonObject().put("server", redis.host() + ":" + redis.port())
        .put("userName", "locker").put("password", "wrong"));
    Throwable failure = ServiceUnderTest.startupFailure(config);
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("redis.userName/redis.password").contains("WRONGPASS");
  }

  private static JsonObject credentials(String password) {
    return new JsonObject().put("redis", new JsonObject().put("userName", "locker").put("password", password));
  }
}
