package io.isp.lock;

import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Routes everything (ours, Vert.x, Netty) through java.util.logging at {@code logLevel}, one line per record. */
final class Logging {

  private Logging() {
  }

  /** Must run before the first logger is created for the format to apply. */
  static void init() {
    System.setProperty("java.util.logging.SimpleFormatter.format",
      "%1$tY-%1$tm-%1$tdT%1$tH:%1$tM:%1$tS.%1$tL %4$s [%3$s] %5$s%6$s%n");
  }

  static void setLevel(String logLevel) {
    Level level = switch (logLevel.toLowerCase(Locale.ROOT)) {
      case "trace" -> Level.FINEST;
      case "debug" -> Level.FINE;
      case "warn", "warning" -> Level.WARNING;
      case "error" -> Level.SEVERE;
      case "off" -> Level.OFF;
      default -> Level.INFO;
    };
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    for (Handler handler : root.getHandlers()) {
      handler.setLevel(level);
    }
    // Netty at debug is a firehose that says nothing about locks
    Logger.getLogger("io.netty").setLevel(level.intValue() < Level.INFO.intValue() ? Level.INFO : level);
  }
}
