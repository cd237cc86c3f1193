package io.isp.lock.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.function.Supplier;

/**
 * One connection that every command is pipelined on, instead of a pooled connection per command:
 * Redis then reads many commands per system call, and no pool is checked out and in per call (this
 * took the uncontended HTTP rate from about 24 % to 38 % of raw Redis; docs/benchmarks.md). A
 * connection that fails or closes is dropped; the next command opens a new one. A slow command does
 * not drop it: the caller's timeout answers, and the replies that come later are matched in order.
 * Used from one event loop only.
 */
final class SharedConnection {

  private final Supplier<Future<RedisConnection>> connector;
  private Future<RedisConnection> current;

  SharedConnection(Supplier<Future<RedisConnection>> connector) {
    this.connector = connector;
  }

  Future<Response> send(Request request) {
    return connection().compose(conn -> conn.send(request));
  }

  /** ASKING then {@code request}, back to back on the connection: ASKING holds for the next command only (cluster ASK redirects). */
  Future<Response> sendAsking(Request request) {
    return connection().compose(conn -> {
      conn.send(Request.cmd(Command.ASKING));
      return conn.send(request);
    });
  }

  Future<Void> close() {
    Future<RedisConnection> connection = current;
    current = null;
    return connection == null || connection.failed() ? Future.succeededFuture()
      : connection.compose(RedisConnection::close).otherwiseEmpty();
  }

  private Future<RedisConnection> connection() {
    if (current == null || current.failed()) {
      Future<RedisConnection> opening = connector.get();
      current = opening;
      opening.onSuccess(conn -> {
        conn.exceptionHandler(error -> drop(opening));
        conn.endHandler(ended -> drop(opening));
      });
    }
    return current;
  }

  private void drop(Future<RedisConnection> connection) {
    if (current == connection) {
      current = null;
      connection.onSuccess(RedisConnection::close);
    }
  }
}
