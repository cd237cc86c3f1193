package io.isp.lock.redis;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.LockLoad;
import io.isp.lock.support.LockLoad.Call;
import io.isp.lock.support.RedisMonitor;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults injected into the service's own redis-server while concurrent clients lock and unlock a few
 * hot keys (so that some of them wait): what every call in flight gets, how fast, and whether the
 * service recovers by itself. Each test prints one {@code FIGURES} line for docs/reliability.md.
 */
@Tag("slow")
@DisplayName("Redis killed, frozen, restarted empty and script-flushed under load: bounded 503s, every call answered, recovery without a restart")
class RedisFaultsUnderLoadTest {

  /** redis.commandTimeout in these tests. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
  /** What a slow, shared 2-core machine may add: the outage probe's period (250 ms), scheduling, GC. */
  private static final Duration MARGIN = Duration.ofMillis(2000);
  /** redis.maxPoolWaiting in these tests: small enough that a freeze would exceed it many times over. */
  private static final int MAX_POOL_WAITING = 32;
  private static final int CLIENTS = 12;
  private static final int HOT_KEYS = 3;
  private static final double WAIT_SECONDS = 2;
  /**
   * A call may take its wait, one Redis timeout and a margin (3 s: the machine runs other builds,
   * and the first calls on a fresh service are slow); a client gives up on it at twice that.
   */
  private static final Duration CALL_BOUND = Duration.ofMillis((long) (WAIT_SECONDS * 1000)).plus(COMMAND_TIMEOUT)
    .plus(Duration.ofSeconds(3));

  @RegisterExtension
  final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  final ServiceUnderTest service = ServiceUnderTest.on(redis, new JsonObject().put("redis", new JsonObject()
    .put("commandTimeout", COMMAND_TIMEOUT.toMillis() + "ms")
    .put("maxPoolWaiting", MAX_POOL_WAITING)));

  private LockLoad load() {
    return LockLoad.start(service.port(), CLIENTS, HOT_KEYS, 5, WAIT_SECONDS, CALL_BOUND.multipliedBy(2));
  }

  /** Waits until the load has had {@code more} lock calls answered 200 after {@code since}. */
  private static void awaitGrants(LockLoad load, long since, int more) {
    await().atMost(Duration.ofSeconds(30)).until(() ->
      load.startedAfter(since).stream().filter(call -> call.op().equals("lock") && call.status() == 200).count() >= more);
  }

  @Test
  @DisplayName("killed under load and restarted: every call in flight or arriving gets 503 within redis.commandTimeout, then locks are granted again")
  void killedUnderLoad() {
    try (LockLoad load = load()) {
      awaitGrants(load, 0, 30);
      redis.kill();
      long killedAt = System.nanoTime();
      // down for twice the command timeout, and long enough for 20 calls to find it so
      await().atMost(Duration.ofSeconds(10)).until(() -> load.startedAfter(killedAt).size() >= 20
        && System.nanoTime() - killedAt > COMMAND_TIMEOUT.multipliedBy(2).toNanos());
      long restartedAt = System.nanoTime();
      redis.restart();
      awaitGrants(load, System.nanoTime(), 30);
      List<Call> calls = load.stop();

      assertFaultAnswered(calls, killedAt, restartedAt);
      assertEveryCallAnswered(calls);
      figures("kill", calls, killedAt, restartedAt);
    }
  }

