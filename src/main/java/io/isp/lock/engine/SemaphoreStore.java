package io.isp.lock.engine;

import io.isp.lock.api.SemaphoreStatus;
import io.vertx.core.Future;

/**
 * The semaphore operations as the store runs them, each atomic (one Lua script in Redis) and bounded
 * in time like {@link LockStore}'s; a release announces itself on the same notices as an unlock.
 */
interface SemaphoreStore {

  /**
   * One attempt at a permit: taken ({@code fencingToken}, {@code holders} now), all held (the earliest
   * expires in {@code retryMs}), or refused because the holders' size is {@code heldPermits}.
   */
  record PermitAttempt(Kind kind, long fencingToken, int holders, long retryMs, int heldPermits) {

    enum Kind { TAKEN, FULL, MISMATCH }
  }

  /** Takes one of {@code permits} permits of {@code key} for {@code lockKey} if one is free. */
  Future<PermitAttempt> tryAcquirePermit(String key, String lockKey, int permits, long ttlMs);

  /**
   * What a release did: RELEASED, HANDED_OVER (with the new holder's {@code fencingToken} and the
   * {@code holders} then), NOT_HELD (no permit held at all) or NOT_OWNER (others hold them).
   */
  record Release(LockStore.Outcome outcome, long fencingToken, int holders) {
  }

  /** Gives back the permit {@code lockKey} holds, and announces it to every instance. */
  Future<Release> releasePermit(String key, String lockKey);

  /**
   * Like {@link #releasePermit}, but gives the permit to {@code nextLockKey} (of a semaphore of
   * {@code nextPermits}) for {@code nextTtlMs} instead, if the sizes agree.
   */
  Future<Release> handOverPermit(String key, String lockKey, String nextLockKey, int nextPermits, long nextTtlMs);

  /** Whether hand-overs may be used (as {@link LockStore#handsOver}). */
  boolean handsOver();

  /** Sets the TTL of {@code lockKey}'s permit to {@code ttlMs} from now (EXTENDED with its fencing token). */
  Future<LockStore.OwnerReply> extendPermit(String key, String lockKey, long ttlMs);

  Future<SemaphoreStatus> semaphoreStatus(String key);

  /** Asks whether the store answers, as bounded as every other call (as {@link LockStore#probe}). */
  Future<Void> probe();

  /** As {@link LockStore#publishWaiters}, for the calls waiting for a permit of {@code key}. */
  Future<Void> publishPermitWaiters(String key, String instanceId, int count, long validityMs);
}
