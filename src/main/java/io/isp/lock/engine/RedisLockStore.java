package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockException;
import io.isp.lock.api.ListQuery;
import io.isp.lock.api.LockPage;
import io.isp.lock.api.LockMode;
import io.isp.lock.api.LockStatus;
import io.isp.lock.api.SemaphoreStatus;
import io.isp.lock.config.RedisConfig;
import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.redis.HashSlots;
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
import java.util.function.Supplier;

/**
 * The {@link LockStore} in Redis: one Lua script call per operation, bounded by
 * {@code redis.commandTimeout}, with Redis failures turned into {@link LockException}s. Where each
 * lock's keys live, with one Redis or a cluster: {@link RedisKeys}.
 */
final class RedisLockStore implements LockStore, SemaphoreStore, MultiLockStore {

  private final RedisMaster master;
  private final LockMetrics metrics;
  private final ScriptRunner scripts;
  private final String prefix;
  private final RedisKeys keys;
  private final long timeoutMs;
  private final int minReplicasToAck;
  private final long replicaAckTimeoutMs;

  /** {@code metrics}: every failed Redis call is counted, by kind, in {@link #failure}. */
  RedisLockStore(RedisMaster master, RedisConfig config, LockMetrics metrics) {
    this.master = master;
    this.metrics = metrics;
    this.prefix = config.prefix();
    this.keys = RedisKeys.of(prefix, config.cluster());
    this.scripts = new ScriptRunner(master, metrics, keys.sharded());
    this.timeoutMs = config.commandTimeout().toMillis();
    this.minReplicasToAck = config.minReplicasToAck();
    this.replicaAckTimeoutMs = config.replicaAckTimeout().toMillis();
  }

  /** Not when grants must be confirmed by replicas: a hand-over inside the unlock script would skip that. */
  @Override
  public boolean handsOver() {
    return minReplicasToAck == 0;
  }

  /** The one channel of release notices; with a cluster, see {@link #shardedChannel}. */
  String channel() {
    return keys.channel("");
  }

  /** The slot of {@code key}'s lock (cluster mode). */
  int slotOf(String key) {
    return HashSlots.slot(keys.lock(key));
  }

  /** The sharded channel of {@code slot}'s release notices (cluster mode). */
  String shardedChannel(int slot) {
    return ((RedisKeys.Sharded) keys).channelOfSlot(slot);
  }

  Future<Void> loadScripts() {
    return bounded(scripts.loadAll());
  }

  @Override
  public Future<Attempt> tryAcquire(String key, String lockKey, long ttlMs) {
    return acquire(LuaScript.LOCK, key, lockKey, ttlMs, keys.lock(key), keys.fence(key), keys.fencingCounter(key),
      keys.writersWaiting(key), lockKey, Long.toString(ttlMs));
  }

  @Override
  public Future<Attempt> tryAcquireQueued(String key, String lockKey, long ttlMs, long waitLeftMs) {
    return acquire(LuaScript.LOCK, key, lockKey, ttlMs, keys.lock(key), keys.fence(key), keys.fencingCounter(key),
      keys.writersWaiting(key), lockKey, Long.toString(ttlMs), Long.toString(Math.max(1, waitLeftMs)));
  }

  @Override
  public Future<Attempt> tryAcquireRead(String key, String lockKey, long ttlMs) {
    return acquire(LuaScript.READ_LOCK, key, lockKey, ttlMs, keys.lock(key), keys.readers(key), keys.fencingCounter(key),
      keys.readerTokens(key), keys.writersWaiting(key), lockKey, Long.toString(ttlMs));
  }

