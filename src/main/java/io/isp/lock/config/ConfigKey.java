package io.isp.lock.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One configuration key: its dotted name, its default and how its value is parsed. Every key is
 * declared here, once, and nowhere else: {@link ConfigLoader} derives the environment variable names
 * from {@link #all()}, and {@link ConfigReader} sees only the values of declared keys
 * ({@link ConfigValues}). So a key declared here is read from the file, system properties and the
 * environment alike, and a key that is not cannot be read at all (the constructor is private).
 *
 * <p>An absent key, a YAML null and blank text (e.g. {@code REDIS_SERVER=}) read as the default,
 * except for {@code redis.prefix}, which refuses blank.
 */
public final class ConfigKey<T> {

  // Must stay above the declarations: each one adds itself to it as the class initializes.
  private static final List<ConfigKey<?>> ALL = new ArrayList<>();

  static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "warning", "error", "off");

  public static final ConfigKey<String> LOG_LEVEL = key("logLevel", "info", ConfigValues.oneOf(LOG_LEVELS));
  /** One line per record: {@code text} for people, {@code json} (one object per line) for log collectors. */
  public static final ConfigKey<LogConfig.Format> LOG_FORMAT =
    key("log.format", LogConfig.Format.TEXT, ConfigValues.oneOf(LogConfig.Format.class));
  /** One info line per HTTP request on the logger {@code access}. */
  public static final ConfigKey<Boolean> LOG_ACCESS = key("log.access", false, ConfigValues::bool);

  public static final ConfigKey<String> HTTP_HOST = key("http.host", "0.0.0.0", ConfigValues::string);
  public static final ConfigKey<Integer> HTTP_PORT = key("http.port", 8080, ConfigValues.integer(0, 65535));
  public static final ConfigKey<List<String>> HTTP_TOKENS = key("http.tokens", List.of(), ConfigValues::list);
  /** Tokens that may also force-unlock; empty: nobody may. */
  public static final ConfigKey<List<String>> HTTP_ADMIN_TOKENS = key("http.adminTokens", List.of(), ConfigValues::list);
  /** A file of tokens, one a line, instead of {@code http.tokens} ({@link SecretFiles}). */
  public static final ConfigKey<Optional<String>> HTTP_TOKENS_FILE =
    key("http.tokensFile", Optional.empty(), ConfigValues::optionalString);
  /** A file of admin tokens, one a line, instead of {@code http.adminTokens}. */
  public static final ConfigKey<Optional<String>> HTTP_ADMIN_TOKENS_FILE =
    key("http.adminTokensFile", Optional.empty(), ConfigValues::optionalString);
  public static final ConfigKey<Duration> HTTP_SHUTDOWN_TIMEOUT =
    key("http.shutdownTimeout", Duration.ofSeconds(10), ConfigValues::duration);
  public static final ConfigKey<Duration> HTTP_IDLE_TIMEOUT =
    key("http.idleTimeout", Duration.ofSeconds(30), ConfigValues::positiveDuration);
  /** 0: derived from the file-descriptor limit ({@link HttpConfig#defaultMaxConnections}). */
  public static final ConfigKey<Integer> HTTP_MAX_CONNECTIONS =
    key("http.maxConnections", 0, ConfigValues.integer(0, Integer.MAX_VALUE));
  /** PEM certificate (or chain) and key: set both and {@code http.port} speaks HTTPS only. */
  public static final ConfigKey<Optional<String>> HTTP_TLS_CERT_PATH =
    key("http.tls.certPath", Optional.empty(), ConfigValues::optionalString);
  public static final ConfigKey<Optional<String>> HTTP_TLS_KEY_PATH =
    key("http.tls.keyPath", Optional.empty(), ConfigValues::optionalString);
  /** PEM CA(s): clients must present a certificate signed by one (mutual TLS). */
  public static final ConfigKey<Optional<String>> HTTP_TLS_CLIENT_CA_PATH =
    key("http.tls.clientCaPath", Optional.empty(), ConfigValues::optionalString);

  /**
   * Set: {@code /health/*} and {@code /metrics} move to this port of {@code http.host}, on every node,
   * and {@code http.port} serves only the API. Unset: they are on {@code http.port}.
   */
  public static final ConfigKey<Optional<Integer>> MANAGEMENT_PORT =
    key("management.port", Optional.empty(), ConfigValues.optionalInteger(1, 65535));
  /** {@code GET /metrics} and Vert.x's metrics; false: neither (404, and no metrics SPI in Vert.x). */
  public static final ConfigKey<Boolean> METRICS_ENABLED = key("metrics.enabled", true, ConfigValues::bool);

  /** A private redis-server for this process ({@code --dev}); redis.server, redis.sentinel and redis.cluster are ignored. */
  public static final ConfigKey<Boolean> REDIS_EMBEDDED = key("redis.embedded", false, ConfigValues::bool);
  public static final ConfigKey<Optional<String>> REDIS_SERVER =
    key("redis.server", Optional.empty(), ConfigValues::optionalString);
  public static final ConfigKey<String> REDIS_USER_NAME = key("redis.userName", "", ConfigValues::string);
  public static final ConfigKey<String> REDIS_PASSWORD = key("redis.password", "", ConfigValues::secret);
  /** A file holding {@code redis.password} (a mounted secret); trailing line breaks are dropped. */
  public static final ConfigKey<Optional<String>> REDIS_PASSWORD_FILE =
    key("redis.passwordFile", Optional.empty(), ConfigValues::optionalString);
  public static final ConfigKey<Integer> REDIS_DB = key("redis.db", 0, ConfigValues.integer(0, Integer.MAX_VALUE));
  public static final ConfigKey<String> REDIS_PREFIX =
    new ConfigKey<>("redis.prefix", "isp-lock-service", ConfigValues::prefix, false);
  public static final ConfigKey<Duration> REDIS_DEFAULT_TIMEOUT =
    key("redis.defaultTimeOut", Duration.ofSeconds(30), ConfigValues::positiveDuration);
  public static final ConfigKey<Duration> REDIS_COMMAND_TIMEOUT =
    key("redis.commandTimeout", Duration.ofSeconds(2), ConfigValues::positiveDuration);
  public static final ConfigKey<Integer> REDIS_MAX_POOL_SIZE =
    key("redis.maxPoolSize", 16, ConfigValues.integer(1, Integer.MAX_VALUE));
  public static final ConfigKey<Integer> REDIS_MAX_POOL_WAITING =
    key("redis.maxPoolWaiting", 4096, ConfigValues.integer(1, Integer.MAX_VALUE));
  public static final ConfigKey<Integer> REDIS_MIN_REPLICAS_TO_ACK =
    key("redis.minReplicasToAck", 0, ConfigValues.integer(0, Integer.MAX_VALUE));
  public static final ConfigKey<Duration> REDIS_REPLICA_ACK_TIMEOUT =
    key("redis.replicaAckTimeout", Duration.ofMillis(500), ConfigValues::positiveDuration);
  public static final ConfigKey<List<String>> REDIS_SENTINEL_ADDRESSES =
    key("redis.sentinel.addresses", List.of(), ConfigValues::list);
  public static final ConfigKey<Optional<String>> REDIS_SENTINEL_MASTER_NAME =
    key("redis.sentinel.masterName", Optional.empty(), ConfigValues::optionalString);
  public static final ConfigKey<String> REDIS_SENTINEL_USERNAME = key("redis.sentinel.username", "", ConfigValues::string);
  public static final ConfigKey<String> REDIS_SENTINEL_PASSWORD = key("redis.sentinel.password", "", ConfigValues::secret);
  public static final ConfigKey<Optional<String>> REDIS_SENTINEL_PASSWORD_FILE =
    key("redis.sentinel.passwordFile", Optional.empty(), ConfigValues::optionalString);
  /** Seed nodes of a Redis Cluster ({@code host:port}, comma-separated in the environment): selects cluster mode. */
  public static final ConfigKey<List<String>> REDIS_CLUSTER_NODES =
    key("redis.cluster.nodes", List.of(), ConfigValues::list);
  /** TLS to Redis and the Sentinels; a rediss:// address turns it on too. */
  public static final ConfigKey<Boolean> REDIS_TLS_ENABLED = key("redis.tls.enabled", false, ConfigValues::bool);
  /** PEM CA(s) Redis's certificate must chain to; absent: the JVM's default trust. */
  public static final ConfigKey<Optional<String>> REDIS_TLS_CA_PATH =
    key("redis.tls.caPath", Optional.empty(), ConfigValues::optionalString);
  public static final ConfigKey<Optional<String>> REDIS_TLS_CERT_PATH =
    key("redis.tls.certPath", Optional.empty(), ConfigValues::optionalString);
  public static final ConfigKey<Optional<String>> REDIS_TLS_KEY_PATH =
    key("redis.tls.keyPath", Optional.empty(), ConfigValues::optionalString);
  public static final ConfigKey<Boolean> REDIS_TLS_VERIFY_HOSTNAME = key("redis.tls.verifyHostname", true, ConfigValues::bool);

  public static final ConfigKey<Integer> LOCK_MAX_KEY_LENGTH =
    key("lock.maxKeyLength", 1024, ConfigValues.integer(1, Integer.MAX_VALUE));
  public static final ConfigKey<Duration> LOCK_MAX_TTL =
    key("lock.maxTtl", Duration.ofSeconds(86400), ConfigValues::positiveDuration);
  public static final ConfigKey<Duration> LOCK_MAX_WAIT_TIMEOUT =
    key("lock.maxWaitTimeout", Duration.ofSeconds(300), ConfigValues::duration);
  public static final ConfigKey<Duration> LOCK_DEFAULT_WAIT_TIMEOUT =
    key("lock.defaultWaitTimeout", Duration.ofSeconds(5), ConfigValues::duration);

  /**
   * A WebSocket session whose peer has sent nothing (no frame, no pong) for this long is over: its
   * locks are released, its waiting calls cancelled, its connection closed.
   */
  public static final ConfigKey<Duration> SESSION_IDLE_TIMEOUT =
    key("session.idleTimeout", Duration.ofSeconds(3), ConfigValues::positiveDuration);
  /** How often the server pings a session's peer; must be below {@code session.idleTimeout}. */
  public static final ConfigKey<Duration> SESSION_PING_INTERVAL =
    key("session.pingInterval", Duration.ofSeconds(1), ConfigValues::positiveDuration);

  public static final ConfigKey<Boolean> CLUSTER_ENABLED = key("cluster.enabled", false, ConfigValues::bool);
  public static final ConfigKey<String> CLUSTER_HOST = key("cluster.host", "127.0.0.1", ConfigValues::string);
  public static final ConfigKey<Integer> CLUSTER_PORT = key("cluster.port", 5701, ConfigValues.integer(1, 65535));
  /** The event bus's TCP port; 0: a free one, chosen at start (cannot be opened in a firewall beforehand). */
  public static final ConfigKey<Integer> CLUSTER_EVENT_BUS_PORT =
    key("cluster.eventBusPort", 0, ConfigValues.integer(0, 65535));
  /** The address other members reach this one by, when it is not cluster.host (NAT, a container's host port). */
  public static final ConfigKey<Optional<String>> CLUSTER_PUBLIC_HOST =
    key("cluster.publicHost", Optional.empty(), ConfigValues::optionalString);
  public static final ConfigKey<List<String>> CLUSTER_MEMBERS = key("cluster.members", List.of(), ConfigValues::list);
  public static final ConfigKey<String> CLUSTER_CONFIG_FILE =
    key("cluster.configFile", "conf/hazelcast.xml", ConfigValues::string);

  public static final ConfigKey<Boolean> DEPLOY_HTTP = key("deploy.http", true, ConfigValues::bool);
  public static final ConfigKey<Boolean> DEPLOY_LOCK = key("deploy.lock", true, ConfigValues::bool);
  public static final ConfigKey<Integer> DEPLOY_EVENT_LOOPS = key("deploy.eventLoops", 0, ConfigValues.integer(0, 1024));

  private final String name;
  private final T defaultValue;
  private final ConfigValues.Parser<T> parser;
  private final boolean blankIsDefault;

  private ConfigKey(String name, T defaultValue, ConfigValues.Parser<T> parser, boolean blankIsDefault) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.parser = parser;
    this.blankIsDefault = blankIsDefault;
    ALL.add(this);
  }

  private static <T> ConfigKey<T> key(String name, T defaultValue, ConfigValues.Parser<T> parser) {
    return new ConfigKey<>(name, defaultValue, parser, true);
  }

  /** Every declared key, in declaration order. */
  public static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** The dotted name: the YAML path and the system property; the environment variable is derived from it. */
  public String name() {
    return name;
  }

  public T defaultValue() {
    return defaultValue;
  }

  /** {@code raw} as found in the merged configuration (null when absent); throws {@link ConfigException}. */
  T parse(Object raw) {
    if (raw == null || blankIsDefault && raw instanceof String text && text.isBlank()) {
      return defaultValue;
    }
    return parser.parse(name, raw);
  }

  @Override
  public String toString() {
    return name;
  }
}
