package io.isp.lock.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link LockMetrics} into a Micrometer registry, under the names the Prometheus registry renders as
 * {@code isp_lock_requests_total}, {@code isp_lock_wait_seconds}, {@code isp_lock_hold_seconds},
 * {@code isp_lock_waiters}, {@code isp_lock_handoffs_total}, {@code isp_lock_redis_errors_total} and
 * {@code isp_lock_redis_master_changes_total}. Meters are looked up once per label set and kept:
 * a lock call costs a map read and an increment, not a registry lookup.
 */
public final class MicrometerLockMetrics implements LockMetrics {

  static final String REQUESTS = "isp.lock.requests";
  static final String WAIT = "isp.lock.wait";
  static final String HOLD = "isp.lock.hold";
  static final String WAITERS = "isp.lock.waiters";
  static final String HANDOFFS = "isp.lock.handoffs";
  static final String REDIS_ERRORS = "isp.lock.redis.errors";
  static final String MASTER_CHANGES = "isp.lock.redis.master.changes";

  /** The operations, counted at zero from the start so that a dashboard's rate() has a series to read. */
  static final String[] OPS = {"lock", "unlock", "extend", "status", "force_unlock", "list"};

  /** Waits end within lock.maxWaitTimeout (300 s by default); most in milliseconds. */
  private static final Duration[] WAIT_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1, 2.5, 5, 10, 30, 60, 120, 300);
  /** Holds last up to lock.maxTtl (a day by default). */
  private static final Duration[] HOLD_BUCKETS = seconds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300,
    900, 3600, 86400);

  private final MeterRegistry registry;
  private final Map<String, Map<String, Counter>> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> waits = new ConcurrentHashMap<>();
  private final Timer hold;
  /** Held here: a Micrometer gauge keeps only a weak reference to what it reads. */
  private final AtomicInteger waiting = new AtomicInteger();
  private final Counter handoffs;
  private final Map<RedisErrorKind, Counter> redisErrors = new ConcurrentHashMap<>();
  private final Counter masterChanges;

  public MicrometerLockMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String op : OPS) {
      requestCounter(op, "ok");
    }
    waitTimer("granted");
    hold = Timer.builder(HOLD)
      .description("From a lock's grant to its unlock, for unlocks that come through this service")
      .serviceLevelObjectives(HOLD_BUCKETS)
      .register(registry);
    Gauge.builder(WAITERS, waiting, AtomicInteger::get)
      .description("Lock calls blocked in this process now")
      .register(registry);
    handoffs = Counter.builder(HANDOFFS)
      .description("Locks handed straight to the next waiter inside an unlock")
      .register(registry);
    for (RedisErrorKind kind : RedisErrorKind.values()) {
      redisErrors.put(kind, Counter.builder(REDIS_ERRORS)
        .description("Failed Redis calls, by kind")
        .tag("kind", kind.label())
        .register(registry));
    }
    masterChanges = Counter.builder(MASTER_CHANGES)
      .description("Moves of the Redis master (Sentinel failovers) that the service followed")
      .register(registry);
  }

  @Override
  public void request(String op, String outcome) {
    requestCounter(op, outcome).increment();
  }

  @Override
  public void waited(String outcome, long nanos) {
    waitTimer(outcome).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void held(long nanos) {
    hold.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void waiters(int delta) {
    waiting.addAndGet(delta);
  }

  @Override
  public void handoff() {
    handoffs.increment();
  }

  @Override
  public void redisError(RedisErrorKind kind) {
    redisErrors.get(kind).increment();
  }

  @Override
  public void masterChanged() {
    masterChanges.increment();
  }

  @Override
  public boolean enabled() {
    return true;
  }

  private Counter requestCounter(String op, String outcome) {
    return requests.computeIfAbsent(op, o -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> Counter.builder(REQUESTS)
      .description("Lock operations answered, HTTP and event bus alike, by operation and outcome (ok or the problem code)")
      .tag("op", op)
      .tag("outcome", outcome)
      .register(registry));
  }

  private Timer waitTimer(String outcome) {
    return waits.computeIfAbsent(outcome, o -> Timer.builder(WAIT)
      .description("From a lock request's arrival to its grant (granted) or its give-up (the problem code)")
      .tag("outcome", outcome)
      .serviceLevelObjectives(WAIT_BUCKETS)
      .register(registry));
  }

  private static Duration[] seconds(double... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return durations;
  }
}
