package io.isp.lock.history;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent HTTP clients hammer a few hot keys on one service and a real Redis for a bounded time,
 * each recording what it held; the {@link HistoryChecker} then finds no two holders of a key at
 * once and no fencing token going backwards. While they run, each holder also marks the key busy in
 * memory on entering and leaving, so an overlap would show at once too.
 */
@Tag("slow")
@DisplayName("Concurrent clients on hot keys: the history shows no overlap and no fencing token going backwards")
class HotKeysHistoryTest {

  static final int CLIENTS = 8;
  static final int KEYS = 3;
  static final long RUN_MS = 15_000;
  private static final int TTL_S = 2;

  @RegisterExtension
  @Order(1)
  static final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  @Order(2)
  static final ServiceUnderTest service = ServiceUnderTest.on(redis, new JsonObject());

  @Test
  @DisplayName("8 clients, 3 keys, 15 s: zero overlaps, zero backwards tokens, zero 5xx")
  void noOverlaps() throws Exception {
    HistoryRecorder recorder = new HistoryRecorder();
    Map<String, String> inside = new ConcurrentHashMap<>();
    List<String> violations = new ArrayList<>();
    AtomicInteger timeouts = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MS);

    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      String client = "client-" + i;
      clients.add(pool.submit(() -> {
        while (System.nanoTime() < deadline) {
          String key = "hot-" + ThreadLocalRandom.current().nextInt(KEYS);
          long requestedAt = HistoryRecorder.nowMicros();
          HttpResult locked = service.post(API + "/lock",
            new JsonObject().put("key", key).put("ttl", TTL_S).put("waitTimeout", 1).encode());
          if (locked.status() == 409) {
            timeouts.incrementAndGet();
            continue;
          }
          if (locked.status() != 200) {
            errors.incrementAndGet();
            synchronized (violations) {
              violations.add(client + ": lock answered " + locked);
            }
            continue;
          }
          long grantedAt = HistoryRecorder.nowMicros();
          String lockKey = locked.json().getString("lockKey");
          long token = locked.json().getLong("fencingToken");
          String other = inside.putIfAbsent(key, client);
          if (other != null) {
            synchronized (violations) {
              violations.add(client + " entered '" + key + "' while " + other + " was inside");
            }
          }
          inside.remove(key, client);
          long unlockSentAt = HistoryRecorder.nowMicros();
          HttpResult unlocked = service.unlock(key, lockKey);
          if (unlocked.status() >= 500) {
            errors.incrementAndGet();
          }
          recorder.record(new Acquisition(client, key, token, grantedAt,
            Acquisition.heldUntil(requestedAt, TTL_S * 1000L, unlockSentAt),
            unlocked.status() == 200 ? "released" : unlocked.status() + " " + unlocked.code()));
        }
        return null;
      }));
    }
    try {
      for (Future<?> client : clients) {
        client.get(RUN_MS + 60_000, TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<Acquisition> history = recorder.history();
    recorder.write(Path.of("target", "hot-keys-history.tsv"));
    HistoryChecker.Report report = HistoryChecker.check(history);
    System.out.printf("HotKeysHistoryTest: %d clients, %d keys, %d s: %d acquisitions, %d waits that ran out, %d errors, %d not released by their unlock; %s%n",
      CLIENTS, KEYS, RUN_MS / 1000, history.size(), timeouts.get(), errors.get(),
      history.stream().filter(acquisition -> !acquisition.outcome().equals("released")).count(), report);
    assertThat(violations).isEmpty();
    assertThat(errors.get()).isZero();
    assertThat(report.valid()).as("%s", report).isTrue();
    assertThat(history.size()).as("acquisitions").isGreaterThan(100);
  }
}
