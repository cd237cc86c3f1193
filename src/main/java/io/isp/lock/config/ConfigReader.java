package io.isp.lock.config;

import com.sun.management.UnixOperatingSystemMXBean;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the merged configuration JSON into a validated {@link ServiceConfig}. Values may arrive as
 * YAML types or as strings (from environment variables and system properties), so every reader
 * accepts both. Every failure names the dotted key.
 */
public final class ConfigReader {

  static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "warning", "error", "off");

  private final JsonObject root;

  private ConfigReader(JsonObject root) {
    this.root = root;
  }

  public static ServiceConfig read(JsonObject json) {
    return new ConfigReader(json).serviceConfig();
  }

  private ServiceConfig serviceConfig() {
    String logLevel = string("logLevel", "info").toLowerCase();
    if (!LOG_LEVELS.contains(logLevel)) {
      throw new ConfigException("logLevel: '" + logLevel + "' is not one of " + LOG_LEVELS);
    }
    int eventLoops = integer("deploy.eventLoops", 0);
    if (eventLoops < 0 || eventLoops > 1024) {
      throw new ConfigException("deploy.eventLoops: must be 0 (one per two cores) to 1024, got " + eventLoops);
    }
    DeployConfig deploy = new DeployConfig(bool("deploy.http", true), bool("deploy.lock", true),
      eventLoops > 0 ? eventLoops : DeployConfig.defaultEventLoops(Runtime.getRuntime().availableProcessors()));
    if (!deploy.http() && !deploy.lock()) {
      throw new ConfigException("deploy.http and deploy.lock are both false: this node would do nothing");
    }
    ClusterConfig cluster = cluster();
    if (!cluster.enabled() && !deploy.lock()) {
      throw new ConfigException("deploy.lock: false needs cluster.enabled: true (an edge node forwards to lock nodes)");
    }
    return new ServiceConfig(logLevel, http(), redis(deploy.lock()), lock(), cluster, deploy);
  }

  private ClusterConfig cluster() {
    int port = integer("cluster.port", 5701);
    if (port < 1 || port > 65535) {
      throw new ConfigException("cluster.port: must be 1..65535, got " + port);
    }
    return new ClusterConfig(bool("cluster.enabled", false), string("cluster.host", "127.0.0.1"), port,
      list("cluster.members"), java.nio.file.Path.of(string("cluster.configFile", "conf/hazelcast.xml")));
  }

  private HttpConfig http() {
    int port = integer("http.port", 8080);
    if (port < 0 || port > 65535) {
      throw new ConfigException("http.port: must be 0..65535, got " + port);
    }
    int maxConnections = integer("http.maxConnections", 0);
    if (maxConnections < 0) {
      throw new ConfigException("http.maxConnections: must be 0 (derived from the file descriptor limit) or more, got "
        + maxConnections);
    }
    return new HttpConfig(string("http.host", "0.0.0.0"), port, list("http.tokens"),
      duration("http.shutdownTimeout", Duration.ofSeconds(10)),
      positive("http.idleTimeout", duration("http.idleTimeout", Duration.ofSeconds(30))),
      maxConnections > 0 ? maxConnections : HttpConfig.defaultMaxConnections(fileDescriptorLimit()));
  }

  /** This process's limit on open files (sockets count), or 10000 where the JVM cannot tell. */
  private static long fileDescriptorLimit() {
    long limit = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
      ? unix.getMaxFileDescriptorCount() : -1;
    return limit > 0 ? limit : 10_000;
  }

  /** Without the lock role a node never talks to Redis, so it needs no Redis address. */
  private RedisConfig redis(boolean lockRole) {
    Optional<String> server = optionalString("redis.server");
    List<String> sentinelAddresses = list("redis.sentinel.addresses");
    if (lockRole && server.isPresent() == !sentinelAddresses.isEmpty()) {
      throw new ConfigException("exactly one of redis.server and redis.sentinel (redis.sentinel.addresses) must be set"
        + (server.isPresent() ? ", but both are" : ", but neither is"));
    }
    Optional<SentinelConfig> sentinel = Optional.empty();
    if (!sentinelAddresses.isEmpty()) {
      String masterName = optionalString("redis.sentinel.masterName")
        .orElseThrow(() -> new ConfigException("redis.sentinel.masterName: required when redis.sentinel.addresses is set"));
      sentinel = Optional.of(new SentinelConfig(sentinelAddresses, masterName,
        string("redis.sentinel.username", ""), string("redis.sentinel.password", "")));
    }
    int db = integer("redis.db", 0);
    if (db < 0) {
      throw new ConfigException("redis.db: must be >= 0, got " + db);
    }
    Duration defaultTtl = positive("redis.defaultTimeOut", duration("redis.defaultTimeOut", Duration.ofSeconds(30)));
    Duration commandTimeout = positive("redis.commandTimeout", duration("redis.commandTimeout", Duration.ofSeconds(2)));
    int maxPoolSize = integer("redis.maxPoolSize", 16);
    int maxPoolWaiting = integer("redis.maxPoolWaiting", 4096);
    if (maxPoolSize < 1 || maxPoolWaiting < maxPoolSize) {
      throw new ConfigException("redis.maxPoolSize must be >= 1 and redis.maxPoolWaiting >= redis.maxPoolSize");
    }
    int minReplicasToAck = integer("redis.minReplicasToAck", 0);
    if (minReplicasToAck < 0) {
      throw new ConfigException("redis.minReplicasToAck: must be >= 0, got " + minReplicasToAck);
    }
    Duration replicaAckTimeout = positive("redis.replicaAckTimeout",
      duration("redis.replicaAckTimeout", Duration.ofMillis(500)));
    return new RedisConfig(server, string("redis.userName", ""), string("redis.password", ""), db,
      string("redis.prefix", "isp-lock-service"), defaultTtl, commandTimeout, sentinel, maxPoolSize, maxPoolWaiting,
      minReplicasToAck, replicaAckTimeout);
  }

  private LockLimits lock() {
    int maxKeyLength = integer("lock.maxKeyLength", 1024);
    if (maxKeyLength < 1) {
      throw new ConfigException("lock.maxKeyLength: must be >= 1, got " + maxKeyLength);
    }
    Duration maxTtl = positive("lock.maxTtl", duration("lock.maxTtl", Duration.ofSeconds(86400)));
    Duration maxWait = duration("lock.maxWaitTimeout", Duration.ofSeconds(300));
    Duration defaultWait = duration("lock.defaultWaitTimeout", Duration.ofSeconds(5));
    if (defaultWait.compareTo(maxWait) > 0) {
      throw new ConfigException("lock.defaultWaitTimeout: must not exceed lock.maxWaitTimeout");
    }
    return new LockLimits(maxKeyLength, maxTtl, maxWait, defaultWait);
  }

  private static Duration positive(String key, Duration value) {
    if (value.isZero()) {
      throw new ConfigException(key + ": must be greater than zero");
    }
    return value;
  }

  /** The value at a dotted path, or null. A JSON null and an absent key read the same. */
  private Object value(String dottedKey) {
    Object node = root;
    for (String part : dottedKey.split("\\.")) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(part);
    }
    return node;
  }

  private Optional<String> optionalString(String key) {
    Object v = value(key);
    if (v instanceof JsonObject || v instanceof JsonArray) {
      throw new ConfigException(key + ": must be a string");
    }
    return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString().trim());
  }

  private String string(String key, String defaultValue) {
    return optionalString(key).orElse(defaultValue);
  }

  private boolean bool(String key, boolean defaultValue) {
    Object v = value(key);
    if (v == null || v.toString().isBlank()) {
      return defaultValue;
    }
    return switch (v.toString().trim().toLowerCase()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key + ": '" + v + "' is not true or false");
    };
  }

  private int integer(String key, int defaultValue) {
    Object v = value(key);
    if (v == null || v.toString().isBlank()) {
      return defaultValue;
    }
    try {
      return v instanceof Number n && n.doubleValue() == n.intValue() ? n.intValue() : Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": '" + v + "' is not an integer");
    }
  }

  private Duration duration(String key, Duration defaultValue) {
    Object v = value(key);
    return v == null || v.toString().isBlank() ? defaultValue : Durations.parse(key, v);
  }

  /** A YAML list, or a comma-separated string (environment variables, system properties). */
  private List<String> list(String key) {
    Object v = value(key);
    List<String> items = new ArrayList<>();
    if (v instanceof JsonArray array) {
      array.forEach(item -> items.add(String.valueOf(item).trim()));
    } else if (v != null) {
      if (v instanceof JsonObject) {
        throw new ConfigException(key + ": must be a list");
      }
      items.addAll(Arrays.asList(v.toString().split(",")));
    }
    items.replaceAll(String::trim);
    items.removeIf(String::isEmpty);
    return items;
  }
}
