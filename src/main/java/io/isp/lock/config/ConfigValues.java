package io.isp.lock.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The raw values of the declared {@link ConfigKey}s, taken from the merged configuration JSON: all
 * that {@link ConfigReader} gets to see, so it cannot read a key that is not declared. Also how each
 * kind of value is parsed. Values arrive as YAML types, or as text from system properties and the
 * environment; every failure names the dotted key.
 */
final class ConfigValues {

  /** Parses a value that is present (not null, not blank text) for the key named {@code key}. */
  @FunctionalInterface
  interface Parser<T> {
    T parse(String key, Object value);
  }

  private final Map<ConfigKey<?>, Object> raw = new HashMap<>();
  private final Set<ConfigKey<?>> read = new HashSet<>();

  ConfigValues(JsonObject merged) {
    for (ConfigKey<?> key : ConfigKey.all()) {
      raw.put(key, valueAt(merged, key.name()));
    }
  }

  <T> T get(ConfigKey<T> key) {
    read.add(key);
    return key.parse(raw.get(key));
  }

  /** The value of {@code key} as {@link #get} gives it, without counting it as read (for {@link EffectiveConfig}). */
  Object peek(ConfigKey<?> key) {
    return key.parse(raw.get(key));
  }

  /** The keys {@link #get} was asked for so far. */
  Set<ConfigKey<?>> keysRead() {
    return Collections.unmodifiableSet(read);
  }

  /** The value at a dotted path, or null. A JSON null and an absent key read the same. */
  private static Object valueAt(JsonObject root, String dottedKey) {
    Object node = root;
    for (String part : dottedKey.split("\\.")) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(part);
    }
    return node;
  }

  static String string(String key, Object v) {
    return secret(key, v).trim();
  }

  /** Text taken exactly as given: a password may begin or end with spaces. */
  static String secret(String key, Object v) {
    if (v instanceof JsonObject || v instanceof JsonArray) {
      throw new ConfigException(key + ": must be a string");
    }
    if (!(v instanceof String text)) {
      throw notAString(key, v);
    }
    return text;
  }

  static Optional<String> optionalString(String key, Object v) {
    return Optional.of(string(key, v));
  }

  static ConfigValues.Parser<String> oneOf(Set<String> allowed) {
    return (key, v) -> {
      String value = string(key, v).toLowerCase(Locale.ROOT);
      if (!allowed.contains(value)) {
        throw new ConfigException(key + ": '" + value + "' is not one of " + allowed);
      }
      return value;
    };
  }

  /** One of an enum's constants, named in lower case ({@code json} for {@code JSON}). */
  static <E extends Enum<E>> Parser<E> oneOf(Class<E> type) {
    Map<String, E> byName = new TreeMap<>();
    for (E constant : type.getEnumConstants()) {
      byName.put(constant.name().toLowerCase(Locale.ROOT), constant);
    }
    Parser<String> names = oneOf(byName.keySet());
    return (key, v) -> byName.get(names.parse(key, v));
  }

  static Parser<Integer> integer(int min, int max) {
    return (key, v) -> {
      int value;
      try {
        value = v instanceof Number n && n.doubleValue() == n.intValue() ? n.intValue() : Integer.parseInt(v.toString().trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key + ": '" + v + "' is not an integer");
      }
      if (value < min || value > max) {
        throw new ConfigException(key + ": must be " + (max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max)
          + ", got " + value);
      }
      return value;
    };
  }

  /** An integer within min..max, or nothing: absent, null and blank read as empty (see {@link ConfigKey}). */
  static Parser<Optional<Integer>> optionalInteger(int min, int max) {
    Parser<Integer> integer = integer(min, max);
    return (key, v) -> Optional.of(integer.parse(key, v));
  }

  static boolean bool(String key, Object v) {
    return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key + ": '" + v + "' is not true or false");
    };
  }

  static Duration duration(String key, Object v) {
    return Durations.parse(key, v);
  }

  static Duration positiveDuration(String key, Object v) {
    Duration value = Durations.parse(key, v);
    if (value.isZero()) {
      throw new ConfigException(key + ": must be greater than zero");
    }
    return value;
  }

  /** A YAML list of strings, or a comma-separated string (environment variables, system properties). */
  static List<String> list(String key, Object v) {
    List<String> items = new ArrayList<>();
    if (v instanceof JsonArray array) {
      for (Object item : array) {
        if (item != null && !(item instanceof String)) {
          throw notAString(key, item);
        }
        items.add(String.valueOf(item));
      }
    } else {
      items.addAll(Arrays.asList(string(key, v).split(",")));
    }
    items.replaceAll(String::trim);
    items.removeIf(String::isEmpty);
    return List.copyOf(items);
  }

  /**
   * Two deployments sharing a Redis must not share a key: prefix P keeps its locks at {@code P::K} and
   * its internal keys at {@code P:fence...}. A lock key's prefix is the text before its first
   * {@code ::}, and only P itself contains {@code :fence} right after P, hence the three rules
   * (README, "Prefixes that cannot collide"). Blank is refused rather than read as "unset".
   */
  static String prefix(String key, Object v) {
    String prefix = string(key, v);
    if (prefix.isEmpty() || prefix.endsWith(":") || prefix.contains("::") || prefix.contains(":fence")) {
      throw new ConfigException(key + ": '" + v + "' is not allowed: a prefix must be non-empty, must not end"
        + " with ':', must not contain '::' and must not contain ':fence', so that no Redis key of one deployment"
        + " can equal a key of another");
    }
    return prefix;
  }

  /**
   * YAML 1.1 reads some unquoted scalars as other types: {@code 0123} as the octal number 83,
   * {@code off}/{@code yes} as booleans. Their text is lost by then, so a string key refuses them
   * rather than guess it.
   */
  private static ConfigException notAString(String key, Object v) {
    String what = v instanceof Boolean ? "the boolean " + v + " (YAML reads unquoted yes/no/on/off/true/false that way)"
      : v instanceof Number ? "the number " + v + " (YAML reads unquoted 0123 as octal 83, 1e5 as 100000.0)"
      : "a " + v.getClass().getSimpleName() + " (" + v + ")";
    return new ConfigException(key + ": must be a string, but the YAML file gives " + what
      + "; quote the value in the YAML file, e.g. \"0123\" or \"off\"");
  }
}
