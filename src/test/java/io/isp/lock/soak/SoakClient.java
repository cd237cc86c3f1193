package io.isp.lock.soak;

import io.isp.lock.history.Acquisition;
import io.isp.lock.history.HistoryRecorder;

import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One soak client: a loop of lock, protected increment (held longer, and extended, for some kinds),
 * unlock, recording every hold until {@code endNanos}. Each kind stands for one part of the mix.
 */
final class SoakClient implements Callable<Void> {

  /** The parts of the mix: which keys a client takes, for how long, how long it waits. */
  enum Kind {
    /** its own keys only (32 of them, in turn), tryLock: the common case, never contended. */
    UNCONTENDED(5, 0, 0),
    /** 3 keys shared by every hot client, holds as long as the increment (1-3 ms), waits of 1 s. */
    HOT(2, 1, 0),
    /**
     * one key and holds of 100 ms: a queue of waiters behind it, woken one by one. The TTL is above
     * the wait, since a client counts its TTL from its request: a wait longer than the TTL could
     * leave it a lock it may no longer count on.
     */
    WAITER(5, 3, 100),
    /** 2 shared keys held 2.5 s on a 1.5 s TTL, extended every 300 ms; waits of 1 s (below the TTL, as for waiters). */
    EXTENDER(1.5, 1, 2500);

    final double ttlSeconds;
    final double waitSeconds;
    final long holdMillis;

    Kind(double ttlSeconds, double waitSeconds, long holdMillis) {
      this.ttlSeconds = ttlSeconds;
      this.waitSeconds = waitSeconds;
      this.holdMillis = holdMillis;
    }
  }

  private static final long EXTEND_EVERY_MS = 300;
  private static final long BACK_OFF_MS = 100;
  // between rounds: the box is shared, and a soak checks correctness, not throughput
  private static final long THINK_MS = 5;

  private final String name;
  private final Kind kind;
  private final LockHttp http;
  private final ProtectedCounters counters;
  private final HistoryRecorder recorder;
  private final long endNanos;
  private long round;

  SoakClient(String name, Kind kind, LockHttp http, ProtectedCounters counters, HistoryRecorder recorder, long endNanos) {
    this.name = name;
    this.kind = kind;
    this.http = http;
    this.counters = counters;
    this.recorder = recorder;
    this.endNanos = endNanos;
  }

  @Override
  public Void call() throws InterruptedException {
    while (System.nanoTime() < endNanos && !Thread.currentThread().isInterrupted()) {
      once(nextKey());
      round++;
      Thread.sleep(THINK_MS);
    }
    return null;
  }

  private String nextKey() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return switch (kind) {
      case UNCONTENDED -> "soak-u-" + name + "-" + round % 32;
      case HOT -> "soak-hot-" + random.nextInt(3);
      case WAITER -> "soak-queue";
      case EXTENDER -> "soak-ext-" + random.nextInt(2);
    };
  }

  private void once(String key) throws InterruptedException {
    long requestedAtMicros = HistoryRecorder.nowMicros();
    long requestedAtNanos = System.nanoTime();
    LockHttp.Answer locked = http.lock(key, kind.ttlSeconds, kind.waitSeconds);
    if (locked.status() != 200) {
      if (locked.status() != 409) {
        Thread.sleep(BACK_OFF_MS); // Redis away (503) or no answer: do not spin while it comes back
      }
      return;
    }
    long grantedAtMicros = HistoryRecorder.nowMicros();
    String lockKey = locked.field("lockKey");
    long token = locked.number("fencingToken");
    long ttlMicros = (long) (kind.ttlSeconds * 1_000_000);
    // the hold a client may count on: its TTL from when it asked, moved on by every extend it got
    // a 200 for, counted from when that extend was sent
    long deadlineMicros = requestedAtMicros + ttlMicros;
    long deadlineNanos = requestedAtNanos + ttlMicros * 1000;
    String outcome = null;

    long holdUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(kind.holdMillis);
    while (kind == Kind.EXTENDER && System.nanoTime() < holdUntilNanos && System.nanoTime() < endNanos) {
      Thread.sleep(EXTEND_EVERY_MS);
      long sentAtMicros = HistoryRecorder.nowMicros();
      long sentAtNanos = System.nanoTime();
      if (sentAtNanos >= deadlineNanos) {
        break; // too late: the lock may be someone else's already
      }
      LockHttp.Answer extended = http.extend(key, lockKey, kind.ttlSeconds);
      if (extended.status() != 200) {
        // unknown whether it ran (503, no answer) or it did not (409): keep only what was certain
        outcome = "extend " + extended.outcome();
        break;
      }
      deadlineMicros = sentAtMicros + ttlMicros;
      deadlineNanos = sentAtNanos + ttlMicros * 1000;
    }
    if (kind == Kind.WAITER) {
      Thread.sleep(kind.holdMillis);
    }
    if (outcome == null) {
      counters.increment(key, token, deadlineNanos);
    }
    long unlockSentAtMicros = HistoryRecorder.nowMicros();
    LockHttp.Answer unlocked = http.unlock(key, lockKey);
    recorder.record(new Acquisition(name, key, token, grantedAtMicros,
      Math.min(unlockSentAtMicros, deadlineMicros), outcome != null ? outcome : unlocked.outcome()));
  }
}