  /** The lock scripts reply {1, fencing token} or {0, ms until a new try makes sense, 1 if queued behind readers}. */
  private Future<Attempt> acquire(LuaScript script, String key, String lockKey, long ttlMs, String... keysThenArgs) {
    Future<Response> call = minReplicasToAck == 0
      ? scripts.run(script, keysThenArgs)
      : scripts.runReplicated(script, minReplicasToAck, replicaAckTimeoutMs, keysThenArgs)
        .compose(replicated -> confirmed(replicated, "lock", () -> release(key, lockKey)));
    return bounded(call, minReplicasToAck == 0 ? timeoutMs : timeoutMs + replicaAckTimeoutMs)
      .map(reply -> reply.get(0).toInteger() == 1
        ? new Attempt(true, ttlMs, reply.get(1).toLong())
        : new Attempt(false, reply.get(1).toLong(), 0, reply.size() > 2))
      .recover(this::failure);
  }

  @Override
  public Future<Void> withdrawWriter(String key, String lockKey) {
    return bounded(scripts.run(LuaScript.WITHDRAW_WRITER, keys.writersWaiting(key), lockKey, keys.channel(key), key))
      .<Void>mapEmpty()
      .recover(this::failure);
  }

  @Override
  public Future<OwnerReply> release(String key, String lockKey) {
    return ownerCall(scripts.run(LuaScript.UNLOCK, keys.lock(key), keys.fence(key), keys.fencingCounter(key),
      keys.readers(key), keys.readerTokens(key), keys.writersWaiting(key),
      lockKey, keys.channel(key), key), Outcome.RELEASED);
  }

  @Override
  public Future<OwnerReply> handOver(String key, String lockKey, String nextLockKey, long nextTtlMs) {
    return ownerCall(scripts.run(LuaScript.UNLOCK, keys.lock(key), keys.fence(key), keys.fencingCounter(key),
      keys.readers(key), keys.readerTokens(key), keys.writersWaiting(key),
      lockKey, keys.channel(key), key, nextLockKey, Long.toString(nextTtlMs)), Outcome.RELEASED);
  }

  @Override
  public Future<OwnerReply> extend(String key, String lockKey, long ttlMs) {
    return ownerCall(scripts.run(LuaScript.EXTEND, keys.lock(key), keys.fence(key), keys.readers(key), keys.readerTokens(key),
      lockKey, Long.toString(ttlMs), keys.channel(key), key), Outcome.EXTENDED);
  }

  @Override
  public Future<LockStatus> status(String key) {
    return bounded(scripts.run(LuaScript.STATUS, keys.lock(key), keys.fence(key), keys.waiters(key),
        keys.readers(key), keys.readerTokens(key)))
      .map(reply -> {
        long pttl = reply.get(0).toLong();
        Long fencingToken = reply.get(1) == null ? null : reply.get(1).toLong();
        int waiters = reply.get(2).toInteger();
        LockMode mode = reply.get(3) == null ? null : LockMode.of(reply.get(3).toString());
        return pttl == -2
          ? new LockStatus(key, false, null, null, waiters, null, 0)
          : new LockStatus(key, true, pttl < 0 ? null : pttl, fencingToken, waiters, mode, reply.get(4).toInteger());
      })
      .recover(this::failure);
  }

  @Override
  public Future<Forced> forceRelease(String key) {
    return bounded(scripts.run(LuaScript.FORCE_UNLOCK, keys.lock(key), keys.fence(key), keys.readers(key),
        keys.readerTokens(key), keys.channel(key), key))
      .map(reply -> reply.get(0).toInteger() == 1
        ? new Forced(true, reply.get(1) == null ? null : reply.get(1).toLong())
        : new Forced(false, null))
      .recover(this::failure);
  }

