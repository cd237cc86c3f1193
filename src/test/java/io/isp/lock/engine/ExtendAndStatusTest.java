package io.isp.lock.engine;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Extend and status")
class ExtendAndStatusTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis();


  @Test
  @DisplayName("the owner sets a new TTL and gets lockKey, fencingToken and ttl back")
  void extendByOwner() {
    HttpResult lock = service.lock("ext", 5);
    String lockKey = lock.json().getString("lockKey");

    HttpResult extended = extend("ext", lockKey, 60);

    assertThat(extended.status()).isEqualTo(200);
    assertThat(extended.json()).isEqualTo(new JsonObject().put("lockKey", lockKey)
      .put("fencingToken", lock.json().getLong("fencingToken")).put("ttl", 60));
    assertThat(Long.parseLong(service.redis("PTTL", service.redisKey("ext")))).isBetween(55_000L, 60_000L);
  }

  @Test
  @DisplayName("another lockKey gets 409 not_owner and changes nothing; after expiry 409 not_held")
  void extendByOthersAndAfterExpiry() {
    String lockKey = service.lockKeyFor("ext-other", 0.5);
    assertProblem(extend("ext-other", "Km1wmwaP3eKzqLbuEd46lQ==", 60), 409, "not_owner");
    assertThat(Long.parseLong(service.redis("PTTL", service.redisKey("ext-other")))).isLessThanOrEqualTo(500L);

    await().atMost(Duration.ofSeconds(5)).until(() -> service.redis("EXISTS", service.redisKey("ext-other")).equals("0"));
    assertProblem(extend("ext-other", lockKey, 60), 409, "not_held");
  }

  @Test
  @DisplayName("shortening a lock's TTL wakes its waiters at the new expiry, not the old one")
  void shorteningWakesWaiters() throws Exception {
    String lockKey = service.lockKeyFor("shorten", 60);
    CompletableFuture<HttpResult> waiter = service.waitFor("shorten", 30, 20);
    extend("shorten", lockKey, 0.3);
    assertThat(waiter.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("status tells locked, remaining ttl and fencing token, never the lockKey; keys are URL-encoded")
  void status() {
    String key = "orders/42 with spaces+plus";
    HttpResult lock = service.lock(key, 30);
    String path = API + "/locks/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");

    HttpResult held = service.get(path);
    assertThat(held.status()).isEqualTo(200);
    assertThat(held.json().getString("key")).isEqualTo(key);
    assertThat(held.json().getBoolean("locked")).isTrue();
    assertThat(held.json().getDouble("ttl")).isBetween(25.0, 30.0);
    assertThat(held.json().getLong("fencingToken")).isEqualTo(lock.json().getLong("fencingToken"));
    assertThat(held.body()).doesNotContain(lock.json().getString("lockKey"));

    service.unlock(key, lock.json().getString("lockKey"));
    HttpResult free = service.get(path);
    assertThat(free.json().getBoolean("locked")).isFalse();
    assertThat(free.json().getValue("fencingToken")).isNull();
  }

  @Test
  @DisplayName("status of an empty or over-long key is 400 naming key")
  void statusValidation() {
    assertProblem(service.get(API + "/locks/"), 400, "invalid_field");
    assertProblem(service.get(API + "/locks/" + "a".repeat(1025)), 400, "invalid_field");
  }

  private static HttpResult extend(String key, String lockKey, double ttl) {
    return service.post(API + "/extend", new JsonObject().put("key", key).put("lockKey", lockKey).put("ttl", ttl).encode());
  }
}
