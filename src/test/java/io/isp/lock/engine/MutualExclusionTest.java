package io.isp.lock.engine;

import io.isp.lock.client.Lock;
import io.isp.lock.client.LockClient;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Mutual exclusion under contention: HTTP and event-bus clients on a few keys")
class MutualExclusionTest {

  private static final int HTTP_WORKERS = 16;
  private static final int EVENT_BUS_WORKERS = 16;
  private static final int ROUNDS = 12;
  private static final List<String> KEYS = List.of("counter-a", "counter-b", "counter-c");

  /** What a protected resource would see: a counter, who is inside, and the last fencing token. */
  private static final class Resource {
    long counter;
    final AtomicInteger inside = new AtomicInteger();
    long lastFencingToken;
    int overlaps;
    int staleTokens;
  }

  private final Map<String, Resource> resources = new ConcurrentHashMap<>();

  @Test
  @DisplayName("no lost update, no overlapping critical section, fencing tokens strictly increase per key")
  void mutualExclusion() throws Exception {
    KEYS.forEach(key -> resources.put(key, new Resource()));
    try (ServiceUnderTest service = ServiceUnderTest.start(new JsonObject())) {
      LockClient client = LockClient.create(service.vertx());
      ExecutorService pool = Executors.newFixedThreadPool(HTTP_WORKERS + EVENT_BUS_WORKERS);
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < HTTP_WORKERS; w++) {
        int worker = w;
        workers.add(pool.submit(() -> httpWorker(service, worker)));
      }
      for (int w = 0; w < EVENT_BUS_WORKERS; w++) {
        int worker = w;
        workers.add(pool.submit(() -> eventBusWorker(service, client, worker)));
      }
      for (Future<?> worker : workers) {
        worker.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }

    long total = resources.values().stream().mapToLong(r -> r.counter).sum();
    assertThat(total).as("no lost updates").isEqualTo((long) (HTTP_WORKERS + EVENT_BUS_WORKERS) * ROUNDS);
    assertThat(resources.values()).allSatisfy(r -> {
      assertThat(r.overlaps).as("overlapping critical sections").isZero();
      assertThat(r.staleTokens).as("fencing tokens not above the previous holder's").isZero();
    });
  }

  private void httpWorker(ServiceUnderTest service, int worker) {
    for (int round = 0; round < ROUNDS; round++) {
      String key = KEYS.get((worker + round) % KEYS.size());
      HttpResult lock = service.post(API + "/lock",
        new JsonObject().put("key", key).put("ttl", 30).put("waitTimeout", 60).encode());
      assertThat(lock.status()).as(lock.toString()).isEqualTo(200);
      criticalSection(service, key, lock.json().getLong("fencingToken"));
      assertThat(service.unlock(key, lock.json().getString("lockKey")).status()).isEqualTo(200);
    }
  }

  private void eventBusWorker(ServiceUnderTest service, LockClient client, int worker) {
    for (int round = 0; round < ROUNDS; round++) {
      String key = KEYS.get((worker + round + 1) % KEYS.size());
      Lock lock = ServiceUnderTest.await(client.lock(key, Duration.ofSeconds(30), Duration.ofSeconds(60)));
      criticalSection(service, key, lock.fencingToken());
      ServiceUnderTest.await(lock.unlock());
    }
  }

  /** Read, a real round trip (status, which must name us as holder), then write: any overlap loses updates. */
  private void criticalSection(ServiceUnderTest service, String key, long fencingToken) {
    Resource resource = resources.get(key);
    if (resource.inside.incrementAndGet() != 1) {
      synchronized (resource) {
        resource.overlaps++;
      }
    }
    long read;
    synchronized (resource) {
      if (fencingToken <= resource.lastFencingToken) {
        resource.staleTokens++;
      }
      resource.lastFencingToken = fencingToken;
      read = resource.counter;
    }
    JsonObject status = service.get(API + "/locks/" + key).json();
    assertThat(status.getLong("fencingToken")).isEqualTo(fencingToken);
    synchronized (resource) {
      resource.counter = read + 1;
    }
    resource.inside.decrementAndGet();
  }
}
