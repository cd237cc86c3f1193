package io.isp.lock.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loads configuration with vertx-config: the YAML file, then JVM system properties named by the
 * dotted key ({@code -Dredis.server=h:p}), then environment variables named by the key with dots
 * turned into underscores, upper case ({@code REDIS_SERVER}). Later sources win.
 */
public final class ConfigLoader {

  /** Every key a user can set; the environment variable for each is derived from it. */
  public static final List<String> KEYS = List.of(
    "logLevel",
    "http.host", "http.port", "http.tokens", "http.shutdownTimeout", "http.idleTimeout", "http.maxConnections",
    "redis.server", "redis.userName", "redis.password", "redis.db", "redis.prefix",
    "redis.defaultTimeOut", "redis.commandTimeout", "redis.maxPoolSize", "redis.maxPoolWaiting",
    "redis.minReplicasToAck", "redis.replicaAckTimeout",
    "redis.sentinel.addresses", "redis.sentinel.masterName", "redis.sentinel.username", "redis.sentinel.password",
    "lock.maxKeyLength", "lock.maxTtl", "lock.maxWaitTimeout", "lock.defaultWaitTimeout",
    "cluster.enabled", "cluster.host", "cluster.port", "cluster.members", "cluster.configFile",
    "deploy.http", "deploy.lock", "deploy.eventLoops");

  private ConfigLoader() {
  }

  public static String envName(String dottedKey) {
    return dottedKey.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** Loads and validates; fails with a {@link ConfigException} naming the key at fault. */
  public static Future<ServiceConfig> load(Vertx vertx, Path file) {
    if (!Files.isReadable(file)) {
      return Future.failedFuture(new ConfigException("config file " + file + " does not exist or is not readable"));
    }
    JsonArray envNames = new JsonArray();
    KEYS.forEach(key -> envNames.add(envName(key)));
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .setScanPeriod(0)
      .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
        .setConfig(new JsonObject().put("path", file.toString())))
      .addStore(new ConfigStoreOptions().setType("sys")
        .setConfig(new JsonObject().put("hierarchical", true)))
      .addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("raw-data", true).put("keys", envNames)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .eventually(retriever::close)
      .recover(e -> Future.failedFuture(new ConfigException("cannot read " + file + ": " + e.getMessage())))
      .map(ConfigLoader::foldEnvironment)
      .map(ConfigReader::read);
  }

  /** Moves each {@code REDIS_SERVER}-style entry to its dotted place, overriding what is there. */
  static JsonObject foldEnvironment(JsonObject merged) {
    for (String key : KEYS) {
      Object value = merged.remove(envName(key));
      if (value == null) {
        continue;
      }
      String[] path = key.split("\\.");
      JsonObject node = merged;
      for (int i = 0; i < path.length - 1; i++) {
        if (!(node.getValue(path[i]) instanceof JsonObject)) {
          node.put(path[i], new JsonObject());
        }
        node = node.getJsonObject(path[i]);
      }
      node.put(path[path.length - 1], value);
    }
    return merged;
  }
}
