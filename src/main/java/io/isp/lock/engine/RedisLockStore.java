package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockException;
import io.isp.lock.api.ListQuery;
import io.isp.lock.api.LockPage;
import io.isp.lock.api.LockStatus;
import io.isp.lock.config.RedisConfig;
import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.redis.LuaScript;
import io.isp.lock.redis.RedisErrors;
import io.isp.lock.redis.RedisMaster;
import io.isp.lock.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link LockStore} in Redis: one Lua script call per operation, bounded by
 * {@code redis.commandTimeout}, with Redis failures turned into {@link LockException}s.
 *
 * <p>Redis layout for a prefix P and a user's key K:
 * <ul>
 *   <li>{@code P::K} — the lock, holding the owner's lockKey, with the lock's TTL (the original
 *       service's layout);</li>
 *   <li>{@code P:fence:K} — the holder's fencing token, with the same TTL;</li>
 *   <li>{@code P:fence} — the last fencing token issued under P (one key, however many locks);</li>
 *   <li>channel {@code P:released} — a notice carrying K whenever a lock is freed.</li>
 * </ul>
 * Internal keys start with {@code P:f}, user keys with {@code P::}, so they never collide.
 */
final class RedisLockStore implements LockStore {

  private final RedisMaster master;
  private final LockMetrics metrics;
  private final ScriptRunner scripts;
  private final String prefix;
  private final String fencingCounter;
  private final String channel;
  private final long timeoutMs;
  private final int minReplicasToAck;
  private final long replicaAckTimeoutMs;

  /** {@code metrics}: every failed Redis call is counted, by kind, in {@link #failure}. */
  RedisLockStore(RedisMaster master, RedisConfig config, LockMetrics metrics) {
    this.master = master;
    this.metrics = metrics;
    this.scripts = new ScriptRunner(master, metrics);
    this.prefix = config.prefix();
    this.fencingCounter = prefix + ":fence";
    this.channel = prefix + ":released";
    this.timeoutMs = config.commandTimeout().toMillis();
    this.minReplicasToAck = config.minReplicasToAck();
    this.replicaAckTimeoutMs = config.replicaAckTimeout().toMillis();
  }

  /** Not when grants must be confirmed by replicas: a hand-over inside the unlock script would skip that. */
  @Override
  public boolean handsOver() {
    return minReplicasToAck == 0;
  }

  String channel() {
    return channel;
  }

  Future<Void> loadScripts() {
    return bounded(scripts.loadAll());
  }

  @Override
  public Future<Attempt> tryAcquire(String key, String lockKey, long ttlMs) {
    String[] keysThenArgs = {redisKey(key), fenceKey(key), fencingCounter, lockKey, Long.toString(ttlMs)};
    Future<Response> call = minReplicasToAck == 0
      ? scripts.run(LuaScript.LOCK, keysThenArgs)
      : scripts.runReplicated(LuaScript.LOCK, minReplicasToAck, replicaAckTimeoutMs, keysThenArgs)
        .compose(replicated -> confirmed(key, lockKey, replicated));
    return bounded(call, minReplicasToAck == 0 ? timeoutMs : timeoutMs + replicaAckTimeoutMs)
      .map(reply -> reply.get(0).toInteger() == 1
        ? new Attempt(true, ttlMs, reply.get(1).toLong())
        : new Attempt(false, reply.get(1).toLong(), 0))
      .recover(this::failure);
  }

  @Override
  public Future<OwnerReply> release(String key, String lockKey) {
    return ownerCall(scripts.run(LuaScript.UNLOCK, redisKey(key), fenceKey(key), fencingCounter,
      lockKey, channel, key), Outcome.RELEASED);
  }

  @Override
  public Future<OwnerReply> handOver(String key, String lockKey, String nextLockKey, long nextTtlMs) {
    return ownerCall(scripts.run(LuaScript.UNLOCK, redisKey(key), fenceKey(key), fencingCounter,
      lockKey, channel, key, nextLockKey, Long.toString(nextTtlMs)), Outcome.RELEASED);
  }

  @Override
  public Future<OwnerReply> extend(String key, String lockKey, long ttlMs) {
    return ownerCall(scripts.run(LuaScript.EXTEND, redisKey(key), fenceKey(key),
      lockKey, Long.toString(ttlMs), channel, key), Outcome.EXTENDED);
  }

  @Override
  public Future<LockStatus> status(String key) {
    return bounded(scripts.run(LuaScript.STATUS, redisKey(key), fenceKey(key), waitersKey(key)))
      .map(reply -> {
        long pttl = reply.get(0).toLong();
        Long fencingToken = reply.get(1) == null ? null : reply.get(1).toLong();
        int waiters = reply.get(2).toInteger();
        return pttl == -2
          ? new LockStatus(key, false, null, null, waiters)
          : new LockStatus(key, true, pttl < 0 ? null : pttl, fencingToken, waiters);
      })
      .recover(this::failure);
  }

  @Override
  public Future<Forced> forceRelease(String key) {
    return bounded(scripts.run(LuaScript.FORCE_UNLOCK, redisKey(key), fenceKey(key), channel, key))
      .map(reply -> reply.get(0).toInteger() == 1
        ? new Forced(true, reply.get(1) == null ? null : reply.get(1).toLong())
        : new Forced(false, null))
      .recover(this::failure);
  }

  @Override
  public Future<LockPage> list(ListQuery query) {
    ScanCursor from;
    try {
      from = ScanCursor.decode(query.cursor());
    } catch (LockException invalid) {
      return Future.failedFuture(invalid);
    }
    String lockKeys = prefix + "::";
    return bounded(scripts.run(LuaScript.LIST, ScanCursor.globEscape(lockKeys + query.prefix()) + "*",
        from.redisCursor(), Integer.toString(query.limit()), from.after(), lockKeys, prefix + ":fence:"))
      .map(reply -> {
        List<LockPage.Entry> locks = new ArrayList<>();
        for (int i = 2; i + 2 < reply.size(); i += 3) {
          long pttl = reply.get(i + 1).toLong();
          locks.add(new LockPage.Entry(reply.get(i).toString(), pttl < 0 ? null : pttl,
            reply.get(i + 2) == null ? null : reply.get(i + 2).toLong()));
        }
        ScanCursor next = new ScanCursor(reply.get(0).toString(), reply.get(1).toString());
        return new LockPage(locks, next.isEnd() ? null : next.encode());
      })
      .recover(this::failure);
  }

  /**
   * Plain HSET + PEXPIRE (or HDEL), pipelined, rather than a script: the entry carries its own expiry
   * by this instance's clock ("count expiresAtMs"), which status.lua compares with Redis's; the
   * servers' clocks agree to far better than the entries' 15 s.
   */
  @Override
  public Future<Void> publishWaiters(String key, String instanceId, int count, long validityMs) {
    String hash = waitersKey(key);
    Future<?> write = count == 0
      ? master.send(Request.cmd(Command.HDEL).arg(hash).arg(instanceId))
      : Future.all(
        master.send(Request.cmd(Command.HSET).arg(hash).arg(instanceId).arg(count + " " + (System.currentTimeMillis() + validityMs))),
        master.send(Request.cmd(Command.PEXPIRE).arg(hash).arg(validityMs)));
    return bounded(write).<Void>mapEmpty().recover(this::failure);
  }

  /** PING within {@code timeoutMs}, for readiness, which waits less than lock calls do. */
  Future<Void> ping(long timeoutMs) {
    return master.send(Request.cmd(Command.PING))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .<Void>mapEmpty()
      .recover(this::failure);
  }

  @Override
  public Future<Void> probe() {
    return bounded(master.send(Request.cmd(Command.PING))).<Void>mapEmpty().recover(this::failure);
  }

  private String redisKey(String key) {
    return prefix + "::" + key;
  }

  /** Internal keys all begin with {@code P:fence}, a text no prefix may contain; see README, Redis layout. */
  private String waitersKey(String key) {
    return prefix + ":fence-waiters:" + key;
  }

  private String fenceKey(String key) {
    return prefix + ":fence:" + key;
  }

  /** Scripts reply {1 or 2, token?} on success, {0} not held, {-1} not owner. */
  private Future<OwnerReply> ownerCall(Future<Response> call, Outcome success) {
    return bounded(call)
      .map(reply -> {
        Long fencingToken = reply.size() > 1 && reply.get(1) != null ? reply.get(1).toLong() : null;
        return switch (reply.get(0).toInteger()) {
          case 1 -> new OwnerReply(success, fencingToken);
          case 2 -> new OwnerReply(Outcome.HANDED_OVER, fencingToken);
          case 0 -> new OwnerReply(Outcome.NOT_HELD, null);
          default -> new OwnerReply(Outcome.NOT_OWNER, null);
        };
      })
      .recover(this::failure);
  }

  /**
   * A lock fewer than {@code redis.minReplicasToAck} replicas confirmed could vanish in a failover:
   * give it back and let the client retry rather than acknowledge it.
   */
  private Future<Response> confirmed(String key, String lockKey, ScriptRunner.Replicated replicated) {
    if (replicated.reply().get(0).toInteger() != 1 || replicated.replicas() >= minReplicasToAck) {
      return Future.succeededFuture(replicated.reply());
    }
    return release(key, lockKey).transform(released -> Future.failedFuture(new LockException(ErrorCode.REDIS_UNAVAILABLE,
      "only " + replicated.replicas() + " of the " + minReplicasToAck + " replicas required (redis.minReplicasToAck)"
        + " confirmed the lock within " + replicaAckTimeoutMs + " ms; it was given back")));
  }

  private <T> Future<T> bounded(Future<T> call) {
    return bounded(call, timeoutMs);
  }

  private static <T> Future<T> bounded(Future<T> call, long ms) {
    return call.timeout(ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Redis out of reach or silent is {@code redis_unavailable}; anything else (an error reply no
   * script should cause) stays as it is, for the caller to log once as the bug it is.
   */
  private <T> Future<T> failure(Throwable error) {
    if (error instanceof LockException) {
      return Future.failedFuture(error);
    }
    metrics.redisError(RedisErrors.kind(error));
    if (!RedisErrors.isUnavailable(error)) {
      return Future.failedFuture(error);
    }
    return Future.failedFuture(new LockException(ErrorCode.REDIS_UNAVAILABLE,
      error instanceof TimeoutException ? "Redis did not answer in time" : "Redis unavailable: " + error.getMessage()));
  }
}
