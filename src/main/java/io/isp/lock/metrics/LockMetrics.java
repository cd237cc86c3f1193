package io.isp.lock.metrics;

/**
 * What the engine and the Redis layer report about lock operations ({@code isp_lock_*} in
 * {@code /metrics}). Called on the LockVerticle's event loop; the arguments never carry a key, a
 * lockKey or a token, so none can reach the metrics. The operations' meters carry the
 * {@link Primitive} they are about. {@link #NONE} when {@code metrics.enabled} is false.
 */
public interface LockMetrics {

  /** Records nothing. */
  LockMetrics NONE = new LockMetrics() {
  };

  /**
   * One operation answered ({@code op}: lock, unlock, extend, status, force_unlock, list; for
   * semaphores semaphore_acquire, semaphore_release, semaphore_extend, semaphore_status);
   * {@code outcome}: ok or the problem code.
   */
  default void request(Primitive primitive, String op, String outcome) {
  }

  /** A lock (or permit) request answered after {@code nanos} from its arrival; {@code outcome}: granted or the problem code. */
  default void waited(Primitive primitive, String outcome, long nanos) {
  }

  /** A lock (or permit) held {@code nanos}, from its grant to its unlock through this service. */
  default void held(Primitive primitive, long nanos) {
  }

  /** One more ({@code +1}) or one fewer ({@code -1}) call blocked in this process. */
  default void waiters(Primitive primitive, int delta) {
  }

  /** An unlock (or a release) handed the lock (or the permit) straight to the next waiter. */
  default void handoff(Primitive primitive) {
  }

  /** A Redis call failed; {@code kind}: see {@link RedisErrorKind}. */
  default void redisError(RedisErrorKind kind) {
  }

  /** The Redis master moved (Sentinel failover) and the service followed it. */
  default void masterChanged() {
  }

  /** False for {@link #NONE}: lets callers skip bookkeeping whose only use is a metric. */
  default boolean enabled() {
    return false;
  }
}
