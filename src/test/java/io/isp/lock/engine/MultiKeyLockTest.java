package io.isp.lock.engine;

import io.isp.lock.api.LockAddresses;
import io.isp.lock.history.Acquisition;
import io.isp.lock.history.HistoryChecker;
import io.isp.lock.history.HistoryRecorder;
import io.isp.lock.redis.HashSlots;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Locks on several keys against a real Redis (with {@code -Disp.test.redis=cluster}, a Redis Cluster:
 * the keys carry a common hash tag, and {@code cross_slot} is proven). Each key of a set is an
 * ordinary lock: the tests read them with the single-key status.
 */
@DisplayName("Locks on several keys: all or nothing, no deadlock, no overlap on any key")
class MultiKeyLockTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis();

  /** A key of the tests' slot: with Redis Cluster every key of one lock must share a slot. */
  private static String key(String name) {
    return "{mk}" + name;
  }

  private static List<String> keys(String... names) {
    return java.util.Arrays.stream(names).map(MultiKeyLockTest::key).toList();
  }

  @Test
  @DisplayName("8 workers on two instances (and 2 single-key workers), random sets of 2-5 of 12 keys: all finish, no key ever has two holders")
  void randomOverlappingSets() throws Exception {
    JsonObject samePrefix = new JsonObject().put("redis", new JsonObject().put("prefix", service.config().redis().prefix()));
    try (ServiceUnderTest other = ServiceUnderTest.start(samePrefix)) {
      List<ServiceUnderTest> instances = List.of(service, other);
      int workers = 8;
      int singleKeyWorkers = 2;
      int rounds = 25;
      List<String> all = IntStream.range(0, 12).mapToObj(i -> key("r" + i)).toList();
      HistoryRecorder history = new HistoryRecorder();
      Map<String, String> holders = new ConcurrentHashMap<>();
      List<String> violations = new CopyOnWriteArrayList<>();
      AtomicInteger grants = new AtomicInteger();
      ExecutorService threads = Executors.newFixedThreadPool(workers + singleKeyWorkers);
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (int w = 0; w < workers + singleKeyWorkers; w++) {
        String worker = "w" + w;
        ServiceUnderTest via = instances.get(w % instances.size());
        boolean single = w >= workers;
        running.add(CompletableFuture.runAsync(() -> {
          for (int round = 0; round < rounds; round++) {
            List<String> set = new ArrayList<>(all);
            Collections.shuffle(set, ThreadLocalRandom.current());
            set = List.copyOf(set.subList(0, single ? 1 : 2 + ThreadLocalRandom.current().nextInt(4)));
            JsonObject body = new JsonObject().put("ttl", 30).put("waitTimeout", 60);
            HttpResult granted = via.post(API + "/lock", (single ? body.put("key", set.get(0))
              : body.put("keys", new JsonArray(set))).encode());
            long grantedAt = HistoryRecorder.nowMicros();
            if (granted.status() != 200) {
              violations.add(worker + " lock " + set + ": " + granted);
              return;
            }
            grants.incrementAndGet();
            for (String key : set) {
              String before = holders.putIfAbsent(key, worker);
              if (before != null) {
                violations.add(worker + " got " + key + " while " + before + " held it");
              }
            }
            // hold it for the length of a status call on one of its keys, which must show it held
            if (!via.get(API + "/locks/" + java.net.URLEncoder.encode(set.get(0), StandardCharsets.UTF_8)
              .replace("+", "%20")).json().getBoolean("locked")) {
              violations.add(worker + ": status of " + set.get(0) + " says free while held");
            }
            for (String key : set) {
              holders.remove(key, worker);
            }
            long releasedAt = HistoryRecorder.nowMicros();
            String lockKey = granted.json().getString("lockKey");
            HttpResult released = via.post(single ? API + "/unlock" : API + "/unlock", (single
              ? new JsonObject().put("key", set.get(0)) : new JsonObject().put("keys", new JsonArray(set)))
              .put("lockKey", lockKey).encode());
            for (String key : set) {
              history.record(new Acquisition(worker, key, granted.json().getLong("fencingToken"), grantedAt, releasedAt,
                released.status() == 200 ? "released" : released.code()));
            }
            if (released.status() != 200) {
              violations.add(worker + " unlock " + set + ": " + released);
            }
          }
        }, threads));
      }
      try {
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(150, TimeUnit.SECONDS);
      } finally {
        threads.shutdownNow();
      }
      assertThat(violations).isEmpty();
      assertThat(grants.get()).isEqualTo((workers + singleKeyWorkers) * rounds);
      HistoryChecker.Report report = HistoryChecker.check(history.history());
      assertThat(report.valid()).as(report.toString()).isTrue();
      for (String key : all) {
        assertThat(status(key).getBoolean("locked")).as("%s after the run", key).isFalse();
      }
    }
  }

  @Test
  @DisplayName("one key held alone: the set takes none (409), then waits, and gets all once it is released")
  void allOrNothing() throws Exception {
    String held = service.lockKeyFor(key("b"), 30);
    HttpResult refused = lock(keys("a", "b", "c"), 30, 0);
    assertProblem(refused, 409, "lock_held");
    assertThat(status(key("a")).getBoolean("locked")).isFalse();
    assertThat(status(key("c")).getBoolean("locked")).isFalse();

    int before = service.waiters();
    CompletableFuture<HttpResult> waiting = service.postAsync(API + "/lock", body(keys("a", "b", "c"), 30, 30).encode());
    await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() > before);
    assertThat(status(key("a")).getBoolean("locked")).as("nothing is held while it waits").isFalse();
    assertThat(service.unlock(key("b"), held).status()).isEqualTo(200);

    HttpResult granted = waiting.get(20, TimeUnit.SECONDS);
    assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
    assertThat(granted.json().getJsonArray("keys").getList()).isEqualTo(keys("a", "b", "c"));
    long token = granted.json().getLong("fencingToken");
    for (String key : keys("a", "b", "c")) {
      JsonObject status = status(key);
      assertThat(status.getBoolean("locked")).isTrue();
      assertThat(status.getLong("fencingToken")).as("one fencing token for the set").isEqualTo(token);
      assertThat(service.redis("GET", service.redisKey(key))).as("the ordinary lock key").isEqualTo(granted.json().getString("lockKey"));
    }
    assertThat(unlock(keys("a", "b", "c"), granted.json().getString("lockKey")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("unlock and extend name the same keys and lockKey; a stranger gets not_owner, a freed set not_held")
  void unlockAndExtend() {
    List<String> set = keys("u1", "u2", "u3");
    HttpResult granted = lock(set, 5, 0);
    String lockKey = granted.json().getString("lockKey");

    HttpResult extended = service.post(API + "/extend", new JsonObject().put("keys", new JsonArray(set))
      .put("lockKey", lockKey).put("ttl", 60).encode());
    assertThat(extended.status()).as(extended.toString()).isEqualTo(200);
    assertThat(extended.json().getInteger("ttl")).isEqualTo(60);
    assertThat(extended.json().getLong("fencingToken")).isEqualTo(granted.json().getLong("fencingToken"));
    assertThat(extended.json().getJsonArray("keys").getList()).isEqualTo(set);
    for (String key : set) {
      assertThat(Long.parseLong(service.redis("PTTL", service.redisKey(key)))).isGreaterThan(30_000);
    }
    assertProblem(service.post(API + "/extend", new JsonObject().put("keys", new JsonArray(set))
      .put("lockKey", "stranger").put("ttl", 60).encode()), 409, "not_owner");
    assertProblem(unlock(set, "stranger"), 409, "not_owner");

    assertThat(unlock(set, lockKey).status()).isEqualTo(200);
    for (String key : set) {
      assertThat(status(key).getBoolean("locked")).isFalse();
    }
    assertProblem(unlock(set, lockKey), 409, "not_held");
    assertProblem(service.post(API + "/extend", new JsonObject().put("keys", new JsonArray(set))
      .put("lockKey", lockKey).put("ttl", 60).encode()), 409, "not_held");
  }

  @Test
  @DisplayName("a member force-unlocked: extend refuses the broken set (not_held), unlock still frees the rest")
  void brokenSet() {
    List<String> set = keys("f1", "f2");
    String lockKey = lock(set, 30, 0).json().getString("lockKey");
    service.redis("DEL", service.redisKey(key("f1")));
    assertProblem(service.post(API + "/extend", new JsonObject().put("keys", new JsonArray(set))
      .put("lockKey", lockKey).put("ttl", 60).encode()), 409, "not_held");
    assertThat(unlock(set, lockKey).status()).isEqualTo(200);
    assertThat(status(key("f2")).getBoolean("locked")).isFalse();
  }

  @Test
  @DisplayName("keys: 64 are fine; 65, none, a repeat, a non-string or key with keys: 400 invalid_field naming keys")
  void validation() {
    List<String> most = IntStream.range(0, 64).mapToObj(i -> key("v" + i)).toList();
    HttpResult granted = lock(most, 30, 0);
    assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
    assertThat(unlock(most, granted.json().getString("lockKey")).status()).isEqualTo(200);

    List<String> tooMany = IntStream.range(0, 65).mapToObj(i -> key("v" + i)).toList();
    assertInvalid(body(tooMany, 30, 0), "keys");
    assertInvalid(body(List.of(), 30, 0), "keys");
    assertInvalid(body(keys("d", "e", "d"), 30, 0), "keys");
    assertInvalid(body(List.of(key("x"), ""), 30, 0), "keys");
    assertInvalid(new JsonObject().put("keys", new JsonArray().add(key("x")).add(7)), "keys");
    assertInvalid(new JsonObject().put("keys", key("x")), "keys");
    assertInvalid(body(keys("x", "y"), 30, 0).put("key", key("x")), "keys");
    assertInvalid(body(List.of("k".repeat(service.config().lock().maxKeyLength() + 1)), 30, 0), "keys");
    assertInvalid(body(keys("x", "y"), -1, 0), "ttl");
    HttpResult noLockKey = service.post(API + "/unlock", new JsonObject().put("keys", new JsonArray(keys("x"))).encode());
    assertProblem(noLockKey, 400, "invalid_field");
    assertThat(noLockKey.json().getString("field")).isEqualTo("lockKey");
    assertThat(status(key("x")).getBoolean("locked")).isFalse();
  }

  @Test
  @DisplayName("with Redis Cluster, keys of two slots: 400 cross_slot naming the rule; with one Redis they are fine")
  void crossSlot() {
    String prefix = service.config().redis().prefix();
    String first = "cs-a";
    String second = IntStream.range(0, 100).mapToObj(i -> "cs-" + i)
      .filter(k -> HashSlots.slot(prefix + "::" + k) != HashSlots.slot(prefix + "::" + first)).findFirst().orElseThrow();
    HttpResult answer = lock(List.of(first, second), 30, 0);
    if (RedisFixture.onCluster()) {
      assertProblem(answer, 400, "cross_slot");
      assertThat(answer.json().getString("detail")).contains("hash slot", "{hash tag}");
      assertThat(status(first).getBoolean("locked")).isFalse();
      assertProblem(unlock(List.of(first, second), "any"), 400, "cross_slot");
    } else {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      assertThat(unlock(List.of(first, second), answer.json().getString("lockKey")).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a client that disconnects while waiting for a set is forgotten: it takes nothing when the key frees")
  void disconnectCancels() throws Exception {
    String held = service.lockKeyFor(key("gone1"), 60);
    int before = service.waiters();
    try (Socket client = new Socket("127.0.0.1", service.port())) {
      String body = body(keys("gone1", "gone2"), 60, 60).encode();
      OutputStream out = client.getOutputStream();
      out.write(("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == before + 1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == before);
    assertThat(service.unlock(key("gone1"), held).status()).isEqualTo(200);
    assertThat(status(key("gone1")).getBoolean("locked")).isFalse();
    assertThat(status(key("gone2")).getBoolean("locked")).isFalse();
    assertThat(lock(keys("gone1", "gone2"), 30, 0).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a member that expires (no notice) frees the set: the waiter looks again at the longest TTL it was told")
  void expiredMemberFreesSet() throws Exception {
    service.lockKeyFor(key("e1"), 1);
    HttpResult first = lock(keys("e2", "e3"), 1.5, 0);
    assertThat(first.status()).isEqualTo(200);
    long start = System.nanoTime();
    HttpResult granted = lock(keys("e1", "e2", "e3"), 30, 20);
    assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1000), Duration.ofSeconds(15));
    assertThat(granted.json().getLong("fencingToken")).isGreaterThan(first.json().getLong("fencingToken"));
  }

  @Test
  @DisplayName("a call waiting for a set hears at once that Redis is gone: 503 redis_unavailable, not at its waitTimeout")
  void outageAnswersWaiters() throws Exception {
    try (RedisProcess own = RedisProcess.fixture().started();
         ServiceUnderTest onIt = ServiceUnderTest.on(own, new JsonObject()
           .put("redis", new JsonObject().put("commandTimeout", "500ms"))).started()) {
      assertThat(onIt.lock("down-a", 60).status()).isEqualTo(200);
      int before = onIt.waiters();
      CompletableFuture<HttpResult> waiter = onIt.postAsync(API + "/lock", body(List.of("down-a", "down-b"), 60, 60).encode());
      await().atMost(Duration.ofSeconds(10)).until(() -> onIt.waiters() == before + 1);

      long killedAt = System.nanoTime();
      own.kill();
      assertProblem(waiter.get(30, TimeUnit.SECONDS), 503, "redis_unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("the event bus takes keys in the JSON body on the lock, extend and unlock addresses")
  void eventBus() {
    List<String> set = keys("bus1", "bus2");
    JsonObject granted = ServiceUnderTest.await(service.vertx().eventBus().<JsonObject>request(LockAddresses.LOCK,
      new JsonObject().put("keys", new JsonArray(set)).put("ttl", 10))).body();
    assertThat(granted.getJsonArray("keys").getList()).isEqualTo(set);
    assertThat(granted.getInteger("ttl")).isEqualTo(10);
    JsonObject extended = ServiceUnderTest.await(service.vertx().eventBus().<JsonObject>request(LockAddresses.EXTEND,
      new JsonObject().put("keys", new JsonArray(set)).put("lockKey", granted.getString("lockKey")).put("ttl", 20))).body();
    assertThat(extended.getLong("fencingToken")).isEqualTo(granted.getLong("fencingToken"));
    JsonObject released = ServiceUnderTest.await(service.vertx().eventBus().<JsonObject>request(LockAddresses.UNLOCK,
      new JsonObject().put("keys", new JsonArray(set)).put("lockKey", granted.getString("lockKey")))).body();
    assertThat(released).isEqualTo(new JsonObject());
    assertThat(status(key("bus1")).getBoolean("locked")).isFalse();
  }

  private static JsonObject body(List<String> keys, double ttl, double waitTimeout) {
    return new JsonObject().put("keys", new JsonArray(keys)).put("ttl", ttl).put("waitTimeout", waitTimeout);
  }

  private static HttpResult lock(List<String> keys, double ttl, double waitTimeout) {
    return service.post(API + "/lock", body(keys, ttl, waitTimeout).encode());
  }

  private static HttpResult unlock(List<String> keys, String lockKey) {
    return service.post(API + "/unlock", new JsonObject().put("keys", new JsonArray(keys)).put("lockKey", lockKey).encode());
  }

  private static JsonObject status(String key) {
    return service.get(API + "/locks/" + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20")).json();
  }

  private static void assertInvalid(JsonObject body, String field) {
    HttpResult answer = service.post(API + "/lock", body.encode());
    assertProblem(answer, 400, "invalid_field");
    assertThat(answer.json().getString("field")).as(answer.toString()).isEqualTo(field);
  }
}
