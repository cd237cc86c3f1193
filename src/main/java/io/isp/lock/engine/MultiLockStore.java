package io.isp.lock.engine;

import io.vertx.core.Future;

import java.util.List;

/**
 * The operations of locks on several keys as the store runs them, each atomic over the whole set
 * (one Lua script in Redis) and bounded in time like {@link LockStore}'s. Each key of a set is an
 * ordinary lock of the store (status, list and force-unlock see it as one); a release announces each
 * key on the same notices as an unlock.
 */
interface MultiLockStore {

  /**
   * Refuses ({@code cross_slot}) a set the store cannot change in one step: with Redis Cluster, keys
   * whose locks lie in different hash slots. Throws; costs no store call.
   */
  void checkOneStep(List<String> keys);

  /** Takes all of {@code keys} for {@code lockKey} if none is held; else takes none, and says the longest remaining TTL of those held. */
  Future<LockStore.Attempt> tryAcquireAll(List<String> keys, String lockKey, long ttlMs);

  /** Frees every one of {@code keys} that {@code lockKey} holds (RELEASED), or says it holds none (NOT_HELD, NOT_OWNER). */
  Future<LockStore.OwnerReply> releaseAll(List<String> keys, String lockKey);

  /** Sets the TTL of all of {@code keys} if {@code lockKey} holds every one; else changes nothing. */
  Future<LockStore.OwnerReply> extendAll(List<String> keys, String lockKey, long ttlMs);

  /** Asks whether the store answers, as bounded as every other call (as {@link LockStore#probe}). */
  Future<Void> probe();
}