  @Test
  @DisplayName("frozen (SIGSTOP) under load for 3 x redis.commandTimeout: 503 within the timeout, recovery after SIGCONT, no grant left behind")
  void frozenUnderLoad() {
    try (LockLoad load = load()) {
      awaitGrants(load, 0, 30);
      redis.pause();
      long frozenAt = System.nanoTime();
      await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - frozenAt > COMMAND_TIMEOUT.multipliedBy(3).toNanos()
        && load.startedAfter(frozenAt).size() >= 10);
      long resumedAt = System.nanoTime();
      redis.resume();
      awaitGrants(load, System.nanoTime(), 30);
      List<Call> calls = load.stop();

      assertFaultAnswered(calls, frozenAt, resumedAt);
      assertEveryCallAnswered(calls);
      figures("sigstop", calls, frozenAt, resumedAt);
    }
    assertOnlyCountersLeft(Duration.ofSeconds(20));
  }

  @Test
  @DisplayName("frozen while 60 clients call: at most redis.maxPoolWaiting lock commands pile up in Redis, the rest fail fast with 503")
  void frozenPendingCommandsBounded() {
    service.lockKeyFor("warm-up", 1); // the shared connection is open, the scripts loaded
    List<Call> calls;
    long frozenFor;
    try (RedisMonitor monitor = RedisMonitor.start(redis)) {
      redis.pause();
      long frozenAt = System.nanoTime();
      // distinct keys, no waiting: every call is a lock command of its own
      try (LockLoad load = LockLoad.start(service.port(), 60, 1_000_000, 30, 0, CALL_BOUND.multipliedBy(2))) {
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - frozenAt > COMMAND_TIMEOUT.multipliedBy(3).toNanos()
          && load.startedAfter(frozenAt).size() >= 120);
        calls = load.stop();
      }
      frozenFor = Duration.ofNanos(System.nanoTime() - frozenAt).toMillis();
      redis.resume();
      // what was queued in the frozen Redis runs now; no lock call comes after the load stopped,
      // so every lock script Redis runs from here on was sent during the freeze
      long[] last = {-1};
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
        long now = monitor.count(LuaScript.LOCK.sha());
        boolean quiet = now == last[0];
        last[0] = now;
        return quiet;
      });
      long queuedLocks = last[0];

      assertThat(calls).allSatisfy(call -> assertThat(call.status()).as(call.toString()).isEqualTo(503));
      assertThat(calls).allSatisfy(call -> assertThat(call.took()).as(call.toString()).isLessThan(COMMAND_TIMEOUT.plus(MARGIN)));
      // the lock scripts (and their give-backs) share one pipelined connection that holds at most
      // maxPoolWaiting commands awaiting a reply; the others fail at once
      assertThat(queuedLocks).as("lock commands queued in the frozen Redis").isLessThanOrEqualTo(MAX_POOL_WAITING);
      System.out.printf("FIGURES frozen-pile-up: %d lock calls during a %d ms freeze, all 503 (slowest %d ms); %d lock commands "
          + "reached Redis (redis.maxPoolWaiting %d)%n", calls.size(), frozenFor,
        calls.stream().mapToLong(call -> call.took().toMillis()).max().orElse(0), queuedLocks, MAX_POOL_WAITING);
    }
    assertOnlyCountersLeft(Duration.ofSeconds(20));
  }

  @Test
  @DisplayName("CLIENT PAUSE longer than redis.commandTimeout: 503 within the timeout; the lock Redis grants after the service gave up is released")
  void clientPause() throws Exception {
    String holder = service.lockKeyFor("paused", 30);
    var waiter = service.waitFor("paused", 30, 20);
    redis.call("CLIENT", "PAUSE", Long.toString(COMMAND_TIMEOUT.multipliedBy(3).toMillis()), "ALL");
    long pausedAt = System.nanoTime();
    // a lock that Redis will grant when the pause ends, long after the service answered 503
    var late = service.post(ServiceUnderTest.API + "/lock", "{\"key\": \"late\", \"ttl\": 60, \"waitTimeout\": 0}");
    Duration took = Duration.ofNanos(System.nanoTime() - pausedAt);
    assertThat(late.status()).as(late.toString()).isEqualTo(503);
    assertThat(took).isLessThan(COMMAND_TIMEOUT.plus(MARGIN));
    assertThat(waiter.get(20, TimeUnit.SECONDS).status()).as("the waiter").isEqualTo(503);

    // after the pause: the late grant is given back, the held lock is untouched, no waiter's grant leaks
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
      .until(() -> redis.call("EXISTS", service.redisKey("late")).equals(0L));
    assertThat(redis.call("GET", service.redisKey("paused"))).isEqualTo(holder);
    assertThat(service.unlock("paused", holder).status()).isEqualTo(200);
    assertThat(service.lock("late", 5).status()).isEqualTo(200);
    System.out.printf("FIGURES client-pause: lock answered 503 in %d ms (redis.commandTimeout %d ms); late grant released%n",
      took.toMillis(), COMMAND_TIMEOUT.toMillis());
  }

  @Test
  @DisplayName("restarted empty under load (scripts and keys gone): only 503s while it is down, scripts reloaded, locks granted again")
  void restartedEmptyUnderLoad() {
    try (LockLoad load = load()) {
      awaitGrants(load, 0, 30);
      long downAt = System.nanoTime();
      redis.restart(); // a crash and a quick start; no persistence: it comes back with no key and no script
      long upAt = System.nanoTime();
      awaitGrants(load, System.nanoTime(), 30);
      List<Call> calls = load.stop();

      assertFaultAnswered(calls, upAt, upAt);
      assertThat(calls).filteredOn(call -> call.status() == 503)
        .allSatisfy(call -> assertThat(call.endNanos()).as("503 long after the restart: " + call)
          .isLessThan(upAt + COMMAND_TIMEOUT.plus(MARGIN).toNanos()));
      assertEveryCallAnswered(calls);
      assertThat(redis.call("SCRIPT", "EXISTS", LuaScript.LOCK.sha())).isEqualTo(List.of(1L));
      figures("restart-empty", calls, downAt, upAt);
    }
  }

  @Test
  @DisplayName("SCRIPT FLUSH five times under load: NOSCRIPT is handled (scripts reloaded), not a single 5xx")
  void scriptFlushUnderLoad() {
    try (LockLoad load = load()) {
      awaitGrants(load, 0, 20);
      long firstFlush = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        redis.call("SCRIPT", "FLUSH");
        awaitGrants(load, System.nanoTime(), 10);
      }
      List<Call> calls = load.stop();

      assertEveryCallAnswered(calls);
      assertThat(calls).allSatisfy(call -> assertThat(call.status()).as(call.toString()).isIn(200, 409));
      figures("script-flush", calls, firstFlush, System.nanoTime());
    }
  }

  @Test
  @DisplayName("the pub/sub connection killed (CLIENT KILL TYPE pubsub): waiters are still woken by a release on another instance")
  void pubsubConnectionKilled() throws Exception {
    try (ServiceUnderTest other = ServiceUnderTest.start(redis.address(), new JsonObject()
      .put("redis", new JsonObject().put("prefix", service.config().redis().prefix())))) {
      long slowest = 0;
      for (int round = 0; round < 6; round++) {
        String key = "notice-" + round;
        String holder = other.lockKeyFor(key, 60);
        CompletableFuture<HttpResult> waiter = service.waitFor(key, 60, 30);
        assertThat((Long) redis.call("CLIENT", "KILL", "TYPE", "pubsub")).as("subscriptions killed").isEqualTo(2L);
        if (round % 2 == 1) {
          // odd rounds: the release comes once both have subscribed again; even rounds: at once,
          // while they are away (the notice is lost, and the re-check on resubscribing must find it)
          await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(redis.call("CLIENT", "LIST", "TYPE", "pubsub"))
            .lines().filter(line -> !line.isBlank()).count() == 2);
        }
        long unlockedAt = System.nanoTime();
        assertThat(other.unlock(key, holder).status()).isEqualTo(200);
        HttpResult woken = waiter.get(10, TimeUnit.SECONDS);
        long took = Duration.ofNanos(System.nanoTime() - unlockedAt).toMillis();
        // far below the holder's 60 s TTL and the waiter's 30 s wait: woken by the release
        assertThat(woken.status()).as("round %d: %s", round, woken).isEqualTo(200);
        slowest = Math.max(slowest, took);
      }
      System.out.printf("FIGURES pubsub-kill: 6 kills of both instances' subscriptions, 6 waiters woken by a release on the "
        + "other instance, slowest %d ms after the unlock%n", slowest);
    }
  }

  /**
   * Between the fault and the repair, nothing but 200, 409 and 503; every call in flight when the
   * fault came, or starting before the repair, is answered within redis.commandTimeout and the
   * margin of the later of its start and the fault (a waiter included, not at its waitTimeout).
   */
  private static void assertFaultAnswered(List<Call> calls, long faultAt, long repairedAt) {
    for (Call call : calls) {
      assertThat(call.status()).as(call.toString()).isIn(200, 409, 503);
      if (call.endNanos() > faultAt && call.startNanos() < repairedAt && call.status() == 503) {
        long from = Math.max(call.startNanos(), faultAt);
        assertThat(Duration.ofNanos(call.endNanos() - from)).as("503 after the fault: " + call)
          .isLessThan(COMMAND_TIMEOUT.plus(MARGIN));
      }
    }
    assertThat(calls).filteredOn(call -> call.startNanos() >= faultAt && call.endNanos() <= repairedAt)
      .allSatisfy(call -> assertThat(call.status()).as("during the fault: " + call).isEqualTo(503));
  }

  /** No stuck call: each one answered, within its wait, a Redis timeout and the margin. */
  private static void assertEveryCallAnswered(List<Call> calls) {
    assertThat(calls).allSatisfy(call -> {
      assertThat(call.status()).as(call.toString()).isPositive();
      assertThat(call.took()).as(call.toString()).isLessThan(CALL_BOUND);
    });
  }

  /** Eventually nothing but the fencing counter is left in Redis: no lock, no waiter count. */
  private void assertOnlyCountersLeft(Duration within) {
    String prefix = service.config().redis().prefix();
    await().atMost(within).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
      assertThat(redis.call("KEYS", "*")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .allSatisfy(key -> assertThat(key).isIn(prefix + ":fence")));
  }

  private static void figures(String fault, List<Call> calls, long faultAt, long repairedAt) {
    List<Call> after = calls.stream().filter(call -> call.endNanos() > faultAt && call.status() == 503).toList();
    long max503 = after.stream().mapToLong(call -> (call.endNanos() - Math.max(call.startNanos(), faultAt)) / 1_000_000)
      .max().orElse(0);
    Map<String, Long> tally = LockLoad.tally(calls);
    System.out.printf("FIGURES %s: %d calls %s; fault lasted %d ms; slowest 503 %d ms after the fault; slowest call %d ms%n",
      fault, calls.size(), tally, (repairedAt - faultAt) / 1_000_000, max503,
      calls.stream().mapToLong(call -> call.took().toMillis()).max().orElse(0));
    assertThat(tally.keySet()).allSatisfy(status -> assertThat(Set.of("200", "409 lock_held", "409 not_held",
      "409 not_owner", "503 redis_unavailable")).contains(status));
  }
}
