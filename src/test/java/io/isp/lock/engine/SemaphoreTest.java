package io.isp.lock.engine;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Semaphores: N permits, each expiring on its own TTL; waiters woken in order by releases")
class SemaphoreTest {

  /** A Redis of our own: the tests count its keys. */
  @RegisterExtension
  static final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.on(redis, new JsonObject());

  @Test
  @DisplayName("3 permits, 12 workers on two instances, 5 rounds each: never more than 3 holders at once, and 3 are reached")
  void capsConcurrencyExactly() throws Exception {
    JsonObject samePrefix = new JsonObject().put("redis", new JsonObject().put("prefix", service.config().redis().prefix()));
    try (ServiceUnderTest other = ServiceUnderTest.start(redis.address(), samePrefix)) {
      capsConcurrency(List.of(service, other));
    }
  }

  private static void capsConcurrency(List<ServiceUnderTest> instances) throws Exception {
    int permits = 3;
    int workers = 12;
    int rounds = 5;
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger highWater = new AtomicInteger();
    AtomicInteger grants = new AtomicInteger();
    Set<Long> fencingTokens = ConcurrentHashMap.newKeySet();
    List<String> violations = new CopyOnWriteList();
    List<CompletableFuture<Void>> running = new ArrayList<>();
    // a thread per worker: the common pool has a single thread on a 2-core machine
    ExecutorService threads = Executors.newFixedThreadPool(workers);
    for (int w = 0; w < workers; w++) {
      ServiceUnderTest via = instances.get(w % instances.size());
      running.add(CompletableFuture.runAsync(() -> {
        for (int round = 0; round < rounds; round++) {
          HttpResult granted = via.post(API + "/semaphore/acquire", new JsonObject().put("key", "cap")
            .put("permits", permits).put("ttl", 30).put("waitTimeout", 60).encode());
          if (granted.status() != 200) {
            violations.add("acquire: " + granted);
            return;
          }
          int now = holding.incrementAndGet();
          highWater.accumulateAndGet(now, Math::max);
          grants.incrementAndGet();
          fencingTokens.add(granted.json().getLong("fencingToken"));
          if (granted.json().getInteger("holders") > permits) {
            violations.add("holders " + granted.json());
          }
          if (round == 0) {
            // every worker wants a permit at first, so the first 3 grants go to 3 workers in their first
            // round: holding on until 3 were out at once makes the high-water mark reach 3
            await().atMost(Duration.ofSeconds(20)).until(() -> highWater.get() >= permits);
          }
          // the checker: Redis itself never counts more than the permits
          int inRedis = status("cap").getInteger("holders");
          if (inRedis > permits) {
            violations.add("status holders " + inRedis);
          }
          holding.decrementAndGet();
          HttpResult released = via.post(API + "/semaphore/release", new JsonObject().put("key", "cap")
            .put("lockKey", granted.json().getString("lockKey")).encode());
          if (released.status() != 200) {
            violations.add("release: " + released);
          }
        }
      }, threads));
    }
    try {
      CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }

    assertThat(violations).isEmpty();
    assertThat(highWater.get()).as("the high-water mark of concurrent holders").isEqualTo(permits);
    assertThat(grants.get()).isEqualTo(workers * rounds);
    assertThat(fencingTokens).as("every permit has its own fencing token").hasSize(workers * rounds);
    assertThat(status("cap").getInteger("holders")).isZero();
  }