  /**
   * One page of the list script. With a cluster the masters are listed one after another (the
   * cursor says which one); a page holds locks of one master only, and their fencing tokens are read
   * afterwards, pipelined, since each slot's fencing keys carry their own hash tag.
   */
  @Override
  public Future<LockPage> list(ListQuery query) {
    ScanCursor from;
    try {
      from = ScanCursor.decode(query.cursor());
    } catch (LockException invalid) {
      return Future.failedFuture(invalid);
    }
    List<RedisMaster> shards = master.shards();
    if (from.shard() >= shards.size()) {
      // the cluster lost masters since the cursor was handed out: the listing is over
      return Future.succeededFuture(new LockPage(List.of(), null));
    }
    String lockKeys = prefix + "::";
    Future<LockPage> page = scripts.runOn(shards.get(from.shard()), LuaScript.LIST,
        ScanCursor.globEscape(lockKeys + query.prefix()) + "*",
        from.redisCursor(), Integer.toString(query.limit()), from.after(), lockKeys, keys.fencePrefixForList(),
        keys.readersPrefixForList(), keys.readerTokensPrefixForList())
      .map(reply -> {
        List<LockPage.Entry> locks = new ArrayList<>();
        for (int i = 2; i + 2 < reply.size(); i += 3) {
          long pttl = reply.get(i + 1).toLong();
          locks.add(new LockPage.Entry(reply.get(i).toString(), pttl < 0 ? null : pttl,
            reply.get(i + 2) == null ? null : reply.get(i + 2).toLong()));
        }
        ScanCursor next = new ScanCursor(reply.get(0).toString(), reply.get(1).toString(), from.shard());
        if (next.isEnd() && from.shard() + 1 < shards.size()) {
          // this master is done: the next page starts on the next one
          return new LockPage(locks, new ScanCursor("0", "", from.shard() + 1).encode());
        }
        return new LockPage(locks, next.isEnd() ? null : next.encode());
      });
    return bounded(keys.sharded() ? page.compose(this::withFencingTokens) : page).recover(this::failure);
  }

  /** Each lock's token as its status tells it (the holder's, or a read lock's newest reader's), read per key. */
  private Future<LockPage> withFencingTokens(LockPage page) {
    List<Future<LockStatus>> statuses = new ArrayList<>();
    page.locks().forEach(lock -> statuses.add(status(lock.key())));
    return Future.all(statuses).map(read -> {
      List<LockPage.Entry> locks = new ArrayList<>();
      for (int i = 0; i < statuses.size(); i++) {
        LockPage.Entry lock = page.locks().get(i);
        LockStatus status = read.resultAt(i);
        locks.add(new LockPage.Entry(lock.key(), lock.ttlMs(), status.fencingToken()));
      }
      return new LockPage(locks, page.cursor());
    });
  }

  /**
   * Plain HSET + PEXPIRE (or HDEL), pipelined, rather than a script: the entry carries its own expiry
   * by this instance's clock ("count expiresAtMs"), which status.lua compares with Redis's; the
   * servers' clocks agree to far better than the entries' 15 s.
   */
  @Override
  public Future<Void> publishWaiters(String key, String instanceId, int count, long validityMs) {
    return publishWaitersIn(keys.waiters(key), instanceId, count, validityMs);
  }

  private Future<Void> publishWaitersIn(String hash, String instanceId, int count, long validityMs) {
    Future<?> write = count == 0
      ? master.send(Request.cmd(Command.HDEL).arg(hash).arg(instanceId))
      : Future.all(
        master.send(Request.cmd(Command.HSET).arg(hash).arg(instanceId).arg(count + " " + (System.currentTimeMillis() + validityMs))),
        master.send(Request.cmd(Command.PEXPIRE).arg(hash).arg(validityMs)));
    return bounded(write).<Void>mapEmpty().recover(this::failure);
  }

