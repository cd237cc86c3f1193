package io.isp.lock.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
    return new HttpConfig(string("http.host", "0.0.0.0"), port, list("http.tokens"),
      duration("http.shutdownTimeout", Duration.ofSeconds(10)));
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
      prefix(), defaultTtl, commandTimeout, sentinel, maxPoolSize, maxPoolWaiting,
      minReplicasToAck, replicaAckTimeout);
  }

  /**
   * Two deployments sharing a Redis must not share a key: prefix P keeps its locks at {@code P::K} and
   * its internal keys at {@code P:fence...}. A lock key's prefix is the text before its first
   * {@code ::}, and only P itself contains {@code :fence} right after P, hence the three rules
   * (README, "Redis layout").
   */
  private String prefix() {
    Object v = value("redis.prefix");
    if (v == null) {
      return "isp-lock-service";
    }
    String prefix = optionalString("redis.prefix").orElse("");
    if (prefix.isEmpty() || prefix.endsWith(":") || prefix.contains("::") || prefix.contains(":fence")) {
      throw new ConfigException("redis.prefix: '" + v + "' is not allowed: a prefix must be non-empty, must not end"
        + " with ':', must not contain '::' and must not contain ':fence', so that no Redis key of one deployment"
        + " can equal a key of another");
    }
    return prefix;
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
    if (v != null && !(v instanceof String)) {
      throw notAString(key, v);
    }
    return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString().trim());
  }

  /**
   * YAML 1.1 reads some unquoted scalars as other types: {@code 0123} as the octal number 83,
   * {@code off}/{@code yes} as booleans, {@code 2001-12-14} as a date. Their text is lost by then, so a
   * string key refuses them rather than guess it.
   */
  static ConfigException notAString(String key, Object v) {
    String what = v instanceof Boolean ? "the boolean " + v + " (YAML reads unquoted yes/no/on/off/true/false that way)"
      : v instanceof Number ? "the number " + v + " (YAML reads unquoted 0123 as octal 83, 1e5 as 100000.0)"
      : "a " + v.getClass().getSimpleName() + " " + v + " (YAML reads unquoted dates that way)";
    return new ConfigException(key + ": must be a string, but the YAML file gives " + what
      + "; quote the value in the YAML file, e.g. \"0123\" or \"off\"");
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
      for (Object item : array) {
        if (item != null && !(item instanceof String)) {
          throw notAString(key, item);
        }
        items.add(String.valueOf(item).trim());
      }
    } else if (v != null) {
      if (v instanceof JsonObject) {
        throw new ConfigException(key + ": must be a list");
      }
      if (!(v instanceof String)) {
        throw notAString(key, v);
      }
      items.addAll(Arrays.asList(v.toString().split(",")));
    }
    items.replaceAll(String::trim);
    items.removeIf(String::isEmpty);
    return items;
  }
}
