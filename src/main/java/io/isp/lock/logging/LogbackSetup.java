package io.isp.lock.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.isp.lock.config.LogConfig;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Configures Logback for the process from {@code logLevel} and {@code log.format}, in code rather
 * than from a logback.xml: the format is a configuration key like any other (file, system property
 * or environment), and whatever logback*.xml happens to be on the class path (a test's) cannot change
 * what the process prints. One appender, on stderr, synchronous: a record is written before the call
 * that logged it returns, so nothing is lost when the process exits right after.
 */
public final class LogbackSetup {

  /** {@code log.format: text}: as the service printed before Logback, one line per record, then any stack trace. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS} %level [%logger] %msg%n";
  /** Chatty at debug and trace and saying nothing about locks there: never below info. */
  static final List<String> FLOOR_AT_INFO = List.of("io.netty", "com.hazelcast");
  /**
   * Micrometer warns once per process that vertx-micrometer-metrics registers a gauge again
   * ("This Gauge has been already registered"): that is how it shares one gauge between connections
   * (vertx-micrometer-metrics#259, micrometer#6931), not a lost metric. Errors still show.
   */
  static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

  private LogbackSetup() {
  }

  /** Replaces the whole Logback configuration: everything at {@code logLevel}, to stderr, in {@code format}. */
  public static void apply(String logLevel, LogConfig.Format format) {
    LoggerContext context = context();
    context.reset();
    // java.util.logging levels follow Logback's, so that records JUL would drop anyway are not
    // built and sent over the bridge only to be dropped by Logback (and debug ones do get there)
    LevelChangePropagator julLevels = new LevelChangePropagator();
    julLevels.setContext(context);
    julLevels.setResetJUL(true);
    julLevels.start();
    context.addListener(julLevels);

    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("stderr");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder(context, format));
    stderr.start();

    Level level = level(logLevel);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(stderr);
    root.setLevel(level);
    for (String chatty : FLOOR_AT_INFO) {
      context.getLogger(chatty).setLevel(level.isGreaterOrEqual(Level.INFO) ? level : Level.INFO);
    }
    context.getLogger(METER_REGISTRY).setLevel(level.isGreaterOrEqual(Level.ERROR) ? level : Level.ERROR);
  }

  /** {@code logLevel}'s names (as ConfigKey accepts them) in Logback's terms. */
  static Level level(String logLevel) {
    return switch (logLevel.toLowerCase(Locale.ROOT)) {
      case "trace" -> Level.TRACE;
      case "debug" -> Level.DEBUG;
      case "warn", "warning" -> Level.WARN;
      case "error" -> Level.ERROR;
      case "off" -> Level.OFF;
      default -> Level.INFO;
    };
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogConfig.Format format) {
    if (format == LogConfig.Format.JSON) {
      JsonLineEncoder json = new JsonLineEncoder();
      json.setContext(context);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.setCharset(StandardCharsets.UTF_8);
    text.start();
    return text;
  }

  private static LoggerContext context() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      return context;
    }
    // a second SLF4J provider on the class path won: the build allows none (README, "Dependencies")
    throw new IllegalStateException("SLF4J is bound to " + factory.getClass().getName() + ", not Logback");
  }
}
