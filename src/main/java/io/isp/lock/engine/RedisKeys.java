package io.isp.lock.engine;

import io.isp.lock.redis.HashSlots;

/**
 * Where a lock's data lives in Redis, for a prefix P and a user's key K.
 *
 * <p>One Redis (standalone or Sentinel), the layout of every release so far:
 * <ul>
 *   <li>{@code P::K} the lock, holding the owner's lockKey, with the lock's TTL (the original service's layout);</li>
 *   <li>{@code P:fence:K} the holder's fencing token, with the same TTL;</li>
 *   <li>{@code P:fence} the last fencing token issued under P (one key, however many locks);</li>
 *   <li>{@code P:fence-waiters:K} the calls waiting for K, per instance;</li>
 *   <li>channel {@code P:released}: a notice carrying K whenever a lock is freed (PUBLISH).</li>
 * </ul>
 * A semaphore named K (apart from the lock K: the two never meet) is
 * <ul>
 *   <li>{@code P:fence-semaphore:K} a sorted set of its holders' lockKeys, each scored by its expiry (ms);</li>
 *   <li>{@code P:fence-semaphore-tokens:K} a hash of its size (field {@code :permits}) and each holder's fencing token;</li>
 *   <li>{@code P:fence-semaphore-waiters:K} the calls waiting for a permit, per instance;</li>
 *   <li>and shares the fencing counter and the release channel with the lock K.</li>
 * </ul>
 * A read-locked K (see {@code lua/lib/readers.lua}) is
 * <ul>
 *   <li>{@code P::K} holding the marker {@code isp-lock:readers} (never a lockKey), expiring with the last reader;</li>
 *   <li>{@code P:fence-readers:K} a sorted set of the readers' lockKeys, each scored by its expiry (ms);</li>
 *   <li>{@code P:fence-readers-tokens:K} a hash of each reader's fencing token;</li>
 *   <li>{@code P:fence-writers-waiting:K} the writers waiting for the readers to leave, scored by their wait deadline (ms).</li>
 * </ul>
 *
 * <p>Redis Cluster: every key a script touches must be in the slot of {@code P::K}, so the internal
 * keys carry a hash tag T = {@link HashSlots#tag} of that slot:
 * <ul>
 *   <li>{@code P::K} the lock, unchanged (clients of the original service can share the cluster);</li>
 *   <li>{@code P:fence:{T}:K} the holder's fencing token;</li>
 *   <li>{@code P:fence:{T}} the last fencing token issued in that slot: one counter per slot, at most 16,384;</li>
 *   <li>{@code P:fence-waiters:{T}:K} the calls waiting for K;</li>
 *   <li>sharded channel {@code P:released:{T}}: notices for the keys of that slot (SPUBLISH), so a
 *       notice costs one shard, not the whole cluster;</li>
 *   <li>the semaphore K: {@code P:fence-semaphore:{T}:K}, {@code P:fence-semaphore-tokens:{T}:K},
 *       {@code P:fence-semaphore-waiters:{T}:K}, in the slot of {@code P::K} too;</li>
 *   <li>the readers of K: {@code P:fence-readers:{T}:K}, {@code P:fence-readers-tokens:{T}:K},
 *       {@code P:fence-writers-waiting:{T}:K}.</li>
 * </ul>
 * Internal keys start with {@code P:f}, user keys with {@code P::}, so they never collide.
 */
abstract sealed class RedisKeys {

  final String prefix;

  private RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  static RedisKeys of(String prefix, boolean cluster) {
    return cluster ? new Sharded(prefix) : new Single(prefix);
  }

  final String lock(String key) {
    return prefix + "::" + key;
  }

  abstract String fence(String key);

  abstract String fencingCounter(String key);

  abstract String waiters(String key);

  /** The semaphore {@code key}'s holders (a sorted set). */
  final String semaphore(String key) {
    return internal("fence-semaphore", key);
  }

