package io.isp.lock.engine;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.awaitility.Awaitility.await;

@DisplayName("Lock and unlock semantics in Redis")
class LockSemanticsTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis(new JsonObject()
      .put("redis", new JsonObject().put("defaultTimeOut", "7s")));


  @Test
  @DisplayName("without ttl the lock gets redis.defaultTimeOut")
  void defaultTtl() {
    service.post(API + "/lock", "{\"key\": \"default-ttl\"}");
    assertThat(pttl("default-ttl")).isBetween(5_000L, 7_000L);
  }

  @Test
  @DisplayName("ttl takes fractions of a second; ttlInSec is an alias")
  void ttlForms() {
    service.post(API + "/lock", "{\"key\": \"fraction\", \"ttl\": 12.5}");
    assertThat(pttl("fraction")).isBetween(11_000L, 12_500L);
    service.post(API + "/lock", "{\"key\": \"alias\", \"ttlInSec\": 12}");
    assertThat(pttl("alias")).isBetween(10_000L, 12_000L);
  }

  @Test
  @DisplayName("a lock expires after its ttl: it can be taken again, and the old lockKey no longer unlocks")
  void expiry() {
    String first = service.lockKeyFor("expiring", 0.3);
    await().atMost(Duration.ofSeconds(5)).until(() -> service.redis("EXISTS", service.redisKey("expiring")).equals("0"));
    assertProblem(service.unlock("expiring", first), 409, "not_held");
    HttpResult again = service.post(API + "/lock", "{\"key\": \"expiring\", \"waitTimeout\": 0}");
    assertThat(again.status()).isEqualTo(200);
  }

  @Test
  @DisplayName("unlock of a free key is 409 not_held")
  void notHeld() {
    assertProblem(service.unlock("never-locked", "Km1wmwaP3eKzqLbuEd46lQ=="), 409, "not_held");
  }

  @Test
  @DisplayName("unlock with another lockKey is 409 not_owner and leaves the lock alone")
  void notOwner() {
    String owner = service.lockKeyFor("owned", 30);
    assertProblem(service.unlock("owned", "Km1wmwaP3eKzqLbuEd46lQ=="), 409, "not_owner");
    assertThat(service.redis("GET", service.redisKey("owned"))).isEqualTo(owner);
    assertThat(service.unlock("owned", owner).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("waitTimeout 0 tries once: a held lock answers 409 lock_held at once")
  void tryOnce() {
    service.lockKeyFor("try-once", 30);
    long start = System.nanoTime();
    HttpResult result = service.post(API + "/lock", "{\"key\": \"try-once\", \"waitTimeout\": 0}");
    assertProblem(result, 409, "lock_held");
    // "at once": well inside lock.defaultWaitTimeout (5 s), with room for a slow shared machine
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  @DisplayName("keys are <redis.prefix>::<key> in database redis.db")
  void prefixAndDb() {
    assumeFalse(RedisFixture.onCluster(), "a Redis Cluster has only database 0");
    try (ServiceUnderTest custom = ServiceUnderTest.start(new JsonObject()
      .put("redis", new JsonObject().put("prefix", "custom-prefix-" + System.nanoTime()).put("db", 3)))) {
      String lockKey = custom.lockKeyFor("some/key:with spaces", 30);
      String redisKey = custom.config().redis().prefix() + "::some/key:with spaces";
      assertThat(custom.redis("GET", redisKey)).isEqualTo(lockKey);
      assertThat(service.redis("EXISTS", redisKey)).as("not in db 0").isEqualTo("0");
      assertThat(custom.unlock("some/key:with spaces", lockKey).status()).isEqualTo(200);
    }
  }

  private static long pttl(String key) {
    return Long.parseLong(service.redis("PTTL", service.redisKey(key)));
  }
}
