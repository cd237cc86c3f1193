package io.isp.lock.engine;

import io.isp.lock.api.ListQuery;
import io.isp.lock.api.LockPage;
import io.isp.lock.api.LockStatus;
import io.vertx.core.Future;

/**
 * The lock operations as the store runs them: each one atomic (one Lua script in Redis) and bounded
 * in time; a failure is a {@link io.isp.lock.api.LockException}, {@code redis_unavailable} when the
 * store could not be reached or did not answer in time. Keys here are the users' keys; how they map
 * to the store's own keys is the store's business.
 */
interface LockStore {

  /**
   * One acquisition attempt: granted with a fencing token, or held by someone else for {@code holderTtlMs}
   * more (-1: no TTL; a refused reader: when a new try makes sense). {@code queuedBehindReaders}: a
   * refused writer that will wait is now registered behind the readers holding the key (no new reader
   * gets in until it takes the lock or {@link #withdrawWriter withdraws}).
   */
  record Attempt(boolean acquired, long holderTtlMs, long fencingToken, boolean queuedBehindReaders) {

    Attempt(boolean acquired, long holderTtlMs, long fencingToken) {
      this(acquired, holderTtlMs, fencingToken, false);
    }
  }

  enum Outcome { RELEASED, HANDED_OVER, EXTENDED, NOT_HELD, NOT_OWNER }

  /** What an owner-checked operation did, and the fencing token of the new or current holder, if any. */
  record OwnerReply(Outcome outcome, Long fencingToken) {
  }

  /** Takes {@code key} (a write lock) for {@code lockKey} if it is free. */
  Future<Attempt> tryAcquire(String key, String lockKey, long ttlMs);

  /**
   * Like {@link #tryAcquire}, for a writer that will wait {@code waitLeftMs} more if refused: refused
   * by readers, it registers behind them so that no new reader gets in meanwhile.
   */
  Future<Attempt> tryAcquireQueued(String key, String lockKey, long ttlMs, long waitLeftMs);

  /** Takes a read lock on {@code key} for {@code lockKey} if no writer holds it or waits for it. */
  Future<Attempt> tryAcquireRead(String key, String lockKey, long ttlMs);

  /** A writer registered by {@link #tryAcquireQueued} leaves without the lock: the readers it held back may go on. */
  Future<Void> withdrawWriter(String key, String lockKey);

  /** Frees {@code key} if {@code lockKey} holds it (as the writer or one of the readers), and announces the release to every instance. */
  Future<OwnerReply> release(String key, String lockKey);

  /**
   * Like {@link #release}, but gives the lock to {@code nextLockKey}, a writer, for {@code nextTtlMs}
   * instead of freeing it (a reader's release hands over only if it was the last reader).
   */
  Future<OwnerReply> handOver(String key, String lockKey, String nextLockKey, long nextTtlMs);

  /** Sets the TTL of {@code key} to {@code ttlMs} from now if {@code lockKey} holds it. */
  Future<OwnerReply> extend(String key, String lockKey, long ttlMs);

  Future<LockStatus> status(String key);

  /** What a force-unlock did: removed a lock (with its holder's fencing token, if any) or found none. */
  record Forced(boolean removed, Long fencingToken) {
  }

  /** Removes the lock on {@code key} whoever holds it, and announces the release like an unlock. */
  Future<Forced> forceRelease(String key);

  /** A page of held locks; an unreadable cursor fails with {@code invalid_field} naming {@code cursor}. */
  Future<LockPage> list(ListQuery query);

  /**
   * Tells every instance that this one ({@code instanceId}) has {@code count} calls waiting for
   * {@code key}, for {@code validityMs} unless told again (0: none any more).
   */
  Future<Void> publishWaiters(String key, String instanceId, int count, long validityMs);

  /** Asks whether the store answers, as bounded as every other call. */
  Future<Void> probe();

  /** Whether {@link #handOver} may be used (not when grants need confirmations that a hand-over would skip). */
  boolean handsOver();
}
