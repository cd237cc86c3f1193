package io.isp.lock.metrics;

/**
 * What the engine and the Redis layer report about lock operations ({@code isp_lock_*} in
 * {@code /metrics}). Called on the LockVerticle's event loop; the arguments never carry a key, a
 * lockKey or a token, so none can reach the metrics. {@link #NONE} when {@code metrics.enabled} is
 * false.
 */
public interface LockMetrics {

  /** Records nothing. */
  LockMetrics NONE = new LockMetrics() {
  };

  /** One lock operation answered ({@code op}: lock, unlock, extend, status, force_unlock, list); {@code outcome}: ok or the problem code. */
  default void request(String op, String outcome) {
  }

  /** A lock request answered after {@code nanos} from its arrival; {@code outcome}: granted or the problem code. */
  default void waited(String outcome, long nanos) {
  }

  /** A lock held {@code nanos}, from its grant to its unlock through this service. */
  default void held(long nanos) {
  }

  /** One more ({@code +1}) or one fewer ({@code -1}) call blocked in this process. */
  default void waiters(int delta) {
  }

  /** An unlock handed the lock straight to the next waiter. */
  default void handoff() {
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
