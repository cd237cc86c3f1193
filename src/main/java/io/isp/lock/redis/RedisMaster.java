package io.isp.lock.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * The Redis master, wherever it currently is. Commands go through a connection pool; pub/sub gets a
 * dedicated connection. In Sentinel mode the master can move: {@link #masterChanges()} counts moves
 * so that long-lived connections know to reconnect. In cluster mode ({@link ClusterMaster}) there
 * are many masters, and each command goes to the one serving its keys' slot.
 */
public interface RedisMaster {

  /** Sends one command to the current master over a pooled connection. */
  Future<Response> send(Request request);

  /** Sends commands pipelined on one pooled connection (WAIT counts only its own connection's writes). */
  Future<List<Response>> batch(List<Request> requests);

  /** A connection of its own, for SUBSCRIBE; the caller closes it. */
  Future<RedisConnection> connect();

  /**
   * Opens a connection to every server the master depends on (in Sentinel mode each Sentinel, then
   * the master they name) and gives it back to the pool, each bounded by
   * {@link RedisMasters#openBoundMs}: the connect and TLS handshake timeouts, not the command
   * timeout. Fails with the TLS failure if a handshake failed, so that at start-up a certificate that
   * does not verify is told from a Redis that is away, even when a cold JVM's first handshake takes
   * longer than a command may.
   */
  Future<Void> openConnections();

  /**
   * Readiness: the master answers. A cluster is ready when every master answers and each says the
   * cluster's state is ok.
   */
  default Future<Void> health() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  /**
   * The masters that together hold every key, each as a master of its own: a scan of the whole
   * keyspace (list) and SCRIPT LOAD visit each. One master: itself.
   */
  default List<RedisMaster> shards() {
    return List.of(this);
  }

  /** Incremented each time the master's address changes. */
  long masterChanges();

  /** Where commands currently go, for logs and health output. */
  String describe();

  Future<Void> close();
}
