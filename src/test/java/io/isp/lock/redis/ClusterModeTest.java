package io.isp.lock.redis;

import io.isp.lock.history.HistoryChecker;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisCluster;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Redis Cluster mode: three masters and three replicas as real processes")
class ClusterModeTest {

  private static final String PREFIX = "cluster-" + UUID.randomUUID();
  private static final String ADMIN = "admin-token";
  /** Two instances on the same locks: a waiter on one hears of an unlock on the other only by a notice. */
  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedCluster(config());
  @RegisterExtension
  static final ServiceUnderTest other = ServiceUnderTest.onSharedCluster(config());

  private static JsonObject config() {
    return new JsonObject().put("redis", new JsonObject().put("prefix", PREFIX))
      .put("http", new JsonObject().put("adminTokens", new JsonArray().add(ADMIN)));
  }

  private static RedisCluster cluster() {
    return RedisCluster.shared();
  }

  /** One key per master, found by trying names. */
  private static List<String> keyPerMaster(String stem) {
    Map<RedisProcess, String> found = new LinkedHashMap<>();
    for (int i = 0; found.size() < 3; i++) {
      found.putIfAbsent(cluster().masterOf(PREFIX + "::" + stem + i), stem + i);
    }
    return List.copyOf(found.values());
  }

  @Test
  @DisplayName("locks land on every master; each lock's fencing key and its slot's counter sit beside it, hash-tagged to its slot")
  void keysOnEveryMaster() {
    Set<Integer> masters = new HashSet<>();
    for (int i = 0; i < 24; i++) {
      String key = "spread-" + i;
      HttpResult lock = service.lock(key, 60);
      assertThat(lock.status()).as(lock.toString()).isEqualTo(200);
      long token = lock.json().getLong("fencingToken");
      String lockKey = PREFIX + "::" + key;
      int slot = cluster().keySlot(lockKey);
      String tag = "{" + HashSlots.tag(slot) + "}";
      RedisProcess master = cluster().masterOfSlot(slot);
      masters.add(master.port());
      assertThat(master.call("GET", lockKey)).isEqualTo(lock.json().getString("lockKey"));
      assertThat(master.call("GET", PREFIX + ":fence:" + tag + ":" + key)).isEqualTo(Long.toString(token));
      assertThat(Long.parseLong((String) master.call("GET", PREFIX + ":fence:" + tag))).isGreaterThanOrEqualTo(token);
      assertThat(service.unlock(key, lock.json().getString("lockKey")).status()).isEqualTo(200);
      assertThat(master.call("EXISTS", lockKey)).isEqualTo(0L);
    }
    assertThat(masters).as("masters holding locks").hasSize(3);
  }

