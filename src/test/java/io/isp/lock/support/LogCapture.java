package io.isp.lock.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The records that reach one Logback logger (and those below it) while open, whichever API logged
 * them (System.Logger, SLF4J, Vert.x, Netty): for in-JVM tests of what the service logs. Sets that
 * logger's level while open, and restores it on close.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger logger;
  private final Level previousLevel;
  // appended to from event loops while the test reads
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger, Level level) {
    this.logger = logger;
    this.previousLevel = logger.getLevel();
    setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    setName("capture-" + logger.getName());
    start();
    logger.setLevel(level);
    logger.addAppender(this);
  }

  /** Captures what {@code loggerName} ("" or ROOT for all) logs at {@code level} or above. */
  public static LogCapture of(String loggerName, Level level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return new LogCapture(context.getLogger(loggerName.isEmpty() ? Logger.ROOT_LOGGER_NAME : loggerName), level);
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing();
    events.add(event);
  }

  public List<ILoggingEvent> events() {
    return events;
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    stop();
  }
}
