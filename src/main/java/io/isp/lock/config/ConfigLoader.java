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
import java.util.Locale;

/**
 * Loads configuration with vertx-config: the YAML file ({@link YamlFile}), then JVM system properties named by the
 * dotted key ({@code -Dredis.server=h:p}), then environment variables named by the key with dots
 * turned into underscores, upper case ({@code REDIS_SERVER}). Later sources win. The keys are those
 * declared in {@link ConfigKey}.
 */
public final class ConfigLoader {

  private ConfigLoader() {
  }

  public static String envName(String dottedKey) {
    return dottedKey.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** Loads and validates; fails with a {@link ConfigException} naming the key at fault. */
  public static Future<ServiceConfig> load(Vertx vertx, Path file) {
    return load(vertx, file, new JsonObject());
  }

  /**
   * As {@link #load(Vertx, Path)}, with {@code overrides} (from the command line, e.g. {@code --dev})
   * winning over every other source.
   */
  public static Future<ServiceConfig> load(Vertx vertx, Path file, JsonObject overrides) {
    if (!Files.isReadable(file)) {
      return Future.failedFuture(new ConfigException("config file " + file + " does not exist or is not readable"));
    }
    return YamlFile.read(vertx, file)
      .recover(e -> Future.failedFuture(new ConfigException("cannot read " + file + ": " + e.getMessage())))
      .compose(yaml -> merge(vertx, yaml))
      .map(ConfigLoader::foldEnvironment)
      .map(merged -> merged.mergeIn(overrides, true))
      // on a worker: reading validates, and reads the files the *File keys name
      .compose(merged -> vertx.executeBlocking(() -> ConfigReader.read(merged)))
      .compose(config -> TlsFiles.check(vertx, config));
  }

  /** The file's values, overridden by system properties, overridden by environment variables. */
  private static Future<JsonObject> merge(Vertx vertx, JsonObject yaml) {
    JsonArray envNames = new JsonArray();
    ConfigKey.all().forEach(key -> envNames.add(envName(key.name())));
    // raw-data: every value keeps its text (without it -Dredis.prefix=007 became the number 7)
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .setScanPeriod(0)
      .addStore(new ConfigStoreOptions().setType("json").setConfig(yaml))
      .addStore(new ConfigStoreOptions().setType("sys")
        .setConfig(new JsonObject().put("hierarchical", true).put("raw-data", true)))
      .addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("raw-data", true).put("keys", envNames)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .eventually(retriever::close)
      .recover(e -> Future.failedFuture(new ConfigException("cannot read the configuration: " + e.getMessage())));
  }

  /** Moves each {@code REDIS_SERVER}-style entry to its dotted place, overriding what is there. */
  static JsonObject foldEnvironment(JsonObject merged) {
    for (ConfigKey<?> key : ConfigKey.all()) {
      Object value = merged.remove(envName(key.name()));
      if (value == null) {
        continue;
      }
      String[] path = key.name().split("\\.");
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
