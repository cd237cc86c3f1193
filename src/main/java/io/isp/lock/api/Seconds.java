package io.isp.lock.api;

/** Durations cross the API as seconds, fractional down to the millisecond. */
public final class Seconds {

  private Seconds() {
  }

  /** Whole seconds print as integers ({@code 20}), others as fractions ({@code 0.25}). */
  public static Number of(long millis) {
    return millis % 1000 == 0 ? (Number) (millis / 1000) : (Number) (millis / 1000.0);
  }

  /** A number of seconds from the wire, rounded to the millisecond. */
  public static long toMillis(Number seconds) {
    return Math.round(seconds.doubleValue() * 1000);
  }
}