  /** The semaphore {@code key}'s size and holders' fencing tokens (a hash). */
  final String semaphoreTokens(String key) {
    return internal("fence-semaphore-tokens", key);
  }

  /** The calls waiting for a permit of the semaphore {@code key}, per instance. */
  final String semaphoreWaiters(String key) {
    return internal("fence-semaphore-waiters", key);
  }

  /** The readers holding {@code key} (a sorted set of lockKeys scored by expiry, ms), while {@code P::K} holds the readers' marker. */
  final String readers(String key) {
    return internal("fence-readers", key);
  }

  /** The fencing tokens of {@code key}'s readers (a hash: lockKey -> token). */
  final String readerTokens(String key) {
    return internal("fence-readers-tokens", key);
  }

  /** The writers waiting for {@code key}'s readers to leave (a sorted set of lockKeys scored by wait deadline, ms). */
  final String writersWaiting(String key) {
    return internal("fence-writers-waiting", key);
  }

  /** {@code P:<name>:K}, or with a cluster {@code P:<name>:{T}:K}. */
  abstract String internal(String name, String key);

  /** The channel notices about {@code key} go to. */
  abstract String channel(String key);

  /** True: notices go by SPUBLISH on a per-slot channel; false: by PUBLISH on {@link #channel}'s one channel. */
  abstract boolean sharded();

  /** The prefix that list.lua appends a user key to for its fencing token; "" when it cannot (tags differ per slot). */
  abstract String fencePrefixForList();

  /** The same for a read-locked key's readers and their tokens: {@link #readers}, {@link #readerTokens} less the key. */
  final String readersPrefixForList() {
    return fencePrefixForList().isEmpty() ? "" : internal("fence-readers", "");
  }

  final String readerTokensPrefixForList() {
    return fencePrefixForList().isEmpty() ? "" : internal("fence-readers-tokens", "");
  }

  static final class Single extends RedisKeys {

    private Single(String prefix) {
      super(prefix);
    }

    @Override
    String fence(String key) {
      return prefix + ":fence:" + key;
    }

    @Override
    String fencingCounter(String key) {
      return prefix + ":fence";
    }

    /** Internal keys all begin with {@code P:fence}, a text no prefix may contain. */
    @Override
    String waiters(String key) {
      return prefix + ":fence-waiters:" + key;
    }

    @Override
    String channel(String key) {
      return prefix + ":released";
    }

    @Override
    String internal(String name, String key) {
      return prefix + ":" + name + ":" + key;
    }

    @Override
    boolean sharded() {
      return false;
    }

    @Override
    String fencePrefixForList() {
      return prefix + ":fence:";
    }
  }

  static final class Sharded extends RedisKeys {

    private Sharded(String prefix) {
      super(prefix);
    }

    /** {@code {T}}, T hashing to the slot of the lock key (a brace-free prefix is checked in config). */
    private String tag(String key) {
      return "{" + HashSlots.tag(HashSlots.slot(lock(key))) + "}";
    }

    @Override
    String fence(String key) {
      return prefix + ":fence:" + tag(key) + ":" + key;
    }

    @Override
    String fencingCounter(String key) {
      return prefix + ":fence:" + tag(key);
    }

    @Override
    String waiters(String key) {
      return prefix + ":fence-waiters:" + tag(key) + ":" + key;
    }

    @Override
    String channel(String key) {
      return channelOfSlot(HashSlots.slot(lock(key)));
    }

    @Override
    String internal(String name, String key) {
      return prefix + ":" + name + ":" + tag(key) + ":" + key;
    }

    /** The sharded channel of {@code slot}'s notices. */
    String channelOfSlot(int slot) {
      return prefix + ":released:{" + HashSlots.tag(slot) + "}";
    }

    @Override
    boolean sharded() {
      return true;
    }

    @Override
    String fencePrefixForList() {
      return "";
    }
  }
}
