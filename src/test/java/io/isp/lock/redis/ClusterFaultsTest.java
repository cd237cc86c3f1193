package io.isp.lock.redis;

import io.isp.lock.history.HistoryChecker;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisCluster;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A master killed, and a slot resharded, under load: the service follows, every call is answered
 * (success or 503, never a wrong answer or a hang), holds never overlap where Redis kept its data,
 * and fencing tokens keep increasing. Each test has a cluster of its own.
 */
@Tag("slow")
@DisplayName("Redis Cluster under faults: a master killed, a slot resharded, under load")
class ClusterFaultsTest {

  private static final String PREFIX = "faults-" + UUID.randomUUID();

  @RegisterExtension
  @Order(1)
  final RedisCluster cluster = RedisCluster.fixture();
  @RegisterExtension
  @Order(2)
  final ServiceUnderTest service = ServiceUnderTest.on(cluster, config());
  @RegisterExtension
  @Order(3)
  final ServiceUnderTest other = ServiceUnderTest.on(cluster, config());

  private static JsonObject config() {
    return new JsonObject().put("redis", new JsonObject().put("prefix", PREFIX).put("commandTimeout", "1s"));
  }

  /** Keys named {@code {tag}:i}: all in the slot of tag. */
  private static List<String> keysInSlotOf(String tag, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add("{" + tag + "}:" + i);
    }
    return keys;
  }

  @Test
  @DisplayName("a master killed: the promoted replica takes over its slots, tokens keep increasing, no call hangs")
  void masterKilled() {
    List<String> keys = new ArrayList<>(keysInSlotOf("victim", 3));
    keys.addAll(List.of("spread-a", "spread-b", "spread-c", "spread-d"));
    int slot = cluster.keySlot("victim");
    HttpResult before = service.lock("{victim}:probe", 30);
    long tokenBefore = before.json().getLong("fencingToken");
    assertThat(service.unlock("{victim}:probe", before.json().getString("lockKey")).status()).isEqualTo(200);

    ContendedClients clients = ContendedClients.start(List.of(service, other), 8, keys, 10, 5);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> clients.granted() >= 50);
    long killedAt = System.nanoTime();
    RedisProcess killed = cluster.killMasterOf(slot);
    long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
    assertThat(cluster.masterOfSlot(slot)).isNotEqualTo(killed);
    long grantedAtFailover = clients.granted();
    // the service follows the promoted replica by itself: locks on the moved slot succeed again
    AtomicReference<HttpResult> after = new AtomicReference<>();
    Awaitility.await("a lock on the failed-over slot").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
      .until(() -> {
        after.set(service.lock("{victim}:probe", 30));
        return after.get().status() == 200;
      });
    assertThat(after.get().json().getLong("fencingToken")).as("token after the failover").isGreaterThan(tokenBefore);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> clients.granted() >= grantedAtFailover + 50);
    HistoryChecker.Report report = clients.stop();
    System.out.println("FIGURES cluster master killed: " + clients.answers() + "; " + report.acquisitions()
      + " holds, " + report.overlaps().size() + " overlaps (told apart by tokens), failover waited "
      + failoverMs + " ms");

    assertThat(report.backwards()).as(report.toString()).isEmpty();
    // a lock the old master acknowledged but had not yet replicated can be granted again (asynchronous
    // replication, as with Sentinel): the fencing tokens must tell such holders apart
    assertThat(report.overlaps()).as(report.toString()).allSatisfy(overlap -> assertThat(overlap.toldApart()).isTrue());
    assertThat(clients.answers()).as("answers").allSatisfy((answer, count) ->
      assertThat(answer).matches("(lock (200|409 lock_held|503 redis_unavailable))|(unlock (200|409 not_held|409 not_owner|503 redis_unavailable))"));
    assertThat(service.get("/health/ready").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("during a migration a held lock is never granted again and a permit is found through ASK; after it, MOVED leads to the new master")
  void askAndMoved() {
    HttpResult held = service.lock("{asked}:k", 60);
    assertThat(held.status()).isEqualTo(200);
    long token = held.json().getLong("fencingToken");
    JsonObject permit = new JsonObject().put("key", "{asked}:s").put("permits", 1).put("ttl", 60);
    HttpResult acquired = service.post(ServiceUnderTest.API + "/semaphore/acquire", permit.encode());
    assertThat(acquired.status()).as(acquired.toString()).isEqualTo(200);
    int slot = cluster.keySlot("asked");
    RedisProcess source = cluster.masterOfSlot(slot);
    RedisProcess target = cluster.masters().stream().filter(master -> master != source).findFirst().orElseThrow();
    String tag = "{" + HashSlots.tag(slot) + "}";
    cluster.beginMigration(slot, target);
    for (String key : List.of(PREFIX + "::{asked}:k", PREFIX + ":fence:" + tag + ":{asked}:k", PREFIX + ":fence:" + tag,
      PREFIX + ":fence-semaphore:" + tag + ":{asked}:s", PREFIX + ":fence-semaphore-tokens:" + tag + ":{asked}:s")) {
      cluster.migrateKey(source, target, key);
    }
    // every key of the semaphore is on the target now, the slot still the source's: the source answers
    // ASK, and the target, asked, runs the script (all the keys it names are there)
    assertProblem(service.post(ServiceUnderTest.API + "/semaphore/acquire", permit.copy().put("waitTimeout", 0).encode()),
      409, "lock_held");
    HttpResult extendedPermit = service.post(ServiceUnderTest.API + "/semaphore/extend", new JsonObject()
      .put("key", "{asked}:s").put("lockKey", acquired.json().getString("lockKey")).put("ttl", 30).encode());
    assertThat(extendedPermit.status()).as("extended through ASK: " + extendedPermit).isEqualTo(200);
    // the lock's scripts also name keys that exist only while read locks are held or writers wait
    // for readers: on a slot being migrated Redis answers TRYAGAIN for them (some named keys are
    // missing), so 503; never a second grant, never a wrong refusal
    HttpResult again = service.lock("{asked}:k", 60);
    assertThat(again.status()).as("held: refused, or 503 while the slot moves: " + again).isIn(409, 503);
    HttpResult status = service.get(ServiceUnderTest.API + "/locks/%7Basked%7D:k");
    if (status.status() == 200) {
      assertThat(status.json().getBoolean("locked")).isTrue();
      assertThat(status.json().getLong("fencingToken")).isEqualTo(token);
    } else {
      assertThat(status.status()).as(status.toString()).isEqualTo(503);
    }
    HttpResult extended = service.post(ServiceUnderTest.API + "/extend", new JsonObject().put("key", "{asked}:k")
      .put("lockKey", held.json().getString("lockKey")).put("ttl", 30).encode());
    assertThat(extended.status()).as(extended.toString()).isIn(200, 503);

    cluster.finishMigration(slot, source, target);
    // the service may still send to the source, which now answers MOVED
    assertThat(service.unlock("{asked}:k", held.json().getString("lockKey")).status()).isEqualTo(200);
    HttpResult regranted = service.lock("{asked}:k", 60);
    assertThat(regranted.status()).as(regranted.toString()).isEqualTo(200);
    assertThat(regranted.json().getLong("fencingToken")).isGreaterThan(token);
    assertThat(target.call("EXISTS", PREFIX + "::{asked}:k")).isEqualTo(1L);
    assertThat(service.post(ServiceUnderTest.API + "/semaphore/release", new JsonObject().put("key", "{asked}:s")
      .put("lockKey", acquired.json().getString("lockKey")).encode()).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a slot resharded key by key under load: no overlapping holds, tokens keep increasing, no stuck waiter")
  void slotResharded() throws Exception {
    List<String> keys = keysInSlotOf("moving", 4);
    int slot = cluster.keySlot("moving");
    RedisProcess source = cluster.masterOfSlot(slot);
    RedisProcess target = cluster.masters().stream().filter(master -> master != source).findFirst().orElseThrow();
    HttpResult before = service.lock("{moving}:probe", 30);
    long tokenBefore = before.json().getLong("fencingToken");
    assertThat(service.unlock("{moving}:probe", before.json().getString("lockKey")).status()).isEqualTo(200);

    // more clients than keys, each waiting up to 5 s: there are waiters while the slot moves
    ContendedClients clients = ContendedClients.start(List.of(service, other), 10, keys, 10, 5);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> clients.granted() >= 50);
    long movingAt = System.nanoTime();
    cluster.migrateSlot(slot, target, 100);
    long moveMs = (System.nanoTime() - movingAt) / 1_000_000;
    assertThat(cluster.masterOfSlot(slot)).isEqualTo(target);
    long grantedAtMove = clients.granted();
    Awaitility.await("locks granted after the move").atMost(Duration.ofSeconds(30))
      .until(() -> clients.granted() >= grantedAtMove + 50);
    HistoryChecker.Report report = clients.stop();
    System.out.println("FIGURES cluster slot resharded: " + clients.answers() + "; " + report.acquisitions()
      + " holds, " + report.overlaps().size() + " overlaps; the move took " + moveMs + " ms");

    assertThat(report.valid()).as(report.toString()).isTrue();
    assertThat(clients.answers()).as("answers").allSatisfy((answer, count) ->
      assertThat(answer).matches("(lock (200|409 lock_held|503 redis_unavailable))|(unlock (200|503 redis_unavailable))"));
    HttpResult after = service.lock("{moving}:probe", 30);
    assertThat(after.status()).as(after.toString()).isEqualTo(200);
    assertThat(after.json().getLong("fencingToken")).isGreaterThan(tokenBefore);
    assertThat(target.call("EXISTS", PREFIX + "::{moving}:probe")).isEqualTo(1L);
    assertThat(service.waiters()).isZero();
  }
}
