package io.isp.lock.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.isp.lock.config.LogConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The process's Logback set-up, applied to this JVM's context (and the test configuration restored after). */
@DisplayName("logLevel and log.format: applied at start-up to the root logger, Netty and Hazelcast never below info, on stderr")
class LogbackSetupTest {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private PrintStream realStderr;

  @BeforeEach
  void captureStderr() {
    realStderr = System.err;
    // Logback's console target writes to whatever System.err is at the time
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() throws Exception {
    System.setErr(realStderr);
    context.reset();
    new ContextInitializer(context).autoConfig(); // logback-test.xml again
  }

  @ParameterizedTest(name = "logLevel {0}: root {1}, io.netty and com.hazelcast {2}")
  @CsvSource({"trace, TRACE, INFO", "debug, DEBUG, INFO", "info, INFO, INFO", "warn, WARN, WARN",
    "error, ERROR, ERROR", "off, OFF, OFF"})
  void levels(String logLevel, String root, String chatty) {
    LogbackSetup.apply(logLevel, LogConfig.Format.TEXT);
    assertThat(context.getLogger("io.isp.lock").getEffectiveLevel()).isEqualTo(Level.toLevel(root));
    assertThat(context.getLogger("io.netty.channel").getEffectiveLevel()).isEqualTo(Level.toLevel(chatty));
    assertThat(context.getLogger("com.hazelcast.cluster").getEffectiveLevel()).isEqualTo(Level.toLevel(chatty));
  }

  @Test
  @DisplayName("java.util.logging follows: at debug, a JUL record at FINE gets through the bridge")
  void julFollows() {
    LogbackSetup.apply("debug", LogConfig.Format.TEXT);
    assertThat(java.util.logging.Logger.getLogger("").getLevel()).isEqualTo(java.util.logging.Level.FINE);
  }

  @Test
  @DisplayName("text: time, level, [logger], message on one line, then the stack trace")
  void text() {
    LogbackSetup.apply("info", LogConfig.Format.TEXT);
    System.getLogger("io.isp.lock.Example").log(System.Logger.Level.WARNING, "careful", new IllegalStateException("why"));
    System.getLogger("io.isp.lock.Example").log(System.Logger.Level.DEBUG, "not at info");
    String[] lines = stderr.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines[0]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN \\[io\\.isp\\.lock\\.Example] careful");
    assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: why");
    assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("not at info");
  }

  @Test
  @DisplayName("json: the same record as one JSON line on stderr")
  void json() {
    LogbackSetup.apply("info", LogConfig.Format.JSON);
    System.getLogger("io.isp.lock.Example").log(System.Logger.Level.WARNING, "careful", new IllegalStateException("why"));
    String[] lines = stderr.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(1);
    JsonObject line = new JsonObject(lines[0]);
    assertThat(line.getString("level")).isEqualTo("WARN");
    assertThat(line.getString("logger")).isEqualTo("io.isp.lock.Example");
    assertThat(line.getString("stackTrace")).startsWith("java.lang.IllegalStateException: why");
  }
}
