package io.isp.lock.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * {@code log.format: json}: each record as one JSON object on one line, so that a collector never
 * has to guess where a record ends. Fields: {@code time} (ISO-8601 UTC, milliseconds), {@code level},
 * {@code logger}, {@code thread}, {@code message}, {@code requestId} when the record has one
 * ({@link RequestIdLog}), the record's SLF4J key-value pairs (the access log's {@code method},
 * {@code route}, ...) and {@code stackTrace}: the whole trace, causes included, as one string. Line
 * breaks and control characters inside a value are JSON escapes, never raw.
 *
 * <p>Stateless, so the appender may call it from any thread.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

  private static final DateTimeFormatter TIME =
    DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);
  /** What a key-value pair may not overwrite. */
  private static final Set<String> FIXED = Set.of("time", "level", "logger", "thread", "message", RequestIdLog.KEY,
    "stackTrace");

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    JsonObject line = new JsonObject()
      .put("time", TIME.format(event.getInstant()))
      .put("level", event.getLevel().toString())
      .put("logger", event.getLoggerName())
      .put("thread", event.getThreadName())
      .put("message", event.getFormattedMessage());
    String requestId = event.getMDCPropertyMap().get(RequestIdLog.KEY);
    if (requestId != null) {
      line.put(RequestIdLog.KEY, requestId);
    }
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        if (pair.key != null && !FIXED.contains(pair.key)) {
          line.put(pair.key, jsonValue(pair.value));
        }
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.put("stackTrace", ThrowableProxyUtil.asString(thrown));
    }
    byte[] json = line.encode().getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[json.length + 1];
    System.arraycopy(json, 0, bytes, 0, json.length);
    bytes[json.length] = '\n';
    return bytes;
  }

  /** Numbers and booleans stay JSON numbers and booleans; anything else (NaN too: not JSON) becomes its text. */
  private static Object jsonValue(Object value) {
    if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
      return value.toString();
    }
    return value == null || value instanceof Number || value instanceof Boolean ? value : value.toString();
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
