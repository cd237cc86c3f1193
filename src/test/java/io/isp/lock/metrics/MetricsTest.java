package io.isp.lock.metrics;

import io.isp.lock.api.LockAddresses;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.PrometheusText;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
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
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code /metrics} after known traffic. Each test runs a fresh service (its own registry, counting
 * from zero) on a Redis of its own, so the counts are exact.
 */
@DisplayName("/metrics: the isp_lock_* counts after known traffic, Vert.x and JVM families, no key or token")
class MetricsTest {

  private static final String ADMIN = "admin-token-5d1c7e";
  /** Keys that must never show in /metrics; their characters would survive any label escaping. */
  private static final String HELD = "k-held-31f9";
  private static final String WAITED = "k-waited-a77e";
  private static final String GIVEN_UP = "k-givenup-0b2c";
  private static final String FORCED = "k-forced-e41d";
  private static final String BUS = "k-bus-9c05";

  @RegisterExtension
  final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  final ServiceUnderTest service = ServiceUnderTest.on(redis, new JsonObject()
    .put("http", new JsonObject().put("adminTokens", new JsonArray().add(ADMIN)))
    .put("redis", new JsonObject().put("commandTimeout", "500ms")));

  @Test
  @DisplayName("HTTP: grants, refusals, a wait with a hand-over, a give-up and a force-unlock, each counted once")
  void httpTraffic() throws Exception {
    List<String> secrets = new ArrayList<>(List.of(HELD, WAITED, GIVEN_UP, FORCED, ADMIN));

    // lock, extend, status, unlock of a free key: all ok
    String held = service.lockKeyFor(HELD, 30);
    secrets.add(held);
    assertThat(service.post(API + "/extend", body(HELD, held).put("ttl", 60).encode()).status()).isEqualTo(200);
    assertThat(service.get(API + "/locks/" + HELD).status()).isEqualTo(200);
    // refusals: try-once on a held key, a wrong lockKey, a key nobody holds
    assertProblem(service.post(API + "/lock", new JsonObject().put("key", HELD).put("waitTimeout", 0).encode()), 409, "lock_held");
    assertProblem(service.unlock(HELD, "bm90LXRoZS1vd25lcg=="), 409, "not_owner");
    assertProblem(service.unlock("k-nobody-11aa", "bm90LXRoZS1vd25lcg=="), 409, "not_held");
    assertThat(service.unlock(HELD, held).status()).isEqualTo(200);

    // a wait ended by a hand-over inside the holder's unlock; the waiter is a blocked call meanwhile
    String first = service.lockKeyFor(WAITED, 30);
    secrets.add(first);
    CompletableFuture<HttpResult> waiter = service.waitFor(WAITED, 30, 20);
    assertThat(service.metrics().value("isp_lock_waiters")).isEqualTo(1.0);
    assertThat(service.unlock(WAITED, first).status()).isEqualTo(200);
    HttpResult second = waiter.get(10, TimeUnit.SECONDS);
    assertThat(second.status()).isEqualTo(200);
    secrets.add(second.json().getString("lockKey"));
    assertThat(service.unlock(WAITED, second.json().getString("lockKey")).status()).isEqualTo(200);

    // a give-up: the holder keeps the lock past the waiter's waitTimeout
    String keeper = service.lockKeyFor(GIVEN_UP, 30);
    secrets.add(keeper);
    assertProblem(service.post(API + "/lock", new JsonObject().put("key", GIVEN_UP).put("ttl", 5).put("waitTimeout", 0.3).encode()),
      409, "lock_held");

    // a force-unlock of a held key, and of a free one
    service.lockKeyFor(FORCED, 30);
    assertThat(service.send("DELETE", API + "/locks/" + FORCED, null, "X-Application-Token", ADMIN).status()).isEqualTo(200);
    assertProblem(service.send("DELETE", API + "/locks/" + FORCED, null, "X-Application-Token", ADMIN), 409, "not_held");

    PrometheusText metrics = service.metrics();
    // granted: HELD, WAITED (twice), GIVEN_UP, FORCED; refused: the try-once and the give-up
    assertThat(metrics.value("isp_lock_requests_total", "op", "lock", "outcome", "ok")).isEqualTo(5);
    assertThat(metrics.value("isp_lock_requests_total", "op", "lock", "outcome", "lock_held")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_requests_total", "op", "unlock", "outcome", "ok")).isEqualTo(3);
    assertThat(metrics.value("isp_lock_requests_total", "op", "unlock", "outcome", "not_owner")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "op", "unlock", "outcome", "not_held")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "op", "extend", "outcome", "ok")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "op", "status", "outcome", "ok")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "op", "force_unlock", "outcome", "ok")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "op", "force_unlock", "outcome", "not_held")).isEqualTo(1);

    assertThat(metrics.value("isp_lock_wait_seconds_count", "outcome", "granted")).isEqualTo(5);
    assertThat(metrics.value("isp_lock_wait_seconds_count", "outcome", "lock_held")).isEqualTo(2);
    // the give-up timer is Vert.x's, which may fire a fraction of a millisecond early (seen: 0.2997 s)
    assertThat(metrics.value("isp_lock_wait_seconds_sum", "outcome", "lock_held")).as("the give-up waited 0.3 s")
      .isGreaterThanOrEqualTo(0.295);
    assertThat(metrics.value("isp_lock_wait_seconds_bucket", "outcome", "lock_held", "le", "+Inf")).isEqualTo(2);
    // the three unlocks that released a lock granted here; the force-unlocked one is never unlocked
    assertThat(metrics.value("isp_lock_hold_seconds_count")).isEqualTo(3);
    assertThat(metrics.value("isp_lock_handoffs_total")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_handoffs_total", "primitive", "lock")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "semaphore")).as("no semaphore operation").isZero();
    assertThat(metrics.value("isp_lock_waiters")).isEqualTo(0);
    assertThat(metrics.value("isp_lock_redis_errors_total")).isEqualTo(0);
    assertThat(metrics.value("isp_lock_redis_master_changes_total")).isEqualTo(0);

    // Vert.x's HTTP metrics, labelled by route: the status route is its template, never a key
    assertThat(metrics.value("vertx_http_server_requests_total", "route", "/api/isp-lock-service/lock", "code", "200")).isEqualTo(5);
    assertThat(metrics.value("vertx_http_server_requests_total", "route", "/api/isp-lock-service/locks/*", "method", "GET")).isEqualTo(1);
    assertNothingSecret(metrics, secrets);
  }

  @Test
  @DisplayName("semaphores: counted under primitive=\"semaphore\", apart from the locks, waits and hand-overs included")
  void semaphoreTraffic() throws Exception {
    String semaphore = "k-semaphore-5d1e";
    JsonObject acquire = new JsonObject().put("key", semaphore).put("permits", 1).put("ttl", 30);
    HttpResult first = service.post(API + "/semaphore/acquire", acquire.encode());
    assertThat(first.status()).isEqualTo(200);
    String firstKey = first.json().getString("lockKey");
    assertProblem(service.post(API + "/semaphore/acquire", acquire.copy().put("waitTimeout", 0).encode()), 409, "lock_held");
    CompletableFuture<HttpResult> waiter = CompletableFuture.supplyAsync(
      () -> service.post(API + "/semaphore/acquire", acquire.copy().put("waitTimeout", 20).encode()));
    await().atMost(Duration.ofSeconds(10))
      .until(() -> service.metrics().value("isp_lock_waiters", "primitive", "semaphore") == 1.0);
    assertThat(service.metrics().value("isp_lock_waiters", "primitive", "lock")).isZero();
    assertThat(service.post(API + "/semaphore/release", body(semaphore, firstKey).encode()).status()).isEqualTo(200);
    HttpResult second = waiter.get(10, TimeUnit.SECONDS);
    assertThat(second.status()).isEqualTo(200);
    assertThat(service.post(API + "/semaphore/release", body(semaphore, second.json().getString("lockKey")).encode()).status())
      .isEqualTo(200);

    PrometheusText metrics = service.metrics();
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "semaphore", "op", "semaphore_acquire", "outcome", "ok"))
      .isEqualTo(2);
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "semaphore", "op", "semaphore_acquire", "outcome", "lock_held"))
      .isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "semaphore", "op", "semaphore_release", "outcome", "ok"))
      .isEqualTo(2);
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "lock")).as("no lock operation").isZero();
    assertThat(metrics.value("isp_lock_wait_seconds_count", "primitive", "semaphore", "outcome", "granted")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_wait_seconds_count", "primitive", "semaphore", "outcome", "lock_held")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_hold_seconds_count", "primitive", "semaphore")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_handoffs_total", "primitive", "semaphore")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_waiters", "primitive", "semaphore")).isZero();
    assertNothingSecret(metrics, List.of(semaphore, firstKey, second.json().getString("lockKey")));
  }

  @Test
  @DisplayName("locks on several keys: counted under primitive=\"multi_lock\", apart from the locks, waits and holds included")
  void multiKeyTraffic() throws Exception {
    JsonArray keys = new JsonArray().add("{m-5d1e}a").add("{m-5d1e}b");
    JsonObject lock = new JsonObject().put("keys", keys).put("ttl", 30);
    HttpResult first = service.post(API + "/lock", lock.encode());
    assertThat(first.status()).isEqualTo(200);
    assertProblem(service.post(API + "/lock", lock.copy().put("waitTimeout", 0).encode()), 409, "lock_held");
    CompletableFuture<HttpResult> waiter = CompletableFuture.supplyAsync(
      () -> service.post(API + "/lock", lock.copy().put("waitTimeout", 20).encode()));
    await().atMost(Duration.ofSeconds(10))
      .until(() -> service.metrics().value("isp_lock_waiters", "primitive", "multi_lock") == 1.0);
    JsonObject unlock = new JsonObject().put("keys", keys);
    assertThat(service.post(API + "/unlock", unlock.copy().put("lockKey", first.json().getString("lockKey")).encode()).status())
      .isEqualTo(200);
    HttpResult second = waiter.get(10, TimeUnit.SECONDS);
    assertThat(second.status()).isEqualTo(200);
    assertThat(service.post(API + "/unlock", unlock.copy().put("lockKey", second.json().getString("lockKey")).encode()).status())
      .isEqualTo(200);

    PrometheusText metrics = service.metrics();
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "multi_lock", "op", "lock", "outcome", "ok")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "multi_lock", "op", "lock", "outcome", "lock_held"))
      .isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "multi_lock", "op", "unlock", "outcome", "ok")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "lock")).as("no single-key operation").isZero();
    assertThat(metrics.value("isp_lock_wait_seconds_count", "primitive", "multi_lock", "outcome", "granted")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_wait_seconds_count", "primitive", "multi_lock", "outcome", "lock_held")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_hold_seconds_count", "primitive", "multi_lock")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_waiters", "primitive", "multi_lock")).isZero();
    assertNothingSecret(metrics, List.of("m-5d1e", first.json().getString("lockKey"), second.json().getString("lockKey")));
  }

  @Test
  @DisplayName("read locks: their grants, waits and holds counted under primitive=\"read_lock\", a writer's under lock")
  void readLockTraffic() throws Exception {
    String key = "k-read-7c3a";
    JsonObject read = new JsonObject().put("key", key).put("mode", "read").put("ttl", 30);
    HttpResult first = service.post(API + "/lock", read.encode());
    HttpResult second = service.post(API + "/lock", read.encode());
    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);
    // a writer waits for both readers; the last reader's unlock hands the lock to it
    CompletableFuture<HttpResult> writer = service.waitFor(key, 30, 20);
    await().atMost(Duration.ofSeconds(10)).until(() -> service.metrics().value("isp_lock_waiters", "primitive", "lock") == 1.0);
    assertThat(service.unlock(key, first.json().getString("lockKey")).status()).isEqualTo(200);
    assertThat(service.unlock(key, second.json().getString("lockKey")).status()).isEqualTo(200);
    HttpResult written = writer.get(10, TimeUnit.SECONDS);
    assertThat(written.status()).isEqualTo(200);
    assertThat(service.unlock(key, written.json().getString("lockKey")).status()).isEqualTo(200);

    PrometheusText metrics = service.metrics();
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "read_lock", "op", "lock", "outcome", "ok")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "lock", "op", "lock", "outcome", "ok")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_wait_seconds_count", "primitive", "read_lock", "outcome", "granted")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_wait_seconds_count", "primitive", "lock", "outcome", "granted")).isEqualTo(1);
    // an unlock names no mode, so it counts under lock; the hold is known by its grant
    assertThat(metrics.value("isp_lock_requests_total", "primitive", "lock", "op", "unlock", "outcome", "ok")).isEqualTo(3);
    assertThat(metrics.value("isp_lock_hold_seconds_count", "primitive", "read_lock")).isEqualTo(2);
    assertThat(metrics.value("isp_lock_hold_seconds_count", "primitive", "lock")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_waiters")).isZero();
    assertNothingSecret(metrics, List.of(key, first.json().getString("lockKey"), second.json().getString("lockKey")));
  }

  @Test
  @DisplayName("event bus: lock, unlock and an invalid request sent as JSON are counted as HTTP ones are")
  void eventBusTraffic() {
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(10_000);
    JsonObject grant = ServiceUnderTest.await(service.vertx().eventBus()
      .<JsonObject>request(LockAddresses.LOCK, new JsonObject().put("key", BUS).put("ttl", 10), timeout)).body();
    ServiceUnderTest.await(service.vertx().eventBus()
      .request(LockAddresses.UNLOCK, body(BUS, grant.getString("lockKey")), timeout));
    assertThatThrownBy(() -> ServiceUnderTest.await(service.vertx().eventBus()
      .request(LockAddresses.LOCK, new JsonObject().put("key", BUS).put("ttl", -1), timeout)))
      .isInstanceOf(ReplyException.class);

    PrometheusText metrics = service.metrics();
    assertThat(metrics.value("isp_lock_requests_total", "op", "lock", "outcome", "ok")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "op", "unlock", "outcome", "ok")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_requests_total", "op", "lock", "outcome", "invalid_field")).isEqualTo(1);
    assertThat(metrics.value("isp_lock_hold_seconds_count")).isEqualTo(1);
    // Vert.x's event-bus metrics name the service's addresses, never a reply address
    assertThat(metrics.value("vertx_eventbus_processed_total", "address", LockAddresses.LOCK)).isEqualTo(2);
    assertThat(metrics.text()).doesNotContain("__vertx.reply");
    assertNothingSecret(metrics, List.of(BUS, grant.getString("lockKey")));
  }

  @Test
  @DisplayName("Redis outage: a dead Redis counts connection errors, a frozen one timeouts, a flushed script cache noscript")
  void redisOutage() {
    assertThat(service.lockKeyFor("k-before", 30)).isNotEmpty();

    redis.cli("SCRIPT", "FLUSH");
    assertThat(service.lockKeyFor("k-after-flush", 30)).isNotEmpty();
    assertThat(service.metrics().value("isp_lock_redis_errors_total", "kind", "noscript")).isEqualTo(1);

    redis.kill();
    try {
      assertProblem(service.lock("k-dead", 30), 503, "redis_unavailable");
      PrometheusText dead = service.metrics();
      assertThat(dead.value("isp_lock_requests_total", "op", "lock", "outcome", "redis_unavailable")).isEqualTo(1);
      assertThat(dead.value("isp_lock_redis_errors_total", "kind", "connection")).isGreaterThanOrEqualTo(1);
    } finally {
      redis.restart();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> service.lock("k-back", 30).status() == 200);

    redis.pause();
    try {
      assertProblem(service.lock("k-frozen", 30), 503, "redis_unavailable");
    } finally {
      redis.resume();
    }
    PrometheusText after = service.metrics();
    assertThat(after.value("isp_lock_redis_errors_total", "kind", "timeout")).isGreaterThanOrEqualTo(1);
    assertThat(after.value("isp_lock_requests_total", "op", "lock", "outcome", "redis_unavailable")).isEqualTo(2);
    assertThat(after.value("isp_lock_wait_seconds_count", "outcome", "redis_unavailable")).isEqualTo(2);
  }

  @Test
  @DisplayName("the names and types the issue gives, the JVM and process families, text format 0.0.4")
  void namesAndFamilies() {
    HttpResult raw = service.get("/metrics");
    assertThat(raw.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    PrometheusText metrics = service.metrics();
    assertThat(metrics.type("isp_lock_requests_total")).isEqualTo("counter");
    assertThat(metrics.type("isp_lock_wait_seconds")).isEqualTo("histogram");
    assertThat(metrics.type("isp_lock_hold_seconds")).isEqualTo("histogram");
    assertThat(metrics.type("isp_lock_waiters")).isEqualTo("gauge");
    assertThat(metrics.type("isp_lock_handoffs_total")).isEqualTo("counter");
    assertThat(metrics.type("isp_lock_redis_errors_total")).isEqualTo("counter");
    assertThat(metrics.type("isp_lock_redis_master_changes_total")).isEqualTo("counter");
    for (String kind : List.of("timeout", "connection", "readonly", "noscript", "other")) {
      assertThat(metrics.matching("isp_lock_redis_errors_total", "kind", kind)).as(kind).hasSize(1);
    }
    for (String op : List.of("lock", "unlock", "extend", "status", "force_unlock")) {
      assertThat(metrics.matching("isp_lock_requests_total", "primitive", "lock", "op", op, "outcome", "ok")).as(op).hasSize(1);
    }
    for (String op : List.of("semaphore_acquire", "semaphore_release", "semaphore_extend", "semaphore_status")) {
      assertThat(metrics.matching("isp_lock_requests_total", "primitive", "semaphore", "op", op, "outcome", "ok")).as(op).hasSize(1);
    }
    for (String primitive : List.of("lock", "read_lock", "multi_lock", "semaphore")) {
      assertThat(metrics.matching("isp_lock_waiters", "primitive", primitive)).as(primitive).hasSize(1);
      assertThat(metrics.matching("isp_lock_handoffs_total", "primitive", primitive)).as(primitive).hasSize(1);
      assertThat(metrics.matching("isp_lock_hold_seconds_count", "primitive", primitive)).as(primitive).hasSize(1);
    }
    assertThat(metrics.has("isp_lock_wait_seconds_bucket")).isTrue();
    assertThat(metrics.has("isp_lock_hold_seconds_bucket")).isTrue();
    for (String family : List.of("jvm_memory_used_bytes", "jvm_gc_overhead", "jvm_threads_live_threads",
      "jvm_classes_loaded_classes", "system_cpu_count", "process_cpu_usage", "process_uptime_seconds",
      "process_files_open_files", "vertx_http_server_active_connections", "vertx_eventbus_handlers", "vertx_pool_in_use")) {
      assertThat(metrics.has(family)).as(family).isTrue();
    }
    assertThat(service.send("HEAD", "/metrics", null).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("metrics.enabled: false: /metrics is 404 and Vert.x runs without a metrics SPI")
  void disabled() {
    try (ServiceUnderTest off = ServiceUnderTest.on(redis, new JsonObject()
      .put("metrics", new JsonObject().put("enabled", false))).started()) {
      assertProblem(off.get("/metrics"), 404, "not_found");
      assertThat(off.vertx().isMetricsEnabled()).isFalse();
      assertThat(off.lock("k-off", 5).status()).isEqualTo(200);
    }
    assertThat(service.vertx().isMetricsEnabled()).isTrue();
  }

  @Test
  @DisplayName("management.port: /metrics there, not on http.port; a lock-only node serves it on http.port")
  void onTheManagementPort() {
    int management = io.isp.lock.support.FreePorts.next();
    try (ServiceUnderTest split = ServiceUnderTest.on(redis, new JsonObject()
      .put("management", new JsonObject().put("port", management))).started()) {
      assertThat(split.lock("k-split", 5).status()).isEqualTo(200);
      assertThat(split.metrics().value("isp_lock_requests_total", "op", "lock", "outcome", "ok")).isEqualTo(1);
      assertProblem(split.get("/metrics"), 404, "not_found");
    }
    try (ServiceUnderTest lockOnly = ServiceUnderTest.on(redis, new JsonObject()
      .put("deploy", new JsonObject().put("http", false))).started()) {
      assertThat(lockOnly.get("/metrics").status()).isEqualTo(200);
    }
  }

  private static JsonObject body(String key, String lockKey) {
    return new JsonObject().put("key", key).put("lockKey", lockKey);
  }

  /** No key, lockKey or token anywhere in the answer: not as a label value, not in a name. */
  private static void assertNothingSecret(PrometheusText metrics, List<String> secrets) {
    for (String secret : secrets) {
      assertThat(metrics.text()).as("/metrics mentions %s", secret).doesNotContain(secret);
    }
  }
}
