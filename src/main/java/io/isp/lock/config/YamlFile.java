package io.isp.lock.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads the YAML config file into JSON, as vertx-config's {@code yaml} format does, with one
 * difference: an unquoted date ({@code 2024-01-01}) keeps its text instead of becoming a timestamp
 * string ({@code 2024-01-01T00:00:00Z}), which a string key could not tell from what the user wrote.
 * Numbers and booleans stay YAML 1.1's ({@code 0123} is octal 83, {@code off} is false): a string key
 * refuses them and asks for quotes ({@link ConfigReader}).
 */
final class YamlFile {

  private YamlFile() {
  }

  /** Reads and parses on a worker thread: file reads and parsing must not block an event loop. */
  static Future<JsonObject> read(Vertx vertx, Path file) {
    return vertx.fileSystem().readFile(file.toString())
      .compose(buffer -> vertx.executeBlocking(() -> parse(buffer.toString(StandardCharsets.UTF_8))));
  }

  static JsonObject parse(String text) {
    Object document = new Yaml(new DatesAsText()).load(text);
    if (document == null) {
      return new JsonObject();
    }
    if (!(document instanceof Map)) {
      throw new IllegalArgumentException("the top level must be a mapping of keys to values");
    }
    return (JsonObject) toJson(document);
  }

  private static Object toJson(Object node) {
    if (node instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((key, value) -> object.put(String.valueOf(key), toJson(value)));
      return object;
    }
    if (node instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(item -> array.add(toJson(item)));
      return array;
    }
    return node;
  }

  private static final class DatesAsText extends SafeConstructor {

    DatesAsText() {
      super(new LoaderOptions());
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }
  }
}
