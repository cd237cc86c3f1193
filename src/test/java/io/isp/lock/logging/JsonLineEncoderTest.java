package io.isp.lock.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("log.format json: one JSON object per record, on one line, whatever the message")
class JsonLineEncoderTest {

  private static final String NAME = "io.isp.lock.logging.json-test";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private Logger logger;
  private OutputStreamAppender<ILoggingEvent> appender;

  @BeforeEach
  void attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    logger = context.getLogger(NAME);
    logger.setAdditive(false); // not on the test run's console too
    logger.setLevel(ch.qos.logback.classic.Level.TRACE);
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
    logger.setAdditive(true);
    logger.setLevel(null);
    appender.stop();
  }

  /** What was written, as lines; each must be a whole JSON object. */
  private List<JsonObject> lines() {
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return text.lines().map(JsonObject::new).toList();
  }

  @Test
  @DisplayName("time (ISO-8601 UTC), level, logger, thread, message; nothing else for a plain record")
  void fields() {
    logger.info("hello {}", "world");
    JsonObject line = lines().get(0);
    assertThat(line.fieldNames()).containsExactly("time", "level", "logger", "thread", "message");
    assertThat(line.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("logger")).isEqualTo(NAME);
    assertThat(line.getString("thread")).isEqualTo(Thread.currentThread().getName());
    assertThat(line.getString("message")).isEqualTo("hello world");
  }

  @Test
  @DisplayName("a message with line breaks, quotes, tabs and control characters stays on one line and reads back the same")
  void multiLineMessage() {
    String message = "first line\nsecond \"quoted\"\r\n\ttabbed \u0001 \\ end ✓ 🔒";
    logger.warn(message);
    List<JsonObject> lines = lines();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).getString("message")).isEqualTo(message);
  }

  @Test
  @DisplayName("an exception's whole trace, causes included, is one string field stackTrace")
  void stackTrace() {
    Exception error = new IllegalStateException("outer\nwith a second line", new IOException("inner"));
    logger.error("request failed", error);
    List<JsonObject> lines = lines();
    assertThat(lines).hasSize(1);
    Object trace = lines.get(0).getValue("stackTrace");
    assertThat(trace).isInstanceOf(String.class);
    assertThat((String) trace).contains("java.lang.IllegalStateException: outer\nwith a second line")
      .contains("\tat io.isp.lock.logging.JsonLineEncoderTest.stackTrace")
      .contains("Caused by: java.io.IOException: inner");
  }

  @Test
  @DisplayName("requestId comes from RequestIdLog around the call, and is gone from the next record")
  void requestId() {
    RequestIdLog.withRequestId("http-42", () -> logger.error("failed"));
    logger.error("unrelated");
    List<JsonObject> lines = lines();
    assertThat(lines.get(0).getString("requestId")).isEqualTo("http-42");
    assertThat(lines.get(1).containsKey("requestId")).isFalse();
  }

  @Test
  @DisplayName("SLF4J key-value pairs are fields: numbers stay numbers, other values become text, fixed fields win")
  void keyValuePairs() {
    logger.atInfo().addKeyValue("status", 200).addKeyValue("duration", 1.25).addKeyValue("route", "/a/*")
      .addKeyValue("client", new StringBuilder("127.0.0.1")).addKeyValue("message", "not this")
      .addKeyValue("nan", Double.NaN).log("the message");
    JsonObject line = lines().get(0);
    assertThat(line.getValue("status")).isEqualTo(200);
    assertThat(line.getValue("duration")).isEqualTo(1.25);
    assertThat(line.getString("route")).isEqualTo("/a/*");
    assertThat(line.getString("client")).isEqualTo("127.0.0.1");
    assertThat(line.getString("message")).isEqualTo("the message");
    assertThat(line.getString("nan")).isEqualTo("NaN");
  }

  @Test
  @DisplayName("System.Logger, which the service's classes use, arrives here through SLF4J with its level and exception")
  void systemLogger() {
    System.getLogger(NAME).log(System.Logger.Level.ERROR, "via System.Logger", new IllegalArgumentException("bad"));
    JsonObject line = lines().get(0);
    assertThat(line.getString("level")).isEqualTo("ERROR");
    assertThat(line.getString("message")).isEqualTo("via System.Logger");
    assertThat(line.getString("stackTrace")).startsWith("java.lang.IllegalArgumentException: bad");
  }
}