  /** With {@code redis.minReplicasToAck}, a permit is confirmed by replicas (or given back) as a lock is. */
  @Override
  public Future<PermitAttempt> tryAcquirePermit(String key, String lockKey, int permits, long ttlMs) {
    String[] keysThenArgs = {keys.semaphore(key), keys.semaphoreTokens(key), keys.fencingCounter(key),
      lockKey, Long.toString(ttlMs), Integer.toString(permits)};
    Future<Response> call = minReplicasToAck == 0
      ? scripts.run(LuaScript.SEMAPHORE_ACQUIRE, keysThenArgs)
      : scripts.runReplicated(LuaScript.SEMAPHORE_ACQUIRE, minReplicasToAck, replicaAckTimeoutMs, keysThenArgs)
        .compose(replicated -> confirmed(replicated, "permit", () -> releasePermit(key, lockKey)));
    return bounded(call, minReplicasToAck == 0 ? timeoutMs : timeoutMs + replicaAckTimeoutMs)
      .map(reply -> switch (reply.get(0).toInteger()) {
        case 1 -> new PermitAttempt(PermitAttempt.Kind.TAKEN, reply.get(1).toLong(), reply.get(2).toInteger(), 0, permits);
        case 0 -> new PermitAttempt(PermitAttempt.Kind.FULL, 0, reply.get(2).toInteger(), reply.get(1).toLong(), permits);
        default -> new PermitAttempt(PermitAttempt.Kind.MISMATCH, 0, 0, 0, reply.get(1).toInteger());
      })
      .recover(this::failure);
  }

  @Override
  public Future<Release> releasePermit(String key, String lockKey) {
    return permitRelease(scripts.run(LuaScript.SEMAPHORE_RELEASE, keys.semaphore(key), keys.semaphoreTokens(key),
      keys.fencingCounter(key), lockKey, keys.channel(key), key));
  }

  @Override
  public Future<Release> handOverPermit(String key, String lockKey, String nextLockKey, int nextPermits, long nextTtlMs) {
    return permitRelease(scripts.run(LuaScript.SEMAPHORE_RELEASE, keys.semaphore(key), keys.semaphoreTokens(key),
      keys.fencingCounter(key), lockKey, keys.channel(key), key, nextLockKey, Long.toString(nextTtlMs),
      Integer.toString(nextPermits)));
  }

  private Future<Release> permitRelease(Future<Response> call) {
    return bounded(call)
      .map(reply -> switch (reply.get(0).toInteger()) {
        case 1 -> new Release(Outcome.RELEASED, 0, 0);
        case 2 -> new Release(Outcome.HANDED_OVER, reply.get(1).toLong(), reply.get(2).toInteger());
        case 0 -> new Release(Outcome.NOT_HELD, 0, 0);
        default -> new Release(Outcome.NOT_OWNER, 0, 0);
      })
      .recover(this::failure);
  }

  @Override
  public Future<OwnerReply> extendPermit(String key, String lockKey, long ttlMs) {
    return ownerCall(scripts.run(LuaScript.SEMAPHORE_EXTEND, keys.semaphore(key), keys.semaphoreTokens(key),
      lockKey, Long.toString(ttlMs), keys.channel(key), key), Outcome.EXTENDED);
  }

  @Override
  public Future<SemaphoreStatus> semaphoreStatus(String key) {
    return bounded(scripts.run(LuaScript.SEMAPHORE_STATUS, keys.semaphore(key), keys.semaphoreTokens(key),
        keys.semaphoreWaiters(key)))
      .map(reply -> new SemaphoreStatus(key, reply.get(0) == null ? null : reply.get(0).toInteger(),
        reply.get(1).toInteger(), reply.get(2).toInteger()))
      .recover(this::failure);
  }

  @Override
  public Future<Void> publishPermitWaiters(String key, String instanceId, int count, long validityMs) {
    return publishWaitersIn(keys.semaphoreWaiters(key), instanceId, count, validityMs);
  }

  /** With Redis Cluster every key a script touches must be in one slot: the locks of a set must share theirs. */
  @Override
  public void checkOneStep(List<String> keys) {
    if (!this.keys.sharded()) {
      return;
    }
    int slot = slotOf(keys.get(0));
    for (String key : keys) {
      if (slotOf(key) != slot) {
        throw new LockException(ErrorCode.CROSS_SLOT, "with Redis Cluster all keys of one lock must share a hash"
          + " slot: give them a common {hash tag} ('" + keys.get(0) + "' and '" + key + "' do not share one)");
      }
    }
  }

