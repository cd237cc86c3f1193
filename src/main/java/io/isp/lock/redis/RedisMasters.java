package io.isp.lock.redis;

import io.isp.lock.config.RedisConfig;
import io.isp.lock.metrics.LockMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;

import java.util.concurrent.TimeUnit;

/** Creates the {@link RedisMaster} the configuration asks for: a fixed server, one found through Sentinels, or a cluster's masters. */
public final class RedisMasters {

  /** Vert.x's default, named: {@link #openBoundMs} counts on it. */
  static final long TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

  private RedisMasters() {
  }

  /** {@code metrics}: a Sentinel master's moves, and changes of a cluster's masters, are counted. */
  public static RedisMaster create(Vertx vertx, RedisConfig config, LockMetrics metrics) {
    if (config.cluster()) {
      return new ClusterMaster(vertx, config, metrics);
    }
    return config.sentinel()
      .<RedisMaster>map(sentinel -> new SentinelMaster(vertx, config, sentinel, metrics))
      .orElseGet(() -> new StandaloneMaster(vertx, config.server().orElseThrow(), config));
  }

  /** Options for a pooled client to the master at {@code address} ("host:port" or a redis:// or rediss:// URI). */
  static RedisOptions masterOptions(String address, RedisConfig config) {
    RedisOptions options = new RedisOptions()
      .setConnectionString(uri(address, config.db(), config.tls().scheme()))
      .setMaxPoolSize(config.maxPoolSize())
      .setMaxPoolWaiting(config.maxPoolWaiting())
      // the pool_name label of vertx_pool_* metrics; otherwise a random UUID, a new series per failover
      .setPoolName("redis-master")
      // commands are pipelined on one connection: this bounds how many may be in flight on it
      .setMaxWaitingHandlers(config.maxPoolWaiting())
      .setNetClientOptions(netOptions(config));
    credentials(options, config.userName(), config.password());
    return options;
  }

  /** A pooled, single-connection client for talking to a Sentinel. */
  static RedisOptions sentinelOptions(String address, String user, String password, RedisConfig config) {
    RedisOptions options = new RedisOptions()
      .setConnectionString(uri(address, null, config.tls().scheme()))
      .setMaxPoolSize(1)
      .setMaxPoolWaiting(64)
      .setPoolName("redis-sentinel")
      .setNetClientOptions(netOptions(config));
    credentials(options, user, password);
    return options;
  }

  private static void credentials(RedisOptions options, String user, String password) {
    if (!password.isEmpty()) {
      options.setPassword(password);
      if (!user.isEmpty()) {
        options.setUser(user);
      }
    }
  }

  private static NetClientOptions netOptions(RedisConfig config) {
    // connecting to an unreachable host must fail within the command timeout, not the OS's minutes;
    // Sentinels and master get the same TLS settings
    return config.tls().applyTo(new NetClientOptions()
      .setConnectTimeout(connectTimeoutMs(config))
      .setSslHandshakeTimeout(TLS_HANDSHAKE_TIMEOUT_MS)
      .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
      .setTcpNoDelay(true)
      .setTcpKeepAlive(true));
  }

  /**
   * How long opening one connection may take ({@link RedisMaster#openConnections}): the TCP connect,
   * the TLS handshake when on, and the client's HELLO/AUTH/SELECT (a command).
   */
  static long openBoundMs(RedisConfig config) {
    return connectTimeoutMs(config) + (config.tls().enabled() ? TLS_HANDSHAKE_TIMEOUT_MS : 0)
      + config.commandTimeout().toMillis();
  }

  /** Opens a connection of {@code client}'s pool and gives it back; one that comes after the bound is given back too. */
  static Future<Void> openAndRelease(Redis client, long boundMs) {
    Future<RedisConnection> opening = client.connect();
    return opening.timeout(boundMs, TimeUnit.MILLISECONDS)
      .onFailure(late -> opening.onSuccess(RedisConnection::close))
      .compose(RedisConnection::close);
  }

  private static int connectTimeoutMs(RedisConfig config) {
    return (int) Math.max(1, config.commandTimeout().toMillis());
  }

  /**
   * {@code address} as a URI: "host:port" gets {@code scheme} (rediss with TLS on: the client only
   * speaks TLS to a rediss:// address, and config refuses a redis:// one then), and the database.
   */
  static String uri(String address, Integer db, String scheme) {
    String base = address.contains("://") ? address : scheme + "://" + address;
    boolean hasPath = base.indexOf('/', base.indexOf("://") + 3) >= 0;
    return db == null || hasPath ? base : base + "/" + db;
  }
}
