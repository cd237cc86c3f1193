package io.isp.lock.redis;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.SentinelCluster;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Sentinel mode: master, replica and three Sentinels as real processes")
class SentinelModeTest {

  private static final String MASTER = "locks";
  /** The Sentinels and the master have different passwords: both must be used where they belong. */
  @RegisterExtension
  static final SentinelCluster cluster = SentinelCluster.fixture(MASTER, SentinelCluster.Options.defaults()
    .masterPassword("master-secret").sentinelPassword("sentinel-secret"));
  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.withConfig(() -> new JsonObject()
    .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
    .put("redis", new JsonObject()
      .put("password", "master-secret")
      .put("db", 2)
      .put("prefix", "sentinel-test")
      .put("commandTimeout", "500ms")
      .put("sentinel", new JsonObject()
        .put("addresses", new JsonArray(cluster.sentinelAddresses()))
        .put("masterName", MASTER)
        .put("password", "sentinel-secret"))));

  @Test
  @DisplayName("locks land on the master Sentinel names, in redis.db, and the service follows a failover")
  void locksAndFailover() throws Exception {
    HttpResult placed = service.lock("placed", 60);
    String lockKey = placed.json().getString("lockKey");
    long tokenBefore = placed.json().getLong("fencingToken");
    assertThat(cluster.master().cli("-n", "2", "GET", "sentinel-test::placed")).isEqualTo(lockKey);

    ensureLiveReplica();
    int oldMaster = cluster.currentMasterPort();
    cluster.killMaster();
    // until the Sentinels promote the replica, every request ends quickly: 503, never a hang or a 500
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    int newMaster = -1;
    while (System.nanoTime() < deadline) {
      long start = System.nanoTime();
      HttpResult result = service.post(ServiceUnderTest.API + "/lock", "{\"key\": \"during\", \"ttl\": 60, \"waitTimeout\": 0}");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
      assertThat(result.status()).as(result.toString()).isIn(200, 503);
      if (result.status() == 200) {
        // the promoted replica may have missed the counter's last increments: tokens still go up
        assertThat(result.json().getLong("fencingToken")).isGreaterThan(tokenBefore);
        // the service may follow the promotion before the Sentinel this test asks has heard of it
        newMaster = cluster.awaitFailover(oldMaster, Duration.ofSeconds(10));
        break;
      }
    }
    assertThat(newMaster).as("a lock succeeded again after the failover").isNotEqualTo(-1).isNotEqualTo(oldMaster);

    // release notices follow the master too: a waiter is woken by an unlock on the new master
    String holder = service.lockKeyFor("after-failover", 60);
    CompletableFuture<HttpResult> waiter = service.waitFor("after-failover", 60, 20);
    JsonObject other = new JsonObject().put("key", "after-failover").put("lockKey", holder);
    try (ServiceUnderTest second = ServiceUnderTest.startWith(secondInstanceConfig())) {
      assertThat(second.post(ServiceUnderTest.API + "/unlock", other.encode()).status()).isEqualTo(200);
      assertThat(waiter.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("the service follows the new master within the Sentinels' detection time plus 2 s")
  void followsPromptly() {
    ensureLiveReplica();
    int oldMaster = cluster.currentMasterPort();
    cluster.killMaster();
    cluster.awaitFailover(oldMaster, Duration.ofSeconds(40));
    long promotedAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
      .until(() -> service.post(ServiceUnderTest.API + "/lock", "{\"key\": \"prompt\", \"ttl\": 1, \"waitTimeout\": 0}").status() == 200);
    assertThat(Duration.ofNanos(System.nanoTime() - promotedAt)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  @DisplayName("redis.passwordFile and redis.sentinel.passwordFile: each password from its own file, used where it belongs")
  void passwordsFromFiles(@TempDir Path dir) throws Exception {
    JsonObject json = secondInstanceConfig();
    JsonObject redis = json.getJsonObject("redis");
    redis.remove("password");
    redis.put("passwordFile", Files.writeString(dir.resolve("master"), "master-secret\n").toString());
    redis.getJsonObject("sentinel").remove("password");
    redis.getJsonObject("sentinel")
      .put("passwordFile", Files.writeString(dir.resolve("sentinel"), "sentinel-secret\n").toString());
    try (ServiceUnderTest node = ServiceUnderTest.startWith(json)) {
      // a failover test before this one may leave the master down for a moment
      await().atMost(Duration.ofSeconds(30)).until(() -> node.lock("from-files", 30).status() == 200);
      assertThat(cluster.master().cli("-n", "2", "EXISTS", "sentinel-test::from-files")).isEqualTo("1");
    }
  }

  /** A previous failover test leaves the old master dead: bring it back as a replica to fail over to. */
  private static void ensureLiveReplica() {
    if (!cluster.replica().isAlive()) {
      cluster.rejoinAsReplica(cluster.replica());
    }
    cluster.awaitReplicaInSync();
  }

  private static JsonObject secondInstanceConfig() {
    JsonObject json = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
      .put("redis", new JsonObject()
        .put("password", "master-secret").put("db", 2).put("prefix", "sentinel-test")
        .put("sentinel", new JsonObject()
          .put("addresses", new JsonArray(cluster.sentinelAddresses()))
          .put("masterName", MASTER).put("password", "sentinel-secret")));
    return json;
  }
}
