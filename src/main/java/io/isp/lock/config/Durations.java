package io.isp.lock.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a duration given either as a number of seconds ({@code 30}, {@code 0.5}: our extension) or
 * in the syntax of Go's {@code time.ParseDuration}, which the original service's configuration may
 * carry: a sequence of numbers, each with an optional fraction and a unit ({@code 250ms}, {@code 30s},
 * {@code 1m30s}, {@code 1h2m3.5s}; units {@code ns}, {@code us}/{@code µs}/{@code μs}, {@code ms},
 * {@code s}, {@code m}, {@code h}). Unlike Go, a space may stand between a number and its unit, and a
 * negative duration is refused. Fractions below a nanosecond are dropped, as Go drops them.
 */
public final class Durations {

  private static final Pattern SECONDS = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final Map<String, BigDecimal> UNITS = Map.of(
    "ns", BigDecimal.ONE,
    "us", BigDecimal.valueOf(1_000L),
    "\u00b5s", BigDecimal.valueOf(1_000L), // micro sign
    "\u03bcs", BigDecimal.valueOf(1_000L), // Greek small letter mu
    "ms", BigDecimal.valueOf(1_000_000L),
    "s", NANOS_PER_SECOND,
    "m", BigDecimal.valueOf(60_000_000_000L),
    "h", BigDecimal.valueOf(3_600_000_000_000L));

  private Durations() {
  }

  /** Parses {@code value} for the config key {@code key}; throws {@link ConfigException} naming it. */
  public static Duration parse(String key, Object value) {
    if (value instanceof Number number) {
      return ofNanos(key, value, seconds(key, number).multiply(NANOS_PER_SECOND));
    }
    String text = String.valueOf(value).strip();
    if (SECONDS.matcher(text).matches()) {
      return ofNanos(key, value, new BigDecimal(text).multiply(NANOS_PER_SECOND));
    }
    return ofNanos(key, value, goDuration(key, value, text));
  }

  /** Go's syntax: {@code [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+}, in nanoseconds (negative if signed so). */
  private static BigDecimal goDuration(String key, Object value, String text) {
    int i = 0;
    boolean negative = false;
    if (!text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
      negative = text.charAt(0) == '-';
      i++;
    }
    if (i == text.length()) {
      throw notADuration(key, value);
    }
    BigDecimal total = BigDecimal.ZERO;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && (Character.isDigit(text.charAt(i)) && text.charAt(i) < 128 || text.charAt(i) == '.')) {
        i++;
      }
      String number = text.substring(start, i);
      if (number.equals(".") || number.isEmpty() || number.indexOf('.') != number.lastIndexOf('.')) {
        throw notADuration(key, value);
      }
      while (i < text.length() && text.charAt(i) == ' ') {
        i++;
      }
      start = i;
      while (i < text.length() && !Character.isDigit(text.charAt(i)) && text.charAt(i) != '.') {
        i++;
      }
      BigDecimal unit = UNITS.get(text.substring(start, i));
      if (unit == null) {
        throw notADuration(key, value);
      }
      total = total.add(new BigDecimal(number.endsWith(".") ? number + "0" : number).multiply(unit));
    }
    return negative ? total.negate() : total;
  }

  private static BigDecimal seconds(String key, Number number) {
    if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      if (!Double.isFinite(d)) {
        throw notADuration(key, number);
      }
      return BigDecimal.valueOf(d);
    }
    return number instanceof BigInteger || number instanceof BigDecimal
      ? new BigDecimal(number.toString())
      : BigDecimal.valueOf(number.longValue());
  }

  private static Duration ofNanos(String key, Object value, BigDecimal nanos) {
    if (nanos.signum() < 0) {
      throw new ConfigException(key + ": '" + value + "' is negative; a duration must be >= 0");
    }
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw new ConfigException(key + ": '" + value + "' is out of range (at most 2562047h47m16.854775807s)");
    }
    return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
  }

  private static ConfigException notADuration(String key, Object value) {
    return new ConfigException(key + ": '" + value + "' is not a duration (seconds like 30 or 0.5, or Go's syntax"
      + " like 250ms, 1m30s, 1h2m3.5s; units ns, us, ms, s, m, h)");
  }
}
