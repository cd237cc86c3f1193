package io.isp.lock.engine;

import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.metrics.Primitive;
import io.vertx.core.Future;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How long locks are held, from grant to an unlock through this service ({@code isp_lock_hold_seconds}).
 * Remembers each lock this instance granted until its unlock or its expiry: a lock never unlocked
 * here (it expired, it was force-unlocked, its holder unlocks through another instance) is forgotten
 * at a grant once its TTL has passed (looked for at most every 100 ms), and never more than
 * {@link #MAX_TRACKED} are remembered at once, the oldest going first. Keyed by lockKey, which never
 * leaves this class. One event loop; nothing at all when metrics are off.
 */
final class HoldTimes {

  /** About 100 bytes each: at most ~10 MB however many locks are granted and never unlocked here. */
  static final int MAX_TRACKED = 100_000;
  /** Expired entries are looked for at most this often (a grant costs no walk of the map), 100 ms. */
  static final long SWEEP_EVERY_NS = 100_000_000L;

  private final LockMetrics metrics;
  private final Timers timers;
  private final int maxTracked;
  /** lockKey → its grant; in grant order, so the oldest come first. */
  private final LinkedHashMap<String, Grant> held = new LinkedHashMap<>();
  /** When expired entries were last looked for (monotonic ns). */
  private long lastSweep;

  /** When a lock was granted and when it expires, monotonic nanoseconds, and what kind of lock it is. */
  private static final class Grant {

    final long grantedAt;
    long expiresAt;
    final Primitive primitive;

    Grant(long grantedAt, long expiresAt, Primitive primitive) {
      this.grantedAt = grantedAt;
      this.expiresAt = expiresAt;
      this.primitive = primitive;
    }
  }

  HoldTimes(LockMetrics metrics, Timers timers) {
    this(metrics, timers, MAX_TRACKED);
  }

  HoldTimes(LockMetrics metrics, Timers timers, int maxTracked) {
    this.metrics = metrics;
    this.timers = timers;
    this.maxTracked = maxTracked;
    this.lastSweep = timers.nanoTime() - SWEEP_EVERY_NS;
  }

  /**
   * Runs an acquisition ({@code acquire}) and records, when it ends, how long it waited
   * ({@code isp_lock_wait_seconds}: granted or the problem code) and, for a grant, the hold that
   * starts ({@code lockKeyOf} reads the grant's lockKey). Just {@code acquire} when metrics are off.
   */
  <G> Future<G> measured(Primitive primitive, long ttlMs, Supplier<Future<G>> acquire, Function<G, String> lockKeyOf) {
    if (!metrics.enabled()) {
      return acquire.get();
    }
    long arrival = timers.nanoTime();
    // a listener on the acquisition's own future, which the caller then composes: no future of its own
    return acquire.get().onComplete(outcome -> {
      long end = timers.nanoTime();
      metrics.waited(primitive, outcome.succeeded() ? "granted" : Outcomes.code(outcome.cause()), end - arrival);
      if (outcome.succeeded()) {
        granted(lockKeyOf.apply(outcome.result()), ttlMs, primitive, end);
      }
    });
  }

  void granted(String lockKey, long ttlMs, Primitive primitive) {
    if (metrics.enabled()) {
      granted(lockKey, ttlMs, primitive, timers.nanoTime());
    }
  }

  /** {@code now}: the grant's time, read once for the wait that ends and the hold that starts. */
  private void granted(String lockKey, long ttlMs, Primitive primitive, long now) {
    if (now - lastSweep >= SWEEP_EVERY_NS) {
      lastSweep = now;
      forgetExpired(now);
    }
    if (held.size() >= maxTracked) {
      Iterator<?> oldest = held.values().iterator();
      oldest.next();
      oldest.remove();
    }
    held.put(lockKey, new Grant(now, now + ttlMs * 1_000_000, primitive));
  }

  /** The holder set a new TTL, from now. */
  void extended(String lockKey, long ttlMs) {
    Grant grant = held.get(lockKey);
    if (grant != null) {
      grant.expiresAt = timers.nanoTime() + ttlMs * 1_000_000;
    }
  }

  /** The holder unlocked: its hold time is recorded. */
  void released(String lockKey) {
    Grant grant = held.remove(lockKey);
    if (grant != null) {
      metrics.held(grant.primitive, timers.nanoTime() - grant.grantedAt);
    }
  }

  int tracked() {
    return held.size();
  }

  /**
   * Drops expired entries from the oldest on, stopping at the first live one: entries are in grant
   * order, not expiry order, so a long TTL may keep a few expired ones behind it until the cap.
   */
  private void forgetExpired(long now) {
    Iterator<Map.Entry<String, Grant>> entries = held.entrySet().iterator();
    while (entries.hasNext()) {
      if (entries.next().getValue().expiresAt - now > 0) {
        return;
      }
      entries.remove();
    }
  }
}
