package io.isp.lock.session;

import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.MultiExtendCommand;
import io.isp.lock.api.MultiUnlockCommand;
import io.isp.lock.api.UnlockCommand;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * Something a session holds (a lock, a semaphore permit), with its owner token, its renewal timer and
 * its deadline; {@link Claim#primitive()} says which event-bus addresses release and extend it.
 * Confined to the session's event loop.
 */
final class Held {

  /** The claim it is held under; a lock on several keys: that of its first key (it is held under each of its keys' claims). */
  final Claim claim;
  /** A lock on several keys: its keys, as the lock call named them; null for anything on one key. */
  final List<String> keys;
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
    this(claim, null, lockKey, ttlMs, fencingToken);
  }

  /** {@code keys}: a lock on several keys ({@code claim} is its first key's), or null. */
  Held(Claim claim, List<String> keys, String lockKey, long ttlMs, Long fencingToken) {
    this.claim = claim;
    this.keys = keys;
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

  /** Every claim it is held under: one, or one per key of a lock on several keys. */
  List<Claim> claims() {
    return keys == null ? List.of(claim) : keys.stream().map(key -> new Claim(claim.primitive(), key)).toList();
  }

  /** The renewal: extend to the current TTL ({@link ExtendCommand}, or {@link MultiExtendCommand} for several keys). */
  Object renewal() {
    return keys == null ? new ExtendCommand(key(), lockKey, ttlMs) : new MultiExtendCommand(keys, lockKey, ttlMs);
  }

  /** {@link UnlockCommand}, or {@link MultiUnlockCommand} for several keys. */
  Object release() {
    return keys == null ? new UnlockCommand(key(), lockKey) : new MultiUnlockCommand(keys, lockKey);
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
