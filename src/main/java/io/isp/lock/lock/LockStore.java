package io.isp.lock.lock;

import io.isp.lock.config.RedisConfig;
import io.isp.lock.redis.LuaScript;
import io.isp.lock.redis.RedisErrors;
import io.isp.lock.redis.RedisMaster;
import io.isp.lock.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lock operations as Redis sees them: one script call each, bounded by the command timeout,
 * with failures turned into {@link LockException}s.
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
final class LockStore {

  /** One acquisition attempt: granted with a fencing token, or held for {@code holderTtlMs} more. */
  record Attempt(boolean acquired, long holderTtlMs, long fencingToken) {
  }

  enum Outcome { RELEASED, HANDED_OVER, EXTENDED, NOT_HELD, NOT_OWNER }

  /** What an owner-checked operation did; the fencing token of the new or current holder, if any. */
  record OwnerReply(Outcome outcome, Long fencingToken) {
  }

  private static final System.Logger LOG = System.getLogger(LockStore.class.getName());

  private final RedisMaster master;
  private final ScriptRunner scripts;
  private final String prefix;
  private final String fencingCounter;
  private final String channel;
  private final long timeoutMs;
  private final int minReplicasToAck;
  private final long replicaAckTimeoutMs;
  /** Told of every call that failed because Redis could not be reached or did not answer in time. */
  private Handler<LockException> outages = outage -> { };

  LockStore(RedisMaster master, RedisConfig config) {
    this.master = master;
    this.scripts = new ScriptRunner(master);
    this.prefix = config.prefix();
    this.fencingCounter = prefix + ":fence";
    this.channel = prefix + ":released";
    this.timeoutMs = config.commandTimeout().toMillis();
    this.minReplicasToAck = config.minReplicasToAck();
    this.replicaAckTimeoutMs = config.replicaAckTimeout().toMillis();
  }

  /**
   * Whether an unlock may hand the lock to a local waiter inside its script. Not when grants must be
   * confirmed by replicas: the hand-over would grant without that confirmation.
   */
  boolean handsOver() {
    return minReplicasToAck == 0;
  }

  /** {@code handler} hears of every call that failed because Redis is down, frozen or unreachable. */
  void onOutage(Handler<LockException> handler) {
    this.outages = handler;
  }

  String channel() {
    return channel;
  }

  Future<Void> loadScripts() {
    return bounded(scripts.loadAll());
  }

  Future<Attempt> tryAcquire(String key, String token, long ttlMs) {
    String[] keysThenArgs = {lockKey(key), fenceKey(key), fencingCounter, token, Long.toString(ttlMs)};
    Future<Response> call = minReplicasToAck == 0
      ? scripts.run(LuaScript.LOCK, keysThenArgs)
      : scripts.runReplicated(LuaScript.LOCK, minReplicasToAck, replicaAckTimeoutMs, keysThenArgs)
        .compose(replicated -> confirmed(key, token, replicated));
    return bounded(call, minReplicasToAck == 0 ? timeoutMs : timeoutMs + replicaAckTimeoutMs)
      .map(reply -> reply.get(0).toInteger() == 1
        ? new Attempt(true, ttlMs, reply.get(1).toLong())
        : new Attempt(false, reply.get(1).toLong(), 0))
      .recover(this::failure);
  }

  Future<OwnerReply> release(String key, String token) {
    return ownerCall(scripts.run(LuaScript.UNLOCK, lockKey(key), fenceKey(key), fencingCounter,
      token, channel, key), Outcome.RELEASED);
  }

  /** Releases and, in the same script, gives the lock to {@code nextToken} for {@code nextTtlMs}. */
  Future<OwnerReply> handOver(String key, String token, String nextToken, long nextTtlMs) {
    return ownerCall(scripts.run(LuaScript.UNLOCK, lockKey(key), fenceKey(key), fencingCounter,
      token, channel, key, nextToken, Long.toString(nextTtlMs)), Outcome.RELEASED);
  }

  Future<OwnerReply> extend(String key, String token, long ttlMs) {
    return ownerCall(scripts.run(LuaScript.EXTEND, lockKey(key), fenceKey(key),
      token, Long.toString(ttlMs), channel, key), Outcome.EXTENDED);
  }

  Future<LockStatus> status(String key) {
    return bounded(scripts.run(LuaScript.STATUS, lockKey(key), fenceKey(key)))
      .map(reply -> {
        long pttl = reply.get(0).toLong();
        Long fencingToken = reply.get(1) == null ? null : reply.get(1).toLong();
        return pttl == -2
          ? new LockStatus(key, false, null, null)
          : new LockStatus(key, true, pttl < 0 ? null : pttl, fencingToken);
      })
      .recover(this::failure);
  }

  /** PING within {@code timeoutMs}, for readiness: its failure is not reported as an outage (it waits less than lock calls do). */
  Future<Void> ping(long timeoutMs) {
    return master.send(Request.cmd(Command.PING))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .<Void>mapEmpty()
      .recover(error -> Future.failedFuture(toLockException(error)));
  }

  /** PING bounded like every lock call: its failure is an outage, reported like theirs. */
  Future<Void> probe() {
    return bounded(master.send(Request.cmd(Command.PING))).<Void>mapEmpty().recover(this::failure);
  }

  private String lockKey(String key) {
    return prefix + "::" + key;
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
  private Future<Response> confirmed(String key, String token, ScriptRunner.Replicated replicated) {
    if (replicated.reply().get(0).toInteger() != 1 || replicated.replicas() >= minReplicasToAck) {
      return Future.succeededFuture(replicated.reply());
    }
    return release(key, token).transform(released -> Future.failedFuture(new LockException(ErrorCode.REDIS_UNAVAILABLE,
      "only " + replicated.replicas() + " of the " + minReplicasToAck + " replicas required (redis.minReplicasToAck)"
        + " confirmed the lock within " + replicaAckTimeoutMs + " ms; it was given back")));
  }

  private <T> Future<T> bounded(Future<T> call) {
    return bounded(call, timeoutMs);
  }

  private static <T> Future<T> bounded(Future<T> call, long ms) {
    return call.timeout(ms, TimeUnit.MILLISECONDS);
  }

  /** Maps a failed call to the client's answer; an unreachable or silent Redis is also reported to {@link #onOutage}. */
  private <T> Future<T> failure(Throwable error) {
    LockException failure = toLockException(error);
    if (failure.error() == ErrorCode.REDIS_UNAVAILABLE && !(error instanceof LockException)) {
      outages.handle(failure);
    }
    return Future.failedFuture(failure);
  }

  private static LockException toLockException(Throwable error) {
    if (error instanceof LockException lockException) {
      return lockException;
    }
    if (RedisErrors.isUnavailable(error)) {
      return new LockException(ErrorCode.REDIS_UNAVAILABLE,
        error instanceof TimeoutException ? "Redis did not answer in time" : "Redis unavailable: " + error.getMessage());
    }
    LOG.log(System.Logger.Level.ERROR, "unexpected Redis reply", error);
    return new LockException(ErrorCode.INTERNAL, "unexpected Redis reply: " + error.getMessage());
  }
}
