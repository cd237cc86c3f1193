package io.isp.lock.engine;

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

@DisplayName("Blocking lock: waits like sync.Mutex.Lock and is woken, in order, without polling")
class WaitingTest {

  /** A Redis of our own, so that its command counters count only us. */
  @RegisterExtension
  static final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.on(redis, new JsonObject());

  @Test
  @DisplayName("a waiter gets the lock as soon as the holder unlocks, long before the TTL")
  void wokenByUnlock() throws Exception {
    String holder = service.lockKeyFor("unlock-wakes", 30);
    CompletableFuture<HttpResult> waiter = service.waitFor("unlock-wakes", 30, 20);

    long unlockedAt = System.nanoTime();
    assertThat(service.unlock("unlock-wakes", holder).status()).isEqualTo(200);
    HttpResult granted = waiter.get(5, TimeUnit.SECONDS);

    assertThat(granted.status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - unlockedAt)).isLessThan(Duration.ofSeconds(2));
    assertThat(service.redis("GET", service.redisKey("unlock-wakes"))).isEqualTo(granted.json().getString("lockKey"));
  }

  @Test
  @DisplayName("a waiter gets the lock when the holder's TTL runs out without an unlock")
  void wokenByExpiry() throws Exception {
    service.lockKeyFor("expiry-wakes", 1);
    long start = System.nanoTime();
    CompletableFuture<HttpResult> waiter = service.waitFor("expiry-wakes", 30, 20);

    assertThat(waiter.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  @DisplayName("when waitTimeout runs out the answer is 409 lock_held")
  void waitRunsOut() {
    service.lockKeyFor("wait-runs-out", 30);
    long start = System.nanoTime();
    HttpResult result = service.post(ServiceUnderTest.API + "/lock", "{\"key\": \"wait-runs-out\", \"waitTimeout\": 0.5}");
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertProblem(result, 409, "lock_held");
    assertThat(waited).isBetween(Duration.ofMillis(450), Duration.ofSeconds(2));
  }

  @Test
  @DisplayName("waiters are served in arrival order, one per release")
  void fifo() throws Exception {
    String holder = service.lockKeyFor("fifo", 30);
    List<CompletableFuture<HttpResult>> waiters = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiters.add(service.waitFor("fifo", 30, 30));
    }

    String current = holder;
    for (int i = 0; i < waiters.size(); i++) {
      assertThat(service.unlock("fifo", current).status()).isEqualTo(200);
      HttpResult granted = waiters.get(i).get(5, TimeUnit.SECONDS);
      assertThat(granted.status()).as("waiter %d", i).isEqualTo(200);
      for (int later = i + 1; later < waiters.size(); later++) {
        assertThat(waiters.get(later)).as("waiter %d must still wait", later).isNotDone();
      }
      current = granted.json().getString("lockKey");
    }
    assertThat(service.unlock("fifo", current).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("with 300 waiters on one key, joining the queue costs no Redis call, each release one, and it wakes exactly the next")
  void manyWaitersOneCallPerRelease() throws Exception {
    String holder = service.lockKeyFor("crowd", 60);
    int waitingElsewhere = service.waiters(); // other tests' waiters may still be timing out
    long beforeArrivals = scriptCalls();
    List<CompletableFuture<HttpResult>> waiters = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      waiters.add(service.postAsync(ServiceUnderTest.API + "/lock",
        "{\"key\": \"crowd\", \"ttl\": 60, \"waitTimeout\": 60}"));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> service.waiters() == waitingElsewhere + 300);
    assertThat(scriptCalls() - beforeArrivals)
      .as("only the first arrival tries Redis; the others queue behind it").isEqualTo(1);

    String current = holder;
    for (int release = 1; release <= 5; release++) {
      long before = scriptCalls();
      assertThat(service.unlock("crowd", current).status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).until(() -> waiters.stream().filter(CompletableFuture::isDone).count() >= 1);
      List<CompletableFuture<HttpResult>> done = waiters.stream().filter(CompletableFuture::isDone).toList();
      assertThat(done).as("release %d wakes exactly one waiter", release).hasSize(1);
      assertThat(scriptCalls() - before).as("the unlock hands over in its own script call").isEqualTo(1);
      waiters.removeAll(done);
      current = done.get(0).get().json().getString("lockKey");
    }
    assertThat(service.waiters()).isEqualTo(waitingElsewhere + 295);
  }

  @Test
  @DisplayName("a release through another instance wakes this instance's waiter (pub/sub notice)")
  void wokenAcrossInstances() throws Exception {
    JsonObject samePrefix = new JsonObject().put("redis", new JsonObject().put("prefix", service.config().redis().prefix()));
    try (ServiceUnderTest other = ServiceUnderTest.start(redis.address(), samePrefix)) {
      String holder = other.lockKeyFor("across", 30);
      List<CompletableFuture<HttpResult>> waiters = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        waiters.add(service.waitFor("across", 30, 20));
      }
      long before = scriptCalls();

      long unlockedAt = System.nanoTime();
      assertThat(other.unlock("across", holder).status()).isEqualTo(200);

      assertThat(waiters.get(0).get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - unlockedAt)).isLessThan(Duration.ofSeconds(2));
      // the unlock, then only the head of the queue tries: not one attempt per waiter
      assertThat(scriptCalls() - before).isLessThanOrEqualTo(3);
      assertThat(waiters.subList(1, waiters.size())).noneMatch(CompletableFuture::isDone);
    }
  }

  private static long scriptCalls() {
    long calls = 0;
    for (String line : redis.cli("INFO", "commandstats").split("\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        calls += Long.parseLong(line.replaceAll("^cmdstat_\\w+:calls=(\\d+),.*", "$1").trim());
      }
    }
    return calls;
  }
}
