package io.isp.lock.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Runs Lua scripts with EVALSHA, one round trip each. Redis forgets scripts on restart, failover
 * and SCRIPT FLUSH; then EVALSHA answers NOSCRIPT and we retry once with EVAL, which runs the script
 * and puts it back in the cache. Callers bound the time (see {@code LockStore}).
 */
public final class ScriptRunner {

  private final RedisMaster master;

  public ScriptRunner(RedisMaster master) {
    this.master = master;
  }

  /** Runs {@code script} on one key with the given arguments. */
  public Future<Response> run(LuaScript script, String key, String... args) {
    return master.send(request(Command.EVALSHA, script.sha(), key, args))
      .recover(error -> RedisErrors.isNoScript(error)
        ? master.send(request(Command.EVAL, script.source(), key, args))
        : Future.failedFuture(error));
  }

  /** Loads every script so that the first EVALSHA of each finds it; also proves we may run scripts. */
  public Future<Void> loadAll() {
    Future<Response> chain = Future.succeededFuture();
    for (LuaScript script : LuaScript.values()) {
      chain = chain.compose(ignored -> master.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source())));
    }
    return chain.mapEmpty();
  }

  private static Request request(Command command, String script, String key, String[] args) {
    Request request = Request.cmd(command).arg(script).arg(1).arg(key);
    for (String arg : args) {
      request.arg(arg);
    }
    return request;
  }
}
