package io.isp.lock.redis;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Redis failures: fast 503 with Retry-After, readiness down, recovery without a restart")
class RedisOutageTest {

  /** Each test gets its own Redis to freeze, kill and restart, and a service on it. */
  @RegisterExtension
  final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  final ServiceUnderTest service = ServiceUnderTest.on(redis, new JsonObject().put("redis", new JsonObject().put("commandTimeout", "500ms")));

  @Test
  @DisplayName("Redis killed: 503 at once, readiness 503; Redis back: locks work and readiness is 200")
  void crashAndRecovery() {
    assertThat(service.lock("before", 30).status()).isEqualTo(200);

    redis.kill();
    long start = System.nanoTime();
    HttpResult during = service.lock("during", 30);
    // "at once": a refused connection, not a hang (margin for a slow shared machine)
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertProblem(during, 503, "redis_unavailable");
    assertThat(during.header("Retry-After")).isEqualTo("1");
    assertThat(service.get("/health/ready").status()).isEqualTo(503);
    assertThat(service.get("/health/live").status()).isEqualTo(200);

    redis.restart();
    await().atMost(Duration.ofSeconds(10)).until(() -> service.lock("after", 30).status() == 200);
    await().atMost(Duration.ofSeconds(10)).until(() -> service.get("/health/ready").status() == 200);
  }

  @Test
  @DisplayName("Redis hung: 503 within redis.commandTimeout, not a hung request")
  void hungRedis() {
    redis.pause();
    try {
      long start = System.nanoTime();
      HttpResult result = service.lock("hung", 30);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertProblem(result, 503, "redis_unavailable");
      assertThat(took).isBetween(Duration.ofMillis(400), Duration.ofMillis(2500));
      assertThat(service.get("/health/ready").status()).isEqualTo(503);
    } finally {
      redis.resume();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> service.lock("unhung", 30).status() == 200);
  }

  @Test
  @DisplayName("waiters keep working after a restart: release notices resubscribe")
  void noticesResubscribe() throws Exception {
    redis.kill();
    redis.restart();
    await().atMost(Duration.ofSeconds(10)).until(() -> service.get("/health/ready").json()
      .getJsonArray("checks").getJsonObject(0).getJsonObject("data", new JsonObject()).getBoolean("releaseNotices", false));

    try (ServiceUnderTest other = ServiceUnderTest.start(redis.address(), new JsonObject()
      .put("redis", new JsonObject().put("prefix", service.config().redis().prefix())))) {
      String holder = other.lockKeyFor("notice", 60);
      CompletableFuture<HttpResult> waiter = service.waitFor("notice", 30, 20);
      other.unlock("notice", holder);
      assertThat(waiter.get(3, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("SCRIPT FLUSH (as after a restart or failover): the next call reloads the script and succeeds")
  void noScriptRecovery() {
    String lockKey = service.lockKeyFor("flushed", 30);
    redis.cli("SCRIPT", "FLUSH");
    assertThat(service.unlock("flushed", lockKey).status()).isEqualTo(200);
    redis.cli("SCRIPT", "FLUSH");
    assertThat(service.lock("flushed", 30).status()).isEqualTo(200);
    assertThat(redis.cli("SCRIPT", "EXISTS", io.isp.lock.redis.LuaScript.LOCK.sha())).isEqualTo("1");
  }
}
