package io.isp.lock.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Config keys are declared once, in ConfigKey, and everything else follows from that")
class ConfigKeyTest {

  @Test
  @DisplayName("every ConfigKey constant is in the registry, under a unique name and environment variable")
  void registry() throws Exception {
    List<ConfigKey<?>> constants = new ArrayList<>();
    for (Field field : ConfigKey.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigKey.class) {
        constants.add((ConfigKey<?>) field.get(null));
      }
    }
    assertThat(ConfigKey.all()).containsExactlyElementsOf(constants);
    Set<String> names = new HashSet<>();
    Set<String> envNames = new HashSet<>();
    for (ConfigKey<?> key : ConfigKey.all()) {
      assertThat(names.add(key.name())).as("duplicate key %s", key).isTrue();
      assertThat(envNames.add(ConfigLoader.envName(key.name()))).as("duplicate env name for %s", key).isTrue();
    }
  }

  @Test
  @DisplayName("ConfigReader reads every declared key (and can read no other: it only sees declared keys' values)")
  void everyDeclaredKeyIsRead() {
    JsonObject json = new JsonObject().put("redis", new JsonObject().put("server", "h:1"));
    Set<String> read = ConfigReader.keysRead(json).stream().map(ConfigKey::name).collect(Collectors.toSet());
    assertThat(read).containsExactlyInAnyOrderElementsOf(ConfigKey.all().stream().map(ConfigKey::name).toList());
  }

  @Test
  @DisplayName("every declared key can be set from the environment, and lands on its dotted place")
  void everyKeyFromTheEnvironment() {
    for (ConfigKey<?> key : ConfigKey.all()) {
      JsonObject folded = ConfigLoader.foldEnvironment(new JsonObject().put(ConfigLoader.envName(key.name()), "text"));
      JsonObject node = folded;
      String[] path = key.name().split("\\.");
      for (int i = 0; i < path.length - 1; i++) {
        node = node.getJsonObject(path[i]);
      }
      assertThat(node.getValue(path[path.length - 1])).as(key.name()).isEqualTo("text");
    }
  }
}