  @Test
  @DisplayName("a permit whose TTL runs out frees itself only: a waiter gets it, the other holder keeps its own")
  void expiredPermitFreesOnlyItself() throws Exception {
    HttpResult shortLived = acquire("expiry", 2, 1, 0);
    HttpResult longLived = acquire("expiry", 2, 60, 0);
    assertThat(shortLived.status()).isEqualTo(200);
    assertThat(longLived.status()).isEqualTo(200);
    long start = System.nanoTime();

    HttpResult waiter = acquire("expiry", 2, 60, 20);

    assertThat(waiter.status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("woken at the short permit's expiry").isLessThan(Duration.ofSeconds(4));
    assertThat(waiter.json().getLong("fencingToken")).isGreaterThan(longLived.json().getLong("fencingToken"));
    assertThat(status("expiry").getInteger("holders")).isEqualTo(2);
    assertProblem(release("expiry", shortLived.json().getString("lockKey")), 409, "not_owner");
    HttpResult extended = service.post(API + "/semaphore/extend", new JsonObject().put("key", "expiry")
      .put("lockKey", longLived.json().getString("lockKey")).put("ttl", 30).encode());
    assertThat(extended.status()).isEqualTo(200);
    assertThat(extended.json().getLong("fencingToken")).isEqualTo(longLived.json().getLong("fencingToken"));
    assertThat(release("expiry", longLived.json().getString("lockKey")).status()).isEqualTo(200);
    assertThat(release("expiry", waiter.json().getString("lockKey")).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> status("expiry").getInteger("waiters") == 0);
    assertThat(status("expiry")).isEqualTo(new JsonObject().put("key", "expiry").putNull("permits").put("holders", 0).put("waiters", 0));
    assertThat(redis.cli("KEYS", "*semaphore*:expiry")).as("an idle semaphore leaves nothing in Redis").isBlank();
  }

  @Test
  @DisplayName("waiters of one instance are served in arrival order, one per release, long before the holders' TTL, each handed over inside the release's own script call")
  void fifoWokenByReleases() throws Exception {
    List<String> holders = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      holders.add(acquire("fifo", 2, 60, 0).json().getString("lockKey"));
    }
    List<CompletableFuture<HttpResult>> waiters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waiters.add(waitFor("fifo", 2, 60, 30));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> status("fifo").getInteger("waiters") == 4);

