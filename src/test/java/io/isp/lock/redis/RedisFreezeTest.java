package io.isp.lock.redis;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Redis frozen or down while calls wait: every waiter hears of it, and no grant outlives its caller")
class RedisFreezeTest {

  /** redis.commandTimeout in these tests. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  /** What a slow, shared 2-core machine may add to it: the outage probe's period, scheduling, GC. */
  private static final Duration MARGIN = Duration.ofMillis(1500);

  /** Each test gets its own Redis to freeze, kill and restart, and a service on it. */
  @RegisterExtension
  final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  final ServiceUnderTest service = ServiceUnderTest.on(redis, new JsonObject().put("redis", new JsonObject().put("commandTimeout", COMMAND_TIMEOUT.toMillis() + "ms")));

  @Test
  @DisplayName("a hand-over that timed out and runs late in Redis does not leave the key to a waiter that has gone")
  void lateHandOverIsReleased() throws Exception {
    String holder = service.lockKeyFor("h", 30);
    CompletableFuture<HttpResult> waiter = service.waitFor("h", 30, 3);

    redis.pause();
    // the unlock's script (handing h to the waiter) is queued in the frozen Redis
    assertProblem(service.unlock("h", holder), 503, "redis_unavailable");
    HttpResult waited = waiter.get(10, TimeUnit.SECONDS);
    assertThat(waited.status()).as(waited.toString()).isIn(409, 503);
    redis.resume();

    // the queued script now runs and hands h to the waiter's token: that grant must be given back
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
      .until(() -> service.redis("EXISTS", service.redisKey("h")).equals("0"));
    assertThat(service.lock("h", 30).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a lock attempt that timed out and is granted late is given back")
  void lateAcquireIsReleased() {
    redis.pause();
    assertProblem(service.post(ServiceUnderTest.API + "/lock", "{\"key\": \"late\", \"ttl\": 60, \"waitTimeout\": 0}"),
      503, "redis_unavailable");
    redis.resume();

    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
      .until(() -> service.redis("EXISTS", service.redisKey("late")).equals("0"));
  }

  @Test
  @DisplayName("Redis frozen: every waiter behind the head gets 503 within redis.commandTimeout, not 409 at its waitTimeout")
  void frozenRedisReachesEveryWaiter() throws Exception {
    service.lockKeyFor("q", 30);
    List<CompletableFuture<HttpResult>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(service.waitFor("q", 30, 20));
    }

    long frozenAt = System.nanoTime();
    redis.pause();
    for (CompletableFuture<HttpResult> waiter : waiters) {
      HttpResult answer = waiter.get(20, TimeUnit.SECONDS);
      assertProblem(answer, 503, "redis_unavailable");
      assertThat(answer.header("Retry-After")).isEqualTo("1");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).isLessThan(COMMAND_TIMEOUT.plus(MARGIN));
  }

  @Test
  @DisplayName("Redis frozen during an unlock: the waiters learn of it with the unlock, not at their waitTimeout")
  void frozenDuringUnlock() throws Exception {
    String holder = service.lockKeyFor("u", 30);
    List<CompletableFuture<HttpResult>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(service.waitFor("u", 30, 20));
    }

    redis.pause();
    long unlockAt = System.nanoTime();
    assertProblem(service.unlock("u", holder), 503, "redis_unavailable");
    for (CompletableFuture<HttpResult> waiter : waiters) {
      assertProblem(waiter.get(20, TimeUnit.SECONDS), 503, "redis_unavailable");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - unlockAt)).isLessThan(COMMAND_TIMEOUT.plus(MARGIN));
    redis.resume();
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
      .until(() -> service.redis("EXISTS", service.redisKey("u")).equals("0"));
  }

  @Test
  @DisplayName("Redis down: every waiter gets 503 at once")
  void downRedisReachesEveryWaiter() throws Exception {
    service.lockKeyFor("d", 30);
    List<CompletableFuture<HttpResult>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(service.waitFor("d", 30, 20));
    }

    long killedAt = System.nanoTime();
    redis.kill();
    for (CompletableFuture<HttpResult> waiter : waiters) {
      assertProblem(waiter.get(20, TimeUnit.SECONDS), 503, "redis_unavailable");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(MARGIN);
  }
}
