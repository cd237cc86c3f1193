package io.isp.lock.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.isp.lock.config.ConfigKey.*;

/**
 * Turns the merged configuration JSON into a validated {@link ServiceConfig}. Each key is declared,
 * with its default and the checks on its own value, in {@link ConfigKey}; this class reads them and
 * checks how they go together. Every failure names the dotted key.
 */
public final class ConfigReader {

  private final ConfigValues values;

  private ConfigReader(ConfigValues values) {
    this.values = values;
  }

  public static ServiceConfig read(JsonObject json) {
    return new ConfigReader(new ConfigValues(json)).serviceConfig();
  }

  /** The keys that reading {@code json} looked at: a test checks that no declared key is left unread. */
  static Set<ConfigKey<?>> keysRead(JsonObject json) {
    ConfigValues values = new ConfigValues(json);
    new ConfigReader(values).serviceConfig();
    return values.keysRead();
  }

  private <T> T get(ConfigKey<T> key) {
    return values.get(key);
  }

  private ServiceConfig serviceConfig() {
    int eventLoops = get(DEPLOY_EVENT_LOOPS);
    DeployConfig deploy = new DeployConfig(get(DEPLOY_HTTP), get(DEPLOY_LOCK),
      eventLoops > 0 ? eventLoops : DeployConfig.defaultEventLoops(Runtime.getRuntime().availableProcessors()));
    if (!deploy.http() && !deploy.lock()) {
      throw new ConfigException("deploy.http and deploy.lock are both false: this node would do nothing");
    }
    String clusterHost = get(CLUSTER_HOST);
    ClusterConfig cluster = new ClusterConfig(get(CLUSTER_ENABLED), clusterHost, get(CLUSTER_PORT),
      get(CLUSTER_MEMBERS), Path.of(get(CLUSTER_CONFIG_FILE)), get(CLUSTER_EVENT_BUS_PORT),
      get(CLUSTER_PUBLIC_HOST).orElse(clusterHost));
    if (!cluster.enabled() && !deploy.lock()) {
      throw new ConfigException("deploy.lock: false needs cluster.enabled: true (an edge node forwards to lock nodes)");
    }
    HttpConfig http = http();
    return new ServiceConfig(get(LOG_LEVEL), http, redis(deploy.lock()), lock(), session(), cluster, deploy,
      new LogConfig(get(LOG_FORMAT), get(LOG_ACCESS)), management(http, deploy), EffectiveConfig.of(values));
  }

  /** With the API served too, the management port must be a port of its own: both servers listen on http.host. */
  private ManagementConfig management(HttpConfig http, DeployConfig deploy) {
    Optional<Integer> port = get(MANAGEMENT_PORT);
    if (deploy.http() && port.isPresent() && port.get() == http.port()) {
      throw new ConfigException("management.port: must differ from http.port (" + http.port()
        + "); unset it to serve /health/* and /metrics on http.port");
    }
    return new ManagementConfig(port, get(METRICS_ENABLED));
  }

  private HttpConfig http() {
    int maxConnections = get(HTTP_MAX_CONNECTIONS);
    return new HttpConfig(get(HTTP_HOST), get(HTTP_PORT), tokens(HTTP_TOKENS, HTTP_TOKENS_FILE),
      get(HTTP_SHUTDOWN_TIMEOUT), get(HTTP_IDLE_TIMEOUT),
      maxConnections > 0 ? maxConnections : HttpConfig.defaultMaxConnections(HttpConfig.fileDescriptorLimit()),
      tokens(HTTP_ADMIN_TOKENS, HTTP_ADMIN_TOKENS_FILE), HttpTls.from(get(HTTP_TLS_CERT_PATH), get(HTTP_TLS_KEY_PATH), get(HTTP_TLS_CLIENT_CA_PATH)));
  }

