package io.isp.lock.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.isp.lock.support.LogCapture;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("log.access: one info line per request on the logger 'access', with the route template, never the path")
class AccessLogTest {

  private static final String KEY = "customer-4711/invoice";
  private static final String TOKEN = "access-test-token";

  private final LogCapture access = LogCapture.of(AccessLog.LOGGER, Level.INFO);
  private ServiceUnderTest service;

  @AfterEach
  void stop() {
    access.close();
    if (service != null) {
      service.close();
    }
  }

  private void start(boolean accessLog) {
    service = ServiceUnderTest.start(new JsonObject()
      .put("log", new JsonObject().put("access", accessLog))
      .put("http", new JsonObject().put("tokens", new JsonArray().add(TOKEN))));
  }

  /** The access records so far, waiting for {@code count}: the line is written after the response. */
  private List<Map<String, Object>> lines(int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> access.events().size() >= count);
    return access.events().stream().map(AccessLogTest::fields).toList();
  }

  private static Map<String, Object> fields(ILoggingEvent event) {
    assertThat(event.getLevel()).isEqualTo(Level.INFO);
    assertThat(event.getLoggerName()).isEqualTo("access");
    Map<String, Object> fields = event.getKeyValuePairs().stream()
      .collect(Collectors.toMap(pair -> pair.key, pair -> pair.value, (a, b) -> b, java.util.LinkedHashMap::new));
    fields.put("message", event.getFormattedMessage());
    return fields;
  }

  @Test
  @DisplayName("lock, status, unlock: method, route template, status, duration, client; no key, lockKey or token anywhere")
  void lockRequests() {
    start(true);
    String lockKey = service.post(API + "/lock", new JsonObject().put("key", KEY).put("ttl", 30).encode(),
      "Content-Type", "application/json", "X-Application-Token", TOKEN).json().getString("lockKey");
    assertThat(service.get(API + "/locks/" + URLEncoder.encode(KEY, StandardCharsets.UTF_8),
      "X-Application-Token", TOKEN).status()).isEqualTo(200);
    assertThat(service.post(API + "/unlock", new JsonObject().put("key", KEY).put("lockKey", lockKey).encode(),
      "Content-Type", "application/json", "X-Application-Token", TOKEN).status()).isEqualTo(200);

    List<Map<String, Object>> lines = lines(3);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).containsEntry("method", "POST").containsEntry("route", API + "/lock")
      .containsEntry("status", 200).containsEntry("client", "127.0.0.1");
    assertThat(lines.get(1)).containsEntry("method", "GET").containsEntry("route", API + "/locks/*").containsEntry("status", 200);
    assertThat(lines.get(2)).containsEntry("method", "POST").containsEntry("route", API + "/unlock").containsEntry("status", 200);
    for (Map<String, Object> line : lines) {
      assertThat(line.get("duration")).isInstanceOf(Double.class);
      assertThat((Double) line.get("duration")).isGreaterThanOrEqualTo(0.0).isLessThan(10_000.0);
      assertThat(line.get("message").toString()).startsWith(line.get("method") + " " + line.get("route") + " " + line.get("status") + " ");
      assertThat(line.toString()).doesNotContain("customer-4711", "invoice", lockKey, TOKEN);
    }
  }

  @Test
  @DisplayName("404 has no route; 405, 401 and OPTIONS name the resource's template; HEAD its GET's")
  void otherAnswers() {
    start(true);
    service.get("/no/such/" + KEY, "X-Application-Token", TOKEN);
    service.get(API + "/lock", "X-Application-Token", TOKEN);
    service.post(API + "/lock", "{}");
    service.send("OPTIONS", API + "/locks/abc", null, "X-Application-Token", TOKEN);
    service.send("HEAD", "/health/live", null);

    List<Map<String, Object>> lines = lines(5);
    assertThat(lines).extracting(line -> line.get("method") + " " + line.get("route") + " " + line.get("status"))
      .containsExactly("GET - 404", "GET " + API + "/lock 405", "POST " + API + "/lock 401",
        "OPTIONS " + API + "/locks/* 204", "HEAD /health/live 200");
    assertThat(lines.toString()).doesNotContain("customer-4711", "/no/such", "abc");
  }

  @Test
  @DisplayName("a request the HTTP decoder rejects is logged too, without a method or route")
  void invalidRequest() {
    start(true);
    try (RawConnection connection = RawConnection.connect(service.port())) {
      connection.send("NOT AN HTTP REQUEST LINE\r\n\r\n");
      assertThat(connection.readResponse(Duration.ofSeconds(10)).status()).isEqualTo(400);
    }
    assertThat(lines(1).get(0)).containsEntry("method", "-").containsEntry("route", "-").containsEntry("status", 400);
  }

  @Test
  @DisplayName("a client that leaves before its answer: 499, as nginx logs it")
  void clientGone() {
    start(true);
    service.post(API + "/lock", new JsonObject().put("key", "held").put("ttl", 30).encode(),
      "Content-Type", "application/json", "X-Application-Token", TOKEN);
    try (RawConnection connection = RawConnection.connect(service.port())) {
      connection.send(RawConnection.request("POST", API + "/lock", "{\"key\": \"held\", \"waitTimeout\": 30}")
        .replaceFirst("\r\n", "\r\nX-Application-Token: " + TOKEN + "\r\n"));
      await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == 1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> access.events().stream().map(AccessLogTest::fields)
      .anyMatch(line -> line.get("status").equals(499)));
    assertThat(access.events().stream().map(AccessLogTest::fields).filter(line -> line.get("status").equals(499)))
      .singleElement().satisfies(line -> assertThat(line).containsEntry("method", "POST").containsEntry("route", API + "/lock"));
  }

  @Test
  @DisplayName("log.access false (the default): no access line")
  void offByDefault() {
    start(false);
    service.get("/health/live");
    assertThat(service.get("/health/live").status()).isEqualTo(200);
    assertThat(access.events()).isEmpty();
  }
}
