package io.isp.lock.lock;

import io.isp.lock.redis.LuaScript;
import io.isp.lock.redis.RedisErrors;
import io.isp.lock.redis.RedisMaster;
import io.isp.lock.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lock operations as Redis sees them: one script call each, bounded by the command timeout,
 * with failures turned into {@link LockException}s. Lock keys are {@code <prefix>::<key>}, the
 * original service's layout; release notices go to the channel {@code <prefix>:released}.
 */
final class LockStore {

  /** Result of one acquisition attempt; {@code holderTtlMs} is the current holder's remaining TTL. */
  record Attempt(boolean acquired, long holderTtlMs) {
  }

  enum Release { RELEASED, HANDED_OVER, NOT_HELD, NOT_OWNER }

  private static final System.Logger LOG = System.getLogger(LockStore.class.getName());

  private final RedisMaster master;
  private final ScriptRunner scripts;
  private final String keyPrefix;
  private final String channel;
  private final long timeoutMs;

  LockStore(RedisMaster master, String prefix, Duration commandTimeout) {
    this.master = master;
    this.scripts = new ScriptRunner(master);
    this.keyPrefix = prefix + "::";
    this.channel = prefix + ":released";
    this.timeoutMs = commandTimeout.toMillis();
  }

  String channel() {
    return channel;
  }

  Future<Void> loadScripts() {
    return bounded(scripts.loadAll());
  }

  Future<Attempt> tryAcquire(String key, String token, long ttlMs) {
    Future<Response> call = scripts.run(LuaScript.LOCK, keyPrefix + key, token, Long.toString(ttlMs));
    return bounded(call)
      .recover(error -> {
        if (error instanceof TimeoutException) {
          // we answer 503, so a lock that Redis grants late must not linger until its TTL
          call.onSuccess(reply -> {
            if (reply.get(0).toInteger() == 1) {
              release(key, token);
            }
          });
        }
        return Future.failedFuture(error);
      })
      .map(reply -> new Attempt(reply.get(0).toInteger() == 1, reply.get(1).toLong()))
      .recover(LockStore::failure);
  }

  Future<Release> release(String key, String token) {
    return release(scripts.run(LuaScript.UNLOCK, keyPrefix + key, token, channel, key));
  }

  /** Releases and, in the same script, gives the lock to {@code nextToken} for {@code nextTtlMs}. */
  Future<Release> handOver(String key, String token, String nextToken, long nextTtlMs) {
    return release(scripts.run(LuaScript.UNLOCK, keyPrefix + key, token, channel, key,
      nextToken, Long.toString(nextTtlMs)));
  }

  Future<Void> ping(long timeoutMs) {
    return master.send(Request.cmd(Command.PING))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .<Void>mapEmpty()
      .recover(LockStore::failure);
  }

  private Future<Release> release(Future<Response> call) {
    return bounded(call)
      .map(reply -> switch (reply.toInteger()) {
        case 1 -> Release.RELEASED;
        case 2 -> Release.HANDED_OVER;
        case 0 -> Release.NOT_HELD;
        default -> Release.NOT_OWNER;
      })
      .recover(LockStore::failure);
  }

  private <T> Future<T> bounded(Future<T> call) {
    return call.timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private static <T> Future<T> failure(Throwable error) {
    if (error instanceof LockException) {
      return Future.failedFuture(error);
    }
    if (RedisErrors.isUnavailable(error)) {
      String why = error instanceof TimeoutException ? "Redis did not answer in time" : "Redis unavailable: " + error.getMessage();
      return Future.failedFuture(new LockException(ErrorCode.REDIS_UNAVAILABLE, why));
    }
    LOG.log(System.Logger.Level.ERROR, "unexpected Redis reply", error);
    return Future.failedFuture(new LockException(ErrorCode.INTERNAL, "unexpected Redis reply: " + error.getMessage()));
  }
}