  /**
   * Without the lock role a node never talks to Redis, so it needs no Redis address; with
   * {@code redis.embedded} the process starts its own (io.isp.lock.dev.EmbeddedRedis), which replaces
   * whatever redis.server and redis.sentinel say.
   */
  private RedisConfig redis(boolean lockRole) {
    boolean embedded = get(REDIS_EMBEDDED);
    Optional<String> server = get(REDIS_SERVER);
    List<String> sentinelAddresses = get(REDIS_SENTINEL_ADDRESSES);
    List<String> clusterNodes = get(REDIS_CLUSTER_NODES);
    List<String> topologies = new ArrayList<>();
    server.ifPresent(set -> topologies.add("redis.server"));
    if (!sentinelAddresses.isEmpty()) {
      topologies.add("redis.sentinel.addresses");
    }
    if (!clusterNodes.isEmpty()) {
      topologies.add("redis.cluster.nodes");
    }
    if (lockRole && !embedded && topologies.size() != 1) {
      throw new ConfigException("exactly one of redis.server, redis.sentinel.addresses and redis.cluster.nodes must be set"
        + (topologies.isEmpty() ? ", but none is" : ", but " + String.join(" and ", topologies) + " are"));
    }
    int db = get(REDIS_DB);
    String prefix = get(REDIS_PREFIX);
    if (lockRole && !clusterNodes.isEmpty() && !embedded) {
      clusterChecks(db, prefix);
    }
    Optional<String> masterName = get(REDIS_SENTINEL_MASTER_NAME);
    String sentinelUser = get(REDIS_SENTINEL_USERNAME);
    // an edge node never talks to Redis, and --dev replaces it: neither needs the secret mounted
    boolean usesRedis = lockRole && !embedded;
    String sentinelPassword = password(REDIS_SENTINEL_PASSWORD, REDIS_SENTINEL_PASSWORD_FILE, usesRedis);
    Optional<SentinelConfig> sentinel = Optional.empty();
    if (!sentinelAddresses.isEmpty()) {
      if (masterName.isEmpty() && !embedded) {
        throw new ConfigException("redis.sentinel.masterName: required when redis.sentinel.addresses is set");
      }
      sentinel = Optional.of(new SentinelConfig(sentinelAddresses, masterName.orElse(""), sentinelUser, sentinelPassword));
    }
    int maxPoolSize = get(REDIS_MAX_POOL_SIZE);
    int maxPoolWaiting = get(REDIS_MAX_POOL_WAITING);
    if (maxPoolWaiting < maxPoolSize) {
      throw new ConfigException("redis.maxPoolSize must be >= 1 and redis.maxPoolWaiting >= redis.maxPoolSize");
    }
    List<String> tlsAddresses = new ArrayList<>(sentinelAddresses);
    tlsAddresses.addAll(clusterNodes);
    server.ifPresent(tlsAddresses::add);
    return new RedisConfig(server, get(REDIS_USER_NAME), password(REDIS_PASSWORD, REDIS_PASSWORD_FILE, usesRedis), db, prefix,
      get(REDIS_DEFAULT_TIMEOUT), get(REDIS_COMMAND_TIMEOUT), sentinel, maxPoolSize, maxPoolWaiting,
      get(REDIS_MIN_REPLICAS_TO_ACK), get(REDIS_REPLICA_ACK_TIMEOUT), embedded, redisTls(tlsAddresses), clusterNodes);
  }

  /**
   * A cluster has only database 0. A prefix with a brace would put its own hash tag in every key,
   * where the internal keys need theirs (see io.isp.lock.redis.HashSlots): refused rather than half working.
   */
  private static void clusterChecks(int db, String prefix) {
    if (db != 0) {
      throw new ConfigException("redis.db: a Redis Cluster has only database 0, but " + db + " is set with redis.cluster.nodes");
    }
    if (prefix.contains("{") || prefix.contains("}")) {
      throw new ConfigException("redis.prefix: may not contain '{' or '}' with redis.cluster.nodes (the service puts"
        + " its own hash tags in its keys)");
    }
  }

  /**
   * A password given inline ({@code valueKey}) or by a file ({@code fileKey}), not both: which one
   * wins would be a guess. The file is read here, so this runs off the event loops
   * ({@link ConfigLoader} calls {@link #read} on a worker thread); only when {@code needed}, so that
   * a node which never uses the password needs no file mounted.
   */
  private String password(ConfigKey<String> valueKey, ConfigKey<Optional<String>> fileKey, boolean needed) {
    String value = get(valueKey);
    Optional<String> file = get(fileKey);
    if (file.isEmpty()) {
      return value;
    }
    if (!value.isEmpty()) {
      throw bothSet(valueKey, fileKey);
    }
    return needed ? SecretFiles.password(fileKey.name(), file.get()) : "";
  }

  /** As {@link #password}, for a list of tokens: inline, or a file of one token a line. */
  private List<String> tokens(ConfigKey<List<String>> valueKey, ConfigKey<Optional<String>> fileKey) {
    List<String> value = get(valueKey);
    Optional<String> file = get(fileKey);
    if (file.isEmpty()) {
      return value;
    }
    if (!value.isEmpty()) {
      throw bothSet(valueKey, fileKey);
    }
    return SecretFiles.tokens(fileKey.name(), file.get());
  }

  private static ConfigException bothSet(ConfigKey<?> valueKey, ConfigKey<?> fileKey) {
    return new ConfigException(valueKey + " and " + fileKey + " are both set: give the secret one way only");
  }

  private RedisTls redisTls(List<String> addresses) {
    return RedisTls.from(get(REDIS_TLS_ENABLED), addresses, get(REDIS_TLS_CA_PATH), get(REDIS_TLS_CERT_PATH),
      get(REDIS_TLS_KEY_PATH), get(REDIS_TLS_VERIFY_HOSTNAME));
  }

  /** A session must be pinged at least once before it can be found silent, or a live peer would be cut. */
  private SessionConfig session() {
    Duration idleTimeout = get(SESSION_IDLE_TIMEOUT);
    Duration pingInterval = get(SESSION_PING_INTERVAL);
    if (pingInterval.compareTo(idleTimeout) >= 0) {
      throw new ConfigException("session.pingInterval (" + pingInterval.toMillis() + " ms) must be shorter than session.idleTimeout ("
        + idleTimeout.toMillis() + " ms): a live peer answers pings, and must be pinged before it counts as silent");
    }
    return new SessionConfig(idleTimeout, pingInterval);
  }

  private LockLimits lock() {
    Duration maxWait = get(LOCK_MAX_WAIT_TIMEOUT);
    Duration defaultWait = get(LOCK_DEFAULT_WAIT_TIMEOUT);
    if (defaultWait.compareTo(maxWait) > 0) {
      throw new ConfigException("lock.defaultWaitTimeout: must not exceed lock.maxWaitTimeout");
    }
    return new LockLimits(get(LOCK_MAX_KEY_LENGTH), get(LOCK_MAX_TTL), maxWait, defaultWait);
  }
}
