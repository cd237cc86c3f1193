package io.isp.lock.config;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The value of every declared key as the process runs with it (defaults applied, file, system
 * properties and environment merged), for the one start-up log line that lets an operator see what
 * a node was really given. Secrets never reach it: a key whose name contains {@code password} or
 * {@code token} shows {@value #MASK} when set (empty when not, which says it is unset), and a
 * URI's password ({@code redis://user:secret@host}) is masked in any value. A key that names the
 * file a secret is in ({@code redis.passwordFile}) shows its path: the path is no secret, and
 * which file a node read is what an operator needs to know.
 */
public record EffectiveConfig(Map<String, String> values) {

  public static final String MASK = "****";
  /**
   * The password part of a URI's user info: {@code scheme://user:PASSWORD@}. It may run up to the
   * first {@code @}: masking too much (a path with an {@code @}) is better than showing a password
   * with a stray {@code /} in it.
   */
  private static final Pattern URI_PASSWORD = Pattern.compile("(://[^/@:\\s]*:)[^@\\s]*@");

  public EffectiveConfig {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Every key of {@link ConfigKey#all()}, in declaration order. */
  static EffectiveConfig of(ConfigValues values) {
    Map<String, String> shown = new LinkedHashMap<>();
    for (ConfigKey<?> key : ConfigKey.all()) {
      shown.put(key.name(), show(key.name(), values.peek(key)));
    }
    return new EffectiveConfig(shown);
  }

  /**
   * Name contains "password" or "token", whatever the case: today's secrets and any added later;
   * but not a name ending in "File", which holds a path.
   */
  static boolean isSecret(String keyName) {
    String name = keyName.toLowerCase(Locale.ROOT);
    return (name.contains("password") || name.contains("token")) && !name.endsWith("file");
  }

  static String show(String keyName, Object value) {
    String text = text(value);
    if (isSecret(keyName)) {
      return text.isEmpty() ? "" : MASK;
    }
    return URI_PASSWORD.matcher(text).replaceAll("$1" + MASK + "@");
  }

  private static String text(Object value) {
    if (value instanceof Optional<?> optional) {
      return optional.map(EffectiveConfig::text).orElse("");
    }
    if (value instanceof Collection<?> items) {
      return items.stream().map(EffectiveConfig::text).collect(Collectors.joining(","));
    }
    if (value instanceof Duration duration) {
      // in the Go syntax the keys accept, so a value can be copied back into the file
      long nanos = duration.toNanos();
      return nanos % 1_000_000_000 == 0 ? nanos / 1_000_000_000 + "s"
        : nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : nanos + "ns";
    }
    if (value instanceof Enum<?> constant) {
      return constant.name().toLowerCase(Locale.ROOT);
    }
    return String.valueOf(value);
  }

  /** {@code key=value, key=value, ...}, the form of the start-up line. */
  public String describe() {
    return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  /** For tests and callers that need one value. */
  public String get(String keyName) {
    return values.get(keyName);
  }
}
