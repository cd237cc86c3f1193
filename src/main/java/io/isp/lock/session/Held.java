package io.isp.lock.session;

import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.UnlockCommand;
import io.vertx.core.Vertx;

/**
 * Something a session holds (a lock, a semaphore permit), with its owner token, its renewal timer and
 * its deadline; {@link Claim#primitive()} says which event-bus addresses release and extend it.
 * Confined to the session's event loop.
 */
final class Held {

  final Claim claim;
  final String lockKey;
  long ttlMs;
  Long fencingToken;
  long renewalTimer = -1;
  /**
   * Until when (monotonic) it is sure to live in Redis without another renewal: the send time of the
   * last renewal or extend answered 200, plus its TTL. Past it the session cannot vouch for it,
   * whatever Redis says once it answers again.
   */
  long aliveUntilNanos;
  long deadlineTimer = -1;
  /** Given up as lost because no renewal got through before {@link #aliveUntilNanos}. */
  boolean pastDeadline;

  Held(Claim claim, String lockKey, long ttlMs, Long fencingToken) {
    this.claim = claim;
    this.lockKey = lockKey;
    this.ttlMs = ttlMs;
    this.fencingToken = fencingToken;
  }

  String key() {
    return claim.key();
  }

  Primitive primitive() {
    return claim.primitive();
  }

  /** The renewal: extend to the current TTL. */
  ExtendCommand renewal() {
    return new ExtendCommand(key(), lockKey, ttlMs);
  }

  UnlockCommand release() {
    return new UnlockCommand(key(), lockKey);
  }

  void cancelTimers(Vertx vertx) {
    if (renewalTimer != -1) {
      vertx.cancelTimer(renewalTimer);
      renewalTimer = -1;
    }
    if (deadlineTimer != -1) {
      vertx.cancelTimer(deadlineTimer);
      deadlineTimer = -1;
    }
  }
}
