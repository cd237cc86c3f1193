package io.isp.lock.engine;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Publishes how many calls wait in this instance, per key, so that a status on any instance counts
 * the waiters of all (RedisLockStore#publishWaiters, lua/status.lua). Costs nothing while nothing waits: it ticks
 * only while this instance has waiters, or has published counts it has not yet withdrawn, and it
 * writes only what changed (and, every few seconds, refreshes what it published, so that the entries
 * of an instance that died stop counting).
 */
final class WaiterCounts {

  /** How stale a published count may be. */
  static final long TICK_MS = 250;
  /** How long a published count holds without a refresh: what a crashed instance's entries linger. */
  static final long VALIDITY_MS = 15_000;
  static final long REFRESH_MS = 5_000;

  /** Writes one count: {@link LockStore#publishWaiters} or its semaphore twin. */
  interface Publisher {
    Future<Void> publish(String key, String instanceId, int count, long validityMs);
  }

  private final Publisher store;
  private final Timers timers;
  private final Supplier<Map<String, Integer>> waiting;
  private final String instanceId = UUID.randomUUID().toString();
  private final Map<String, Integer> published = new HashMap<>();
  private long timer = -1;
  private long lastRefreshNanos;
  /** A publication failed: publish everything again on the next tick. */
  private boolean republish;
  private boolean stopped;

  /** {@code waiting}: the calls waiting here now, per key (keys with none left out). */
  WaiterCounts(LockStore store, Timers timers, Supplier<Map<String, Integer>> waiting) {
    this(store::publishWaiters, timers, waiting);
  }

  WaiterCounts(Publisher store, Timers timers, Supplier<Map<String, Integer>> waiting) {
    this.store = store;
    this.timers = timers;
    this.waiting = waiting;
    this.lastRefreshNanos = timers.nanoTime();
  }

  /** Something may wait now: make sure a tick comes. */
  void wake() {
    if (timer < 0 && !stopped) {
      timer = timers.schedule(TICK_MS, this::tick);
    }
  }

  /** Withdraws what this instance published (best effort) and stops. */
  void stop() {
    stopped = true;
    timers.cancel(timer);
    List.copyOf(published.keySet()).forEach(key -> publish(key, 0));
  }

  private void tick() {
    timer = -1;
    Map<String, Integer> now = waiting.get();
    boolean refresh = republish || timers.nanoTime() - lastRefreshNanos >= REFRESH_MS * 1_000_000;
    if (refresh) {
      lastRefreshNanos = timers.nanoTime();
      republish = false;
    }
    now.forEach((key, count) -> {
      if (refresh || !count.equals(published.get(key))) {
        publish(key, count);
      }
    });
    for (String key : List.copyOf(published.keySet())) {
      if (!now.containsKey(key)) {
        publish(key, 0);
      }
    }
    if (!now.isEmpty() || !published.isEmpty()) {
      wake();
    }
  }

  private void publish(String key, int count) {
    if (count == 0) {
      published.remove(key);
    } else {
      published.put(key, count);
    }
    store.publish(key, instanceId, count, VALIDITY_MS).onFailure(error -> republish = true);
  }
}
