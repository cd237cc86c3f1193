package io.isp.lock.engine;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Status counts the calls waiting for a key on every instance that shares the Redis")
class WaitersAcrossInstancesTest {

  private static final String PREFIX = "waiters-" + UUID.randomUUID();

  @RegisterExtension
  static final ServiceUnderTest first = ServiceUnderTest.onSharedRedis(prefix());
  @RegisterExtension
  static final ServiceUnderTest second = ServiceUnderTest.onSharedRedis(prefix());

  private static JsonObject prefix() {
    return new JsonObject().put("redis", new JsonObject().put("prefix", PREFIX));
  }

  private static int waiters(ServiceUnderTest instance, String key) {
    return instance.get(API + "/locks/" + key).json().getInteger("waiters");
  }

  @Test
  @DisplayName("2 waiters on one instance and 3 on the other read 5 on both; 0 once they are served; a free key 0")
  void countsEveryInstance() throws Exception {
    assertThat(waiters(first, "nobody-waits")).isZero();
    String holder = first.lockKeyFor("shared", 60);
    List<CompletableFuture<HttpResult>> waiting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      waiting.add(first.waitFor("shared", 30, 30));
    }
    for (int i = 0; i < 3; i++) {
      waiting.add(second.waitFor("shared", 30, 30));
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> waiters(first, "shared") == 5 && waiters(second, "shared") == 5);

    for (int served = 1; served <= 5; served++) {
      // whoever holds it now (the holder, then each waiter in turn) lets go
      String current = served == 1 ? holder : first.redis("GET", first.redisKey("shared"));
      assertThat(first.unlock("shared", current).status()).isEqualTo(200);
      int done = served;
      await().atMost(Duration.ofSeconds(10)).until(() -> waiting.stream().filter(CompletableFuture::isDone).count() == done);
    }
    assertThat(waiting).allSatisfy(call -> assertThat(call.join().status()).isEqualTo(200));
    first.unlock("shared", first.redis("GET", first.redisKey("shared")));
    await().atMost(Duration.ofSeconds(5)).until(() -> waiters(first, "shared") == 0 && waiters(second, "shared") == 0);
  }
}
