package io.isp.lock.redis;

import io.vertx.core.Future;

/**
 * Hears release notices for the keys this node's calls wait on: one channel with one Redis
 * ({@link ReleaseSubscriber}), per-slot sharded channels with a cluster ({@link ShardedReleaseSubscriber}).
 */
public interface ReleaseNotices {

  /** Starts listening; never fails: an unreachable Redis is retried in the background. */
  void start();

  /** A call started waiting: a cluster's subscriber may need its slot's channel. */
  default void waitersChanged() {
  }

  /** True when notices for every waited-on key can arrive. */
  boolean isSubscribed();

  Future<Void> close();
}
