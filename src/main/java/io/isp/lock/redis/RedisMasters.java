package io.isp.lock.redis;

import io.isp.lock.config.RedisConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisOptions;

/** Creates the {@link RedisMaster} the configuration asks for: a fixed server, or one found through Sentinels. */
public final class RedisMasters {

  private RedisMasters() {
  }

  public static RedisMaster create(Vertx vertx, RedisConfig config) {
    return config.sentinel()
      .<RedisMaster>map(sentinel -> new SentinelMaster(vertx, config, sentinel))
      .orElseGet(() -> new StandaloneMaster(vertx, config.server().orElseThrow(), config));
  }

  /** Options for a pooled client to the master at {@code address} ("host:port" or a redis:// URI). */
  static RedisOptions masterOptions(String address, RedisConfig config) {
    RedisOptions options = new RedisOptions()
      .setConnectionString(uri(address, config.db()))
      .setMaxPoolSize(config.maxPoolSize())
      .setMaxPoolWaiting(config.maxPoolWaiting())
      // commands are pipelined on one connection: this bounds how many may be in flight on it
      .setMaxWaitingHandlers(config.maxPoolWaiting())
      .setNetClientOptions(netOptions(config));
    credentials(options, config.userName(), config.password());
    return options;
  }

  /** A pooled, single-connection client for talking to a Sentinel. */
  static RedisOptions sentinelOptions(String address, String user, String password, RedisConfig config) {
    RedisOptions options = new RedisOptions()
      .setConnectionString(uri(address, null))
      .setMaxPoolSize(1)
      .setMaxPoolWaiting(64)
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
    // connecting to an unreachable host must fail within the command timeout, not the OS's minutes
    return new NetClientOptions()
      .setConnectTimeout((int) Math.max(1, config.commandTimeout().toMillis()))
      .setTcpNoDelay(true)
      .setTcpKeepAlive(true);
  }

  static String uri(String address, Integer db) {
    String base = address.contains("://") ? address : "redis://" + address;
    boolean hasPath = base.indexOf('/', base.indexOf("://") + 3) >= 0;
    return db == null || hasPath ? base : base + "/" + db;
  }
}
