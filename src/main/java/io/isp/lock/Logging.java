package io.isp.lock;

import io.isp.lock.config.LogConfig;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.logging.LogbackSetup;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sends everything the process logs to one backend, Logback through SLF4J, and sets it up from the
 * configuration. The service's own classes log through {@code System.Logger}, which the
 * slf4j-jdk-platform-logging jar points at SLF4J (as it does the JDK's own loggers); Vert.x, Netty and
 * Hazelcast are told to use SLF4J here; whatever still logs through java.util.logging is bridged.
 */
final class Logging {

  private Logging() {
  }

  /**
   * Before anything logs: routes the libraries, and holds the output to warnings until
   * {@link #configure} knows the format (a json process should print no text line at info).
   */
  static void init() {
    // Vert.x would pick SLF4J by itself when it is there; Hazelcast defaults to java.util.logging
    setIfAbsent("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    setIfAbsent("hazelcast.logging.type", "slf4j");
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    LogbackSetup.apply("warn", LogConfig.Format.TEXT);
  }

  /** {@code logLevel} on the root logger (Netty and Hazelcast never below info), in {@code log.format}. */
  static void configure(ServiceConfig config) {
    LogbackSetup.apply(config.logLevel(), config.log().format());
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