    for (int i = 0; i < waiters.size(); i++) {
      long releasedAt = System.nanoTime();
      long callsBefore = scriptCalls();
      assertThat(release("fifo", holders.remove(0)).status()).isEqualTo(200);
      HttpResult granted = waiters.get(i).get(5, TimeUnit.SECONDS);
      assertThat(scriptCalls() - callsBefore).as("the release hands the permit over in its own script call").isEqualTo(1);
      assertThat(granted.status()).as("waiter %d", i).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - releasedAt)).isLessThan(Duration.ofSeconds(3));
      for (int later = i + 1; later < waiters.size(); later++) {
        assertThat(waiters.get(later)).as("waiter %d must still wait", later).isNotDone();
      }
      holders.add(granted.json().getString("lockKey"));
    }
    for (String holder : holders) {
      assertThat(release("fifo", holder).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a release through another instance wakes this instance's waiter (the release notice)")
  void wokenAcrossInstances() throws Exception {
    JsonObject samePrefix = new JsonObject().put("redis", new JsonObject().put("prefix", service.config().redis().prefix()));
    try (ServiceUnderTest other = ServiceUnderTest.start(redis.address(), samePrefix)) {
      HttpResult held = other.post(API + "/semaphore/acquire",
        new JsonObject().put("key", "across").put("permits", 1).put("ttl", 60).encode());
      assertThat(held.status()).isEqualTo(200);
      CompletableFuture<HttpResult> waiter = waitFor("across", 1, 60, 30);

      long releasedAt = System.nanoTime();
      assertThat(other.post(API + "/semaphore/release", new JsonObject().put("key", "across")
        .put("lockKey", held.json().getString("lockKey")).encode()).status()).isEqualTo(200);

      assertThat(waiter.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - releasedAt)).isLessThan(Duration.ofSeconds(3));
      assertThat(release("across", waiter.get().json().getString("lockKey")).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a caller giving another size gets 409 permits_mismatch; a full semaphore 409 lock_held after waitTimeout")
  void mismatchAndFull() {
    String holder = acquire("sized", 1, 60, 0).json().getString("lockKey");

    HttpResult mismatch = acquire("sized", 2, 60, 0);
    assertProblem(mismatch, 409, "permits_mismatch");
    assertThat(mismatch.json().getString("detail")).contains("1 permits");
    assertProblem(acquire("sized", 2, 60, 1), 409, "permits_mismatch");
    long start = System.nanoTime();
    assertProblem(acquire("sized", 1, 60, 0.5), 409, "lock_held");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
    // the waiter that gave up is withdrawn from the published counts within a tick
    await().atMost(Duration.ofSeconds(5)).until(() -> status("sized").getInteger("waiters") == 0);
    assertThat(status("sized")).isEqualTo(new JsonObject().put("key", "sized").put("permits", 1).put("holders", 1).put("waiters", 0));

    assertThat(release("sized", holder).status()).isEqualTo(200);
    assertThat(acquire("sized", 2, 60, 0).status()).as("a free semaphore takes the new size").isEqualTo(200);
    assertThat(service.metrics().samples()).as("isp_lock_requests_total counts the semaphore operations")
      .anyMatch(sample -> sample.name().equals("isp_lock_requests_total")
        && "semaphore_acquire".equals(sample.labels().get("op")) && "permits_mismatch".equals(sample.labels().get("outcome")));
  }

  @Test
  @DisplayName("release and extend by a lockKey that holds no permit are refused and change nothing")
  void wrongLockKeyRefused() {
    HttpResult held = acquire("owned", 3, 60, 0);
    String lockKey = held.json().getString("lockKey");
    String stranger = "AAAAAAAAAAAAAAAAAAAAAA==";

    assertProblem(release("owned", stranger), 409, "not_owner");
    assertProblem(service.post(API + "/semaphore/extend",
      new JsonObject().put("key", "owned").put("lockKey", stranger).put("ttl", 1).encode()), 409, "not_owner");
    assertProblem(release("nothing-held", lockKey), 409, "not_held");
    assertProblem(release("owned", "permits"), 409, "not_owner");
    assertThat(status("owned").getInteger("holders")).isEqualTo(1);
    // a lock of the same name is another thing
    assertProblem(service.unlock("owned", lockKey), 409, "not_held");
    assertThat(release("owned", lockKey).status()).isEqualTo(200);
    assertProblem(release("owned", lockKey), 409, "not_held");
  }

  @Test
  @DisplayName("a client that disconnects while waiting stops waiting; the next release does not go to it")
  void disconnectCancelsTheWait() throws Exception {
    String holder = acquire("gone", 1, 60, 0).json().getString("lockKey");
    int before = service.waiters();
    try (Socket client = new Socket("127.0.0.1", service.port())) {
      String body = new JsonObject().put("key", "gone").put("permits", 1).put("ttl", 60).put("waitTimeout", 60).encode();
      OutputStream out = client.getOutputStream();
      out.write(("POST " + API + "/semaphore/acquire HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == before + 1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == before);

    assertThat(release("gone", holder).status()).isEqualTo(200);
    assertThat(status("gone").getInteger("holders")).isZero();
    assertThat(acquire("gone", 1, 60, 0).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a call waiting for a permit hears at once that Redis is gone: 503 redis_unavailable, not at its waitTimeout")
  void outageAnswersWaiters() throws Exception {
    try (RedisProcess own = RedisProcess.fixture().started();
         ServiceUnderTest onIt = ServiceUnderTest.on(own, new JsonObject()
           .put("redis", new JsonObject().put("commandTimeout", "500ms"))).started()) {
      assertThat(onIt.post(API + "/semaphore/acquire", new JsonObject().put("key", "down").put("permits", 1)
        .put("ttl", 60).encode()).status()).isEqualTo(200);
      int before = onIt.waiters();
      CompletableFuture<HttpResult> waiter = onIt.postAsync(API + "/semaphore/acquire", new JsonObject().put("key", "down")
        .put("permits", 1).put("ttl", 60).put("waitTimeout", 60).encode());
      await().atMost(Duration.ofSeconds(10)).until(() -> onIt.waiters() == before + 1);

      long killedAt = System.nanoTime();
      own.kill();
      assertProblem(waiter.get(30, TimeUnit.SECONDS), 503, "redis_unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("the event bus serves the same operations with the HTTP bodies")
  void overTheEventBus() {
    JsonObject granted = ServiceUnderTest.await(service.vertx().eventBus().<JsonObject>request("isp-lock-service.semaphore.acquire",
      new JsonObject().put("key", "bus").put("permits", 2).put("ttl", 30))).body();
    assertThat(granted.getInteger("holders")).isEqualTo(1);
    assertThat(granted.getLong("fencingToken")).isPositive();
    JsonObject status = ServiceUnderTest.await(service.vertx().eventBus().<JsonObject>request("isp-lock-service.semaphore.status",
      new JsonObject().put("key", "bus"))).body();
    assertThat(status.getInteger("permits")).isEqualTo(2);
    JsonObject extended = ServiceUnderTest.await(service.vertx().eventBus().<JsonObject>request("isp-lock-service.semaphore.extend",
      granted.copy().put("key", "bus").put("ttl", 5))).body();
    assertThat(extended.getDouble("ttl")).isEqualTo(5.0);
    ServiceUnderTest.await(service.vertx().eventBus().request("isp-lock-service.semaphore.release",
      new JsonObject().put("key", "bus").put("lockKey", granted.getString("lockKey"))));
    assertThat(status("bus").getInteger("holders")).isZero();
  }

  @ParameterizedTest(name = "acquire {0} -> 400 naming {1}")
  @CsvSource(delimiter = '|', value = {
    "{\"key\": \"v\"}                                   | permits",
    "{\"key\": \"v\", \"permits\": 0}                    | permits",
    "{\"key\": \"v\", \"permits\": 10001}                | permits",
    "{\"key\": \"v\", \"permits\": -1}                   | permits",
    "{\"key\": \"v\", \"permits\": 1.5}                  | permits",
    "{\"key\": \"v\", \"permits\": \"2\"}                | permits",
    "{\"permits\": 2}                                   | key",
    "{\"key\": \"v\", \"permits\": 2, \"ttl\": 0}         | ttl",
    "{\"key\": \"v\", \"permits\": 2, \"ttl\": 86401}     | ttl",
    "{\"key\": \"v\", \"permits\": 2, \"waitTimeout\": -1} | waitTimeout",
    "{\"key\": \"v\", \"permits\": 2, \"waitTimeout\": 301} | waitTimeout",
  })
  void validation(String body, String field) {
    HttpResult result = service.post(API + "/semaphore/acquire", body);
    assertProblem(result, 400, "invalid_field");
    assertThat(result.json().getString("field")).isEqualTo(field);
    assertThat(redis.cli("KEYS", "*:v")).isBlank();
  }

  private static HttpResult acquire(String key, int permits, double ttl, double waitTimeout) {
    return service.post(API + "/semaphore/acquire", new JsonObject().put("key", key).put("permits", permits)
      .put("ttl", ttl).put("waitTimeout", waitTimeout).encode());
  }

  private static HttpResult release(String key, String lockKey) {
    return service.post(API + "/semaphore/release", new JsonObject().put("key", key).put("lockKey", lockKey).encode());
  }

  private static JsonObject status(String key) {
    HttpResult result = service.get(API + "/semaphores/" + key);
    assertThat(result.status()).as("status of %s: %s", key, result).isEqualTo(200);
    return result.json();
  }

  /** Sends a blocking acquire and returns once this instance counts it among its waiters. */
  private static CompletableFuture<HttpResult> waitFor(String key, int permits, double ttl, double waitTimeout) {
    int before = service.waiters();
    CompletableFuture<HttpResult> pending = service.postAsync(API + "/semaphore/acquire", new JsonObject().put("key", key)
      .put("permits", permits).put("ttl", ttl).put("waitTimeout", waitTimeout).encode());
    await().atMost(Duration.ofSeconds(10)).until(() -> pending.isDone() || service.waiters() > before);
    return pending;
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

  /** A list many workers add to. */
  private static final class CopyOnWriteList extends java.util.concurrent.CopyOnWriteArrayList<String> {
  }
}
