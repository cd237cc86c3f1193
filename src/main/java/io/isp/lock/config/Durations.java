package io.isp.lock.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration given either as a number of seconds ({@code 30}, {@code 0.5}) or as a string
 * with a unit ({@code "30s"}, {@code "250ms"}, {@code "5m"}, {@code "1h"}), the forms the original
 * Go service accepts for {@code redis.defaultTimeOut}.
 */
public final class Durations {

  private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  private Durations() {
  }

  /** Parses {@code value} for the config key {@code key}; throws {@link ConfigException} naming it. */
  public static Duration parse(String key, Object value) {
    if (value instanceof Number number) {
      return ofSeconds(key, number.doubleValue());
    }
    Matcher m = WITH_UNIT.matcher(String.valueOf(value).trim());
    if (!m.matches()) {
      throw new ConfigException(key + ": '" + value + "' is not a duration (seconds, or a number with ms/s/m/h)");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double seconds = switch (unit) {
      case "ms" -> amount / 1000;
      case "m" -> amount * 60;
      case "h" -> amount * 3600;
      default -> amount;
    };
    return ofSeconds(key, seconds);
  }

  private static Duration ofSeconds(String key, double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new ConfigException(key + ": must be a non-negative duration, got " + seconds);
    }
    return Duration.ofNanos(Math.round(seconds * 1_000_000_000d));
  }
}
