package io.isp.lock.redis;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.SentinelCluster;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Sentinel failover hardening: load, repeated and manual failovers, ACL auth, replica acks")
class SentinelFailoverTest {

  private static final String MASTER = "hardened";
  /** ACL users on both sides, and different ones: Sentinel credentials are not the master's. */
  @RegisterExtension
  static final SentinelCluster cluster = SentinelCluster.fixture(MASTER, SentinelCluster.Options.defaults()
    .masterUser("app", "app-secret").sentinelUser("watcher", "watcher-secret"));
  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.withConfig(() -> config(0));

  @BeforeEach
  void liveReplica() {
    if (!cluster.replica().isAlive()) {
      cluster.rejoinAsReplica(cluster.replica());
    }
    cluster.awaitReplicaInSync();
    await().atMost(Duration.ofSeconds(10)).until(() -> service.lock("warm", 0.01).status() == 200);
  }

  @Test
  @DisplayName("under continuous load: only 200/409/503, and no overlap among locks granted after the failover")
  void failoverUnderLoad() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong failoverAt = new AtomicLong(Long.MAX_VALUE);
    Map<Integer, Long> insideSince = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    AtomicInteger grantedAfter = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      int worker = w;
      workers.add(pool.submit(() -> {
        for (int round = 0; round < 5000 && running.get(); round++) {
          HttpResult lock = service.post(API + "/lock", "{\"key\": \"busy\", \"ttl\": 10, \"waitTimeout\": 2}");
          long grantedAt = System.nanoTime();
          if (lock.status() != 200) {
            if (lock.status() != 409 && lock.status() != 503) {
              unexpected.add("lock: " + lock);
            }
            continue;
          }
          if (grantedAt > failoverAt.get()) {
            // another holder also granted after the failover is inside: mutual exclusion broke
            if (insideSince.values().stream().anyMatch(since -> since > failoverAt.get())) {
              overlaps.incrementAndGet();
            }
            grantedAfter.incrementAndGet();
          }
          insideSince.put(worker, grantedAt);
          service.get(API + "/locks/busy");
          insideSince.remove(worker);
          HttpResult unlocked = service.unlock("busy", lock.json().getString("lockKey"));
          // a lock granted just before the master died may be lost with it: 409 not_held is allowed
          if (unlocked.status() != 200 && unlocked.status() != 409 && unlocked.status() != 503) {
            unexpected.add("unlock: " + unlocked);
          }
        }
      }));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> !insideSince.isEmpty());
    int oldMaster = cluster.currentMasterPort();
    cluster.killMaster();
    cluster.awaitFailover(oldMaster, Duration.ofSeconds(40));
    failoverAt.set(System.nanoTime());
    await().atMost(Duration.ofSeconds(15)).until(() -> grantedAfter.get() >= 30);
    running.set(false);
    for (Future<?> worker : workers) {
      worker.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(unexpected).as("answers other than 200, 409 and 503").isEmpty();
    assertThat(overlaps.get()).as("overlapping critical sections after the failover").isZero();
  }

  @Test
  @DisplayName("two failovers in a row are both followed: each lock granted after one lives on the new master")
  void repeatedFailover() {
    double movesBefore = service.metrics().value("isp_lock_redis_master_changes_total");
    for (int i = 0; i < 2; i++) {
      String key = "repeat-" + i;
      liveReplica();
      int oldMaster = cluster.currentMasterPort();
      cluster.killMaster();
      cluster.awaitFailover(oldMaster, Duration.ofSeconds(40));
      String[] lockKey = new String[1];
      await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50)).until(() -> {
        HttpResult result = service.lock(key, 30);
        lockKey[0] = result.status() == 200 ? result.json().getString("lockKey") : null;
        return lockKey[0] != null;
      });
      assertThat(cluster.master().cli("GET", "hardened::" + key)).as("the lock is on the promoted master").isEqualTo(lockKey[0]);
    }
    assertThat(service.metrics().value("isp_lock_redis_master_changes_total")).as("both moves counted")
      .isGreaterThanOrEqualTo(movesBefore + 2);
  }

  @Test
  @DisplayName("a master demoted behind the Sentinels' back answers READONLY: 503 redis_unavailable (never 500), then recovery")
  void demotedMasterAnswersReadonly() {
    RedisProcess master = cluster.master();
    long readonlyBefore = readonlyErrors(master);
    double countedBefore = service.metrics().value("isp_lock_redis_errors_total", "kind", "readonly");
    // a replica of nothing: read-only at once, and unlike Sentinel's own reconfiguration this does
    // not disconnect our connection, so the next call meets the demoted node
    master.cli("REPLICAOF", "127.0.0.1", "1");
    try {
      assertProblem(service.lock("demoted", 30), 503, "redis_unavailable");
      assertThat(readonlyErrors(master)).as("the call met a READONLY reply").isGreaterThan(readonlyBefore);
      assertThat(service.metrics().value("isp_lock_redis_errors_total", "kind", "readonly")).as("and counted it")
        .isGreaterThan(countedBefore);
    } finally {
      master.cli("REPLICAOF", "NO", "ONE");
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
      .until(() -> service.lock("after-demotion", 0.1).status() == 200);
  }

  /** How many READONLY error replies {@code node} has sent (Redis 7's errorstats). */
  private static long readonlyErrors(RedisProcess node) {
    String count = node.info("errorstats", "errorstat_READONLY");
    return count == null ? 0 : Long.parseLong(count.replaceAll("^count=(\\d+).*$", "$1"));
  }

  @Test
  @DisplayName("redis.minReplicasToAck: a lock no replica confirms is given back with 503")
  void replicaAcks() {
    try (ServiceUnderTest confirming = ServiceUnderTest.startWith(config(1))) {
      HttpResult confirmed = confirming.lock("acked", 30);
      assertThat(confirmed.status()).isEqualTo(200);
      confirming.unlock("acked", confirmed.json().getString("lockKey"));

      cluster.replica().pause();
      try {
        long start = System.nanoTime();
        assertProblem(confirming.lock("unacked", 30), 503, "redis_unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(confirming.get(API + "/locks/unacked").json().getBoolean("locked")).isFalse();
      } finally {
        cluster.replica().resume();
      }
    }
  }

  private static JsonObject config(int minReplicasToAck) {
    return new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
      .put("redis", new JsonObject()
        .put("userName", "app").put("password", "app-secret")
        .put("prefix", "hardened")
        .put("commandTimeout", "500ms")
        .put("minReplicasToAck", minReplicasToAck)
        .put("replicaAckTimeout", "300ms")
        .put("sentinel", new JsonObject()
          .put("addresses", new JsonArray(cluster.sentinelAddresses()))
          .put("masterName", MASTER)
          .put("username", "watcher").put("password", "watcher-secret")));
  }
}