  /** With {@code redis.minReplicasToAck}, a set is confirmed by replicas (or given back) as a lock is. */
  @Override
  public Future<Attempt> tryAcquireAll(List<String> keys, String lockKey, long ttlMs) {
    String[] keysThenArgs = members(keys, List.of(lockKey, Long.toString(ttlMs)));
    int keyCount = 2 * keys.size() + 1;
    Future<Response> call = minReplicasToAck == 0
      ? scripts.run(LuaScript.MULTI_LOCK, keyCount, keysThenArgs)
      : scripts.runReplicated(LuaScript.MULTI_LOCK, keyCount, minReplicasToAck, replicaAckTimeoutMs, keysThenArgs)
        .compose(replicated -> confirmed(replicated, "lock", () -> releaseAll(keys, lockKey)));
    return bounded(call, minReplicasToAck == 0 ? timeoutMs : timeoutMs + replicaAckTimeoutMs)
      .map(reply -> reply.get(0).toInteger() == 1
        ? new Attempt(true, ttlMs, reply.get(1).toLong())
        : new Attempt(false, reply.get(1).toLong(), 0))
      .recover(this::failure);
  }

  @Override
  public Future<OwnerReply> releaseAll(List<String> keys, String lockKey) {
    String[] keysThenArgs = members(keys, withNotices(keys, lockKey));
    return ownerCall(scripts.run(LuaScript.MULTI_UNLOCK, 2 * keys.size() + 1, keysThenArgs), Outcome.RELEASED);
  }

  @Override
  public Future<OwnerReply> extendAll(List<String> keys, String lockKey, long ttlMs) {
    String[] keysThenArgs = members(keys, withNotices(keys, lockKey, Long.toString(ttlMs)));
    return ownerCall(scripts.run(LuaScript.MULTI_EXTEND, 2 * keys.size() + 1, keysThenArgs), Outcome.EXTENDED);
  }

  /**
   * The KEYS of lua/lib/multi.lua for {@code keys} (each key's lock and fencing-token key, the
   * fencing counter third), then {@code args}.
   */
  private String[] members(List<String> keys, List<String> args) {
    List<String> all = new ArrayList<>(2 * keys.size() + 1 + args.size());
    for (int i = 0; i < keys.size(); i++) {
      all.add(this.keys.lock(keys.get(i)));
      all.add(this.keys.fence(keys.get(i)));
      if (i == 0) {
        all.add(this.keys.fencingCounter(keys.get(0)));
      }
    }
    all.addAll(args);
    return all.toArray(String[]::new);
  }

  /** The ARGV of a script that sends notices: {@code first}, then the channel and every user key (the notices). */
  private List<String> withNotices(List<String> keys, String... first) {
    List<String> args = new ArrayList<>(List.of(first));
    args.add(this.keys.channel(keys.get(0)));
    args.addAll(keys);
    return args;
  }

  /** PING within {@code timeoutMs}, for readiness, which waits less than lock calls do (a cluster: every master, state ok). */
  Future<Void> ping(long timeoutMs) {
    return master.health()
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .<Void>mapEmpty()
      .recover(this::failure);
  }

  @Override
  public Future<Void> probe() {
    return bounded(master.send(Request.cmd(Command.PING))).<Void>mapEmpty().recover(this::failure);
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
   * A grant (a lock, a set, a permit) fewer than {@code redis.minReplicasToAck} replicas confirmed could vanish in a failover:
   * give it back ({@code giveBack}) and let the client retry rather than acknowledge it.
   */
  private Future<Response> confirmed(ScriptRunner.Replicated replicated, String what, Supplier<Future<?>> giveBack) {
    if (replicated.reply().get(0).toInteger() != 1 || replicated.replicas() >= minReplicasToAck) {
      return Future.succeededFuture(replicated.reply());
    }
    return giveBack.get().transform(released -> Future.failedFuture(new LockException(ErrorCode.REDIS_UNAVAILABLE,
      "only " + replicated.replicas() + " of the " + minReplicasToAck + " replicas required (redis.minReplicasToAck)"
        + " confirmed the " + what + " within " + replicaAckTimeoutMs + " ms; it was given back")));
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
