package io.isp.lock.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link LockMetrics} into a Micrometer registry, under the names the Prometheus registry renders as
 * {@code isp_lock_requests_total}, {@code isp_lock_wait_seconds}, {@code isp_lock_hold_seconds},
 * {@code isp_lock_waiters}, {@code isp_lock_handoffs_total}, {@code isp_lock_redis_errors_total} and
 * {@code isp_lock_redis_master_changes_total}; all but the Redis ones by {@code primitive} too. Meters
 * are looked up once per label set and kept: a lock call costs a map read or two and an increment,
 * not a registry lookup.
 */
public final class MicrometerLockMetrics implements LockMetrics {

  static final String REQUESTS = "isp.lock.requests";
  static final String WAIT = "isp.lock.wait";
  static final String HOLD = "isp.lock.hold";
  static final String WAITERS = "isp.lock.waiters";
  static final String HANDOFFS = "isp.lock.handoffs";
  static final String REDIS_ERRORS = "isp.lock.redis.errors";
  static final String MASTER_CHANGES = "isp.lock.redis.master.changes";
  static final String PRIMITIVE = "primitive";

  /**
   * Each primitive's operations, counted at zero from the start so that a dashboard's rate() has a
   * series to read.
   */
  private static final Map<Primitive, List<String>> OPS = Map.of(
    Primitive.LOCK, List.of("lock", "unlock", "extend", "status", "force_unlock", "list"),
    Primitive.READ_LOCK, List.of("lock", "unlock", "extend"),
    Primitive.MULTI_LOCK, List.of("lock", "unlock", "extend"),
    Primitive.SEMAPHORE, List.of("semaphore_acquire", "semaphore_release", "semaphore_extend", "semaphore_status"));

  /** Waits end within lock.maxWaitTimeout (300 s by default); most in milliseconds. */
  private static final Duration[] WAIT_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1, 2.5, 5, 10, 30, 60, 120, 300);
  /** Holds last up to lock.maxTtl (a day by default). */
  private static final Duration[] HOLD_BUCKETS = seconds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300,
    900, 3600, 86400);

  private final MeterRegistry registry;
  /** By {@link Primitive#ordinal()}: a lock call reads an array slot, then a map or two. */
  private final Meters[] meters = new Meters[Primitive.values().length];
  private final Map<RedisErrorKind, Counter> redisErrors = new ConcurrentHashMap<>();
  private final Counter masterChanges;

  public MicrometerLockMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Primitive primitive : Primitive.values()) {
      meters[primitive.ordinal()] = new Meters(primitive);
    }
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
  public void request(Primitive primitive, String op, String outcome) {
    meters[primitive.ordinal()].request(op, outcome).increment();
  }

  @Override
  public void waited(Primitive primitive, String outcome, long nanos) {
    meters[primitive.ordinal()].wait(outcome).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void held(Primitive primitive, long nanos) {
    meters[primitive.ordinal()].hold.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void waiters(Primitive primitive, int delta) {
    meters[primitive.ordinal()].waiting.addAndGet(delta);
  }

  @Override
  public void handoff(Primitive primitive) {
    meters[primitive.ordinal()].handoffs.increment();
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

  /** The meters of one primitive. */
  private final class Meters {

    private final String primitive;
    private final Map<String, Map<String, Counter>> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> waits = new ConcurrentHashMap<>();
    private final Timer hold;
    /** Held here: a Micrometer gauge keeps only a weak reference to what it reads. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final Counter handoffs;

    private Meters(Primitive primitive) {
      this.primitive = primitive.label();
      for (String op : OPS.get(primitive)) {
        request(op, "ok");
      }
      wait("granted");
      hold = Timer.builder(HOLD)
        .description("From a lock's (or permit's) grant to its unlock, for unlocks that come through this service")
        .tag(PRIMITIVE, this.primitive)
        .serviceLevelObjectives(HOLD_BUCKETS)
        .register(registry);
      Gauge.builder(WAITERS, waiting, AtomicInteger::get)
        .description("Lock (and permit) calls blocked in this process now")
        .tag(PRIMITIVE, this.primitive)
        .register(registry);
      handoffs = Counter.builder(HANDOFFS)
        .description("Locks (and permits) handed straight to the next waiter inside an unlock (a release)")
        .tag(PRIMITIVE, this.primitive)
        .register(registry);
    }

    Counter request(String op, String outcome) {
      Map<String, Counter> byOutcome = requests.get(op);
      if (byOutcome == null) {
        byOutcome = requests.computeIfAbsent(op, o -> new ConcurrentHashMap<>());
      }
      Counter counter = byOutcome.get(outcome);
      return counter != null ? counter : byOutcome.computeIfAbsent(outcome, o -> Counter.builder(REQUESTS)
        .description("Lock operations answered, HTTP and event bus alike, by primitive, operation and outcome (ok or the problem code)")
        .tag(PRIMITIVE, primitive)
        .tag("op", op)
        .tag("outcome", outcome)
        .register(registry));
    }

    Timer wait(String outcome) {
      Timer timer = waits.get(outcome);
      return timer != null ? timer : waits.computeIfAbsent(outcome, o -> Timer.builder(WAIT)
        .description("From a lock (or permit) request's arrival to its grant (granted) or its give-up (the problem code)")
        .tag(PRIMITIVE, primitive)
        .tag("outcome", outcome)
        .serviceLevelObjectives(WAIT_BUCKETS)
        .register(registry));
    }
  }

  private static Duration[] seconds(double... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return durations;
  }
}
