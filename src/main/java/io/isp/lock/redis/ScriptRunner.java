package io.isp.lock.redis;

import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.metrics.RedisErrorKind;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * Runs Lua scripts with EVALSHA, one round trip each. Redis forgets scripts on restart, failover
 * and SCRIPT FLUSH; then EVALSHA answers NOSCRIPT and we retry once with EVAL, which runs the script
 * and puts it back in the cache. Callers bound the time (see {@code LockStore}).
 */
public final class ScriptRunner {

  private final RedisMaster master;
  private final LockMetrics metrics;
  private final boolean sharded;

  /**
   * {@code metrics}: a NOSCRIPT is counted here, where it is recovered from; other failures reach the
   * caller. {@code sharded}: the scripts' SPUBLISH variant (Redis Cluster), see {@link LuaScript}.
   */
  public ScriptRunner(RedisMaster master, LockMetrics metrics, boolean sharded) {
    this.master = master;
    this.metrics = metrics;
    this.sharded = sharded;
  }

  /** Runs {@code script}; the first {@link LuaScript#keyCount()} arguments are its keys. */
  public Future<Response> run(LuaScript script, String... keysThenArgs) {
    return runOn(master, script, keysThenArgs);
  }

  /** Runs {@code script} with its first {@code keyCount} arguments as keys (a script of {@link LuaScript#VARIABLE_KEYS}). */
  public Future<Response> run(LuaScript script, int keyCount, String... keysThenArgs) {
    return send(master, script, keyCount, keysThenArgs);
  }

  /** Runs {@code script} on {@code target}, one of {@link RedisMaster#shards()} (a script without keys, list). */
  public Future<Response> runOn(RedisMaster target, LuaScript script, String... keysThenArgs) {
    return send(target, script, script.keyCount(), keysThenArgs);
  }

  private Future<Response> send(RedisMaster target, LuaScript script, int keyCount, String[] keysThenArgs) {
    return target.send(request(Command.EVALSHA, script.sha(sharded), keyCount, keysThenArgs))
      .recover(error -> isNoScript(error)
        ? target.send(request(Command.EVAL, script.source(sharded), keyCount, keysThenArgs))
        : Future.failedFuture(error));
  }

  /** A script's reply, and how many replicas confirmed its writes. */
  public record Replicated(Response reply, int replicas) {
  }

  /**
   * Runs {@code script}, then {@code WAIT replicas timeoutMs} on the same connection, pipelined: one
   * round trip plus the replicas' acknowledgement.
   */
  public Future<Replicated> runReplicated(LuaScript script, int replicas, long timeoutMs, String... keysThenArgs) {
    return runReplicated(script, script.keyCount(), replicas, timeoutMs, keysThenArgs);
  }

  /** {@link #runReplicated}, with its first {@code keyCount} arguments as keys. */
  public Future<Replicated> runReplicated(LuaScript script, int keyCount, int replicas, long timeoutMs,
                                          String... keysThenArgs) {
    Request wait = Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMs);
    return master.batch(List.of(request(Command.EVALSHA, script.sha(sharded), keyCount, keysThenArgs), wait))
      .recover(error -> isNoScript(error)
        ? master.batch(List.of(request(Command.EVAL, script.source(sharded), keyCount, keysThenArgs), wait))
        : Future.failedFuture(error))
      .map(replies -> new Replicated(replies.get(0), replies.get(1).toInteger()));
  }

  /**
   * Loads every script so that the first EVALSHA of each finds it; also proves we may run scripts.
   * In a cluster on every master (a master that joins later, or a promoted replica, is covered by
   * the EVAL fallback).
   */
  public Future<Void> loadAll() {
    List<Future<Void>> loads = new java.util.ArrayList<>();
    for (RedisMaster shard : master.shards()) {
      Future<Response> chain = Future.succeededFuture();
      for (LuaScript script : LuaScript.values()) {
        chain = chain.compose(ignored -> shard.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source(sharded))));
      }
      loads.add(chain.mapEmpty());
    }
    return Future.all(loads).mapEmpty();
  }

  private boolean isNoScript(Throwable error) {
    if (RedisErrors.isNoScript(error)) {
      metrics.redisError(RedisErrorKind.NOSCRIPT);
      return true;
    }
    return false;
  }

  private static Request request(Command command, String script, int keyCount, String[] keysThenArgs) {
    Request request = Request.cmd(command).arg(script).arg(keyCount);
    for (String arg : keysThenArgs) {
      request.arg(arg);
    }
    return request;
  }
}
