package io.isp.lock.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.function.Supplier;

/**
 * One closed-loop client: lock, then unlock with the returned lockKey, then the next pair, until
 * the window ends. All its callbacks run on one event loop, so its counters need no locking; they
 * are read after {@code onDone} ran.
 */
final class PairClient {

  /** Latencies are recorded in microseconds, up to 10 minutes. */
  static final long MAX_MICROS = 600_000_000L;

  private final Transport transport;
  private final Supplier<String> keys;
  private final double ttlSeconds;
  private final double waitTimeoutSeconds;
  private final Window window;
  private final HandoffLog handoffs;
  private final Runnable onDone;

  final Histogram pairMicros = new Histogram(MAX_MICROS, 3);
  final Histogram waitMicros = new Histogram(MAX_MICROS, 3);
  final Errors errors = new Errors();
  long pairs;
  long waitSumNanos;
  long waits;

  /** @param handoffs where grant and unlock times go (hot key), or null */
  PairClient(Transport transport, Supplier<String> keys, double ttlSeconds, double waitTimeoutSeconds,
             Window window, HandoffLog handoffs, Runnable onDone) {
    this.transport = transport;
    this.keys = keys;
    this.ttlSeconds = ttlSeconds;
    this.waitTimeoutSeconds = waitTimeoutSeconds;
    this.window = window;
    this.handoffs = handoffs;
    this.onDone = onDone;
  }

  void start() {
    nextPair();
  }

  private void nextPair() {
    long start = System.nanoTime();
    if (start >= window.endNanos()) {
      onDone.run();
      return;
    }
    String key = keys.get();
    JsonObject lock = new JsonObject().put("key", key).put("ttl", ttlSeconds).put("waitTimeout", waitTimeoutSeconds);
    transport.lock(lock).onComplete(locked -> {
      long granted = System.nanoTime();
      Reply reply = locked.result();
      if (!reply.ok()) {
        error("lock", reply, granted);
        nextPair();
        return;
      }
      if (handoffs != null) {
        handoffs.granted(granted);
      }
      JsonObject unlock = new JsonObject().put("key", key).put("lockKey", reply.body().getString("lockKey"));
      if (handoffs != null) {
        handoffs.unlockSent(System.nanoTime());
      }
      transport.unlock(unlock).onComplete(unlocked -> {
        long done = System.nanoTime();
        if (handoffs != null) {
          handoffs.unlocked(done);
        }
        if (!unlocked.result().ok()) {
          error("unlock", unlocked.result(), done);
        } else if (window.contains(done)) {
          pairs++;
          pairMicros.recordValue(Math.min(MAX_MICROS, (done - start) / 1000));
          waitMicros.recordValue(Math.min(MAX_MICROS, (granted - start) / 1000));
          waitSumNanos += granted - start;
          waits++;
        }
        nextPair();
      });
    });
  }

  /** Errors count from the start of the window on (the warm-up's are only logged). */
  private void error(String operation, Reply reply, long when) {
    if (when >= window.startNanos()) {
      errors.add(operation, reply);
    }
  }

  double meanWaitNanos() {
    return waits == 0 ? 0 : (double) waitSumNanos / waits;
  }
}
