package io.isp.lock.engine;

import io.vertx.core.Future;

import java.util.HashSet;
import java.util.Set;

/**
 * Gives back locks that nobody will be told of: a grant for a caller that has already been
 * answered, or one whose fate is unknown because the call that could have made it failed (the
 * store answered too late, or the connection dropped). The release is sent at once; with Redis it is
 * pipelined behind the call on the same connection, so it runs after it even in a frozen server.
 * While the store cannot be reached it is retried until the lock would have expired anyway.
 */
final class GrantReclaimer<K> {

  static final long RETRY_MS = 1000;

  /** Gives back what {@code lockKey} holds of {@code key}: {@link LockStore#release}, or a set's release. */
  interface Release<K> {
    Future<?> release(K key, String lockKey);
  }

  private final Release<K> store;
  private final Timers timers;
  private final Set<Long> retries = new HashSet<>();
  private boolean stopped;

  GrantReclaimer(Release<K> store, Timers timers) {
    this.store = store;
    this.timers = timers;
  }

  /** Releases {@code lockKey}'s hold on {@code key}, if it has one; completes with the first try. */
  Future<?> reclaim(K key, String lockKey, long ttlMs) {
    return attempt(key, lockKey, timers.nanoTime() + ttlMs * 1_000_000);
  }

  /** Stops retrying: what is left expires at its TTL. */
  void stop() {
    stopped = true;
    retries.forEach(timers::cancel);
    retries.clear();
  }

  /** Retries still scheduled (for tests: none once the store is back). */
  int pending() {
    return retries.size();
  }

  private Future<?> attempt(K key, String lockKey, long deadlineNanos) {
    return store.release(key, lockKey).onFailure(error -> {
      if (!stopped && timers.nanoTime() + RETRY_MS * 1_000_000 < deadlineNanos) {
        long[] id = new long[1];
        id[0] = timers.schedule(RETRY_MS, () -> {
          retries.remove(id[0]);
          attempt(key, lockKey, deadlineNanos);
        });
        retries.add(id[0]);
      }
    });
  }
}