  @Test
  @DisplayName("hash-tagged keys {user}:a and {user}:b share a slot and its counter; odd keys ({}, braces, unicode) work end to end")
  void hashTaggedAndOddKeys() {
    HttpResult a = service.lock("{user}:a", 60);
    HttpResult b = service.lock("{user}:b", 60);
    assertThat(a.status()).isEqualTo(200);
    assertThat(b.status()).isEqualTo(200);
    assertThat(b.json().getLong("fencingToken")).isGreaterThan(a.json().getLong("fencingToken"));
    int slot = cluster().keySlot("user");
    assertThat(cluster().keySlot(PREFIX + "::{user}:b")).isEqualTo(slot);
    RedisProcess master = cluster().masterOfSlot(slot);
    String tag = "{" + HashSlots.tag(slot) + "}";
    assertThat(master.call("GET", PREFIX + ":fence:" + tag + ":{user}:a")).isEqualTo(a.json().getLong("fencingToken").toString());
    assertThat(master.call("GET", PREFIX + ":fence:" + tag)).isEqualTo(b.json().getLong("fencingToken").toString());
    assertThat(service.unlock("{user}:a", a.json().getString("lockKey")).status()).isEqualTo(200);
    assertThat(service.unlock("{user}:b", b.json().getString("lockKey")).status()).isEqualTo(200);

    for (String key : List.of("{}x", "{", "}{x}", "x}y{z", "{🔒}", "schlüssel-ключ-鍵")) {
      HttpResult lock = service.lock(key, 60);
      assertThat(lock.status()).as(key + ": " + lock).isEqualTo(200);
      JsonObject status = service.get(API + "/locks/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20")).json();
      assertThat(status.getBoolean("locked")).as(key).isTrue();
      assertThat(status.getLong("fencingToken")).as(key).isEqualTo(lock.json().getLong("fencingToken"));
      assertThat(cluster().call(PREFIX + "::" + key, "GET", PREFIX + "::" + key)).isEqualTo(lock.json().getString("lockKey"));
      assertThat(service.unlock(key, lock.json().getString("lockKey")).status()).as(key).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a waiter on one instance gets the lock as soon as another instance unlocks it, on every master (sharded notices)")
  void notices() throws Exception {
    for (String key : keyPerMaster("notice-")) {
      HttpResult held = service.lock(key, 30);
      assertThat(held.status()).isEqualTo(200);
      CompletableFuture<HttpResult> waiter = other.waitFor(key, 30, 25);
      // once the slot's channel is subscribed, only the notice can wake the waiter before the TTL
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> releaseNoticesHeard(other));
      long unlocked = System.nanoTime();
      assertThat(service.unlock(key, held.json().getString("lockKey")).status()).isEqualTo(200);
      HttpResult granted = waiter.get(30, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - unlocked);
      assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
      // the holder's TTL was 30 s: only the notice wakes it this soon
      assertThat(tookMs).as("waiter woken after unlock, ms").isLessThan(10_000);
      assertThat(granted.json().getLong("fencingToken")).isGreaterThan(held.json().getLong("fencingToken"));
      assertThat(other.unlock(key, granted.json().getString("lockKey")).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("semaphores on every master: their keys in the slot of P::K, a waiter on one instance woken by a release on the other")
  void semaphores() throws Exception {
    for (String key : keyPerMaster("semaphore-")) {
      HttpResult held = service.post(API + "/semaphore/acquire",
        new JsonObject().put("key", key).put("permits", 1).put("ttl", 30).encode());
      assertThat(held.status()).as(held.toString()).isEqualTo(200);
      int slot = cluster().keySlot(PREFIX + "::" + key);
      String tag = "{" + HashSlots.tag(slot) + "}";
      RedisProcess master = cluster().masterOfSlot(slot);
      assertThat(master.call("ZCARD", PREFIX + ":fence-semaphore:" + tag + ":" + key)).isEqualTo(1L);
      assertThat(master.call("HGET", PREFIX + ":fence-semaphore-tokens:" + tag + ":" + key, ":permits")).isEqualTo("1");

      CompletableFuture<HttpResult> waiter = other.postAsync(API + "/semaphore/acquire",
        new JsonObject().put("key", key).put("permits", 1).put("ttl", 30).put("waitTimeout", 25).encode());
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> other.get(API + "/semaphores/" + key).json().getInteger("waiters") == 1);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> releaseNoticesHeard(other));
      long released = System.nanoTime();
      assertThat(service.post(API + "/semaphore/release", new JsonObject().put("key", key)
        .put("lockKey", held.json().getString("lockKey")).encode()).status()).isEqualTo(200);
      HttpResult granted = waiter.get(30, TimeUnit.SECONDS);
      assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released)).as("woken by the notice, ms").isLessThan(10_000);
      assertThat(granted.json().getLong("fencingToken")).isGreaterThan(held.json().getLong("fencingToken"));
      assertThat(other.post(API + "/semaphore/release", new JsonObject().put("key", key)
        .put("lockKey", granted.json().getString("lockKey")).encode()).status()).isEqualTo(200);
    }
  }

  private static boolean releaseNoticesHeard(ServiceUnderTest instance) {
    return instance.get("/health/ready").json().getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(check -> "redis".equals(check.getString("id")))
      .anyMatch(check -> check.getJsonObject("data").getBoolean("releaseNotices"));
  }

  @Test
  @DisplayName("contention on keys spread over all masters, through two instances: no overlapping holds, tokens only go up")
  void contention() throws Exception {
    List<String> keys = keyPerMaster("hot-");
    ContendedClients clients = ContendedClients.start(List.of(service, other), 12, keys, 10, 20);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> clients.granted() >= 150);
    HistoryChecker.Report report = clients.stop();
    assertThat(report.valid()).as(report.toString()).isTrue();
    assertThat(report.keys()).isEqualTo(3);
    assertThat(clients.answers()).as("answers").allSatisfy((answer, count) ->
      assertThat(answer).matches("(lock (200|409 lock_held))|(unlock 200)"));
  }

  @Test
  @DisplayName("listing walks every master: each lock once, with its fencing token (a read lock's: its newest reader's)")
  void listing() {
    Map<String, Long> expected = new LinkedHashMap<>();
    Map<String, String> lockKeys = new LinkedHashMap<>();
    for (int i = 0; i < 14; i++) {
      HttpResult lock = service.lock("listed-" + i, 60);
      expected.put("listed-" + i, lock.json().getLong("fencingToken"));
      lockKeys.put(lock.json().getString("lockKey"), "listed-" + i);
    }
    for (int i = 0; i < 4; i++) {
      String key = "listed-read-" + i;
      for (int reader = 0; reader < 2; reader++) {
        HttpResult lock = service.post(API + "/lock", new JsonObject().put("key", key).put("ttl", 60).put("mode", "read").encode());
        assertThat(lock.status()).as(lock.toString()).isEqualTo(200);
        expected.put(key, lock.json().getLong("fencingToken"));
        lockKeys.put(lock.json().getString("lockKey"), key);
      }
    }
    Map<String, Long> seen = new LinkedHashMap<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResult page = service.get(API + "/locks?prefix=listed-&limit=4" + (cursor == null ? "" : "&cursor=" + cursor),
        "X-Application-Token", ADMIN);
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      page.json().getJsonArray("locks").stream().map(JsonObject.class::cast).forEach(lock ->
        assertThat(seen.put(lock.getString("key"), lock.getLong("fencingToken"))).as("listed twice").isNull());
      cursor = page.json().getString("cursor");
      pages++;
    } while (cursor != null && pages < 100);
    assertThat(seen).isEqualTo(expected);
    lockKeys.forEach((lockKey, key) -> assertThat(service.unlock(key, lockKey).status()).isEqualTo(200));
  }

  @Test
  @DisplayName("ready: every master answers and says cluster_state:ok; redis.minReplicasToAck works per shard, for locks and permits")
  void readyAndReplicas() {
    HttpResult ready = service.get("/health/ready");
    assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
    assertThat(ready.body()).contains("Redis Cluster");
    try (ServiceUnderTest acked = ServiceUnderTest.onSharedCluster(new JsonObject()
      .put("redis", new JsonObject().put("minReplicasToAck", 1).put("replicaAckTimeout", "2s"))).started()) {
      for (String key : List.of("acked-a", "acked-b", "acked-c", "acked-d", "acked-e", "acked-f")) {
        HttpResult permit = acked.post(API + "/semaphore/acquire", new JsonObject().put("key", key).put("permits", 2).encode());
        assertThat(permit.status()).as(permit.toString()).isEqualTo(200);
        assertThat(acked.post(API + "/semaphore/release", new JsonObject().put("key", key)
          .put("lockKey", permit.json().getString("lockKey")).encode()).status()).isEqualTo(200);
        HttpResult lock = acked.lock(key, 30);
        assertThat(lock.status()).as(lock.toString()).isEqualTo(200);
        assertThat(acked.unlock(key, lock.json().getString("lockKey")).status()).isEqualTo(200);
      }
      // a lock on several keys of one slot, confirmed the same way
      io.vertx.core.json.JsonArray keys = new io.vertx.core.json.JsonArray().add("{acked}1").add("{acked}2");
      HttpResult set = acked.post(API + "/lock", new JsonObject().put("keys", keys).put("ttl", 30).encode());
      assertThat(set.status()).as(set.toString()).isEqualTo(200);
      assertThat(acked.post(API + "/unlock", new JsonObject().put("keys", keys)
        .put("lockKey", set.json().getString("lockKey")).encode()).status()).isEqualTo(200);
    }
  }
}
