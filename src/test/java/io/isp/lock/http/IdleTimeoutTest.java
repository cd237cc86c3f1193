package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * http.idleTimeout (1 s here) over real sockets: what holds a connection without a request in
 * progress is closed; a request being handled is not, however long it waits.
 */
@DisplayName("http.idleTimeout closes idle and stalled connections, never one whose request is being handled")
class IdleTimeoutTest {

  private static final Duration IDLE = Duration.ofSeconds(1);
  /** Generous: timers fire late, never early, on a busy shared machine. */
  private static final Duration CLOSE_WITHIN = Duration.ofSeconds(10);

  private static ServiceUnderTest service;

  @BeforeAll
  static void start() {
    service = ServiceUnderTest.start(new JsonObject().put("http", new JsonObject().put("idleTimeout", "1s")));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  @DisplayName("a connection that never sends a request is closed after idleTimeout")
  void idleConnection() {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      long start = System.nanoTime();
      assertThat(connection.awaitClosed(CLOSE_WITHIN)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(IDLE.minusMillis(100));
      assertThat(connection.received()).isEmpty();
    }
  }

  @Test
  @DisplayName("a kept-alive connection serves requests spaced closer than idleTimeout, then closes once idle")
  void keepAliveThenIdle() throws Exception {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      for (int i = 0; i < 3; i++) {
        assertThat(connection.send(RawConnection.request("GET", "/health/live", null))
          .readResponse(CLOSE_WITHIN).status()).isEqualTo(200);
        // well within the timeout: each response's end starts it afresh
        assertThat(connection.awaitClosed(IDLE.dividedBy(2))).as("closed while idle for half the timeout").isFalse();
      }
      assertThat(connection.awaitClosed(CLOSE_WITHIN)).isTrue();
    }
  }

  @Test
  @DisplayName("slowloris: a request header sent a byte at a time, slower in total than idleTimeout, is cut off")
  void slowHeader() throws Exception {
    byte[] header = RawConnection.request("GET", "/health/live", null).getBytes(StandardCharsets.US_ASCII);
    try (RawConnection connection = RawConnection.connect(service.port())) {
      long start = System.nanoTime();
      int sent = 0;
      // 20 bytes a second: the ~45-byte header would take over 2 s
      while (sent < header.length && connection.trySendByte(header[sent])) {
        sent++;
        if (connection.awaitClosed(Duration.ofMillis(50))) {
          break;
        }
      }
      assertThat(sent).as("bytes sent before the cut").isLessThan(header.length);
      assertThat(connection.awaitClosed(CLOSE_WITHIN)).isTrue();
      assertThat(connection.received()).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CLOSE_WITHIN);
    }
  }

  @Test
  @DisplayName("a body shorter than its Content-Length is cut off after idleTimeout, with no lock taken")
  void shortBody() {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      connection.send("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{\"key\": \"short-body\"");
      assertThat(connection.awaitClosed(CLOSE_WITHIN)).isTrue();
      assertThat(connection.received()).isEmpty();
    }
    assertThat(service.get(API + "/locks/short-body").json().getBoolean("locked")).isFalse();
  }

  @Test
  @DisplayName("a lock call waiting three times idleTimeout is answered, not cut")
  void waitingCallIsNotIdle() {
    String holder = service.lockKeyFor("held-long", 60);
    try (RawConnection connection = RawConnection.connect(service.port())) {
      long start = System.nanoTime();
      HttpResult result = connection.send(RawConnection.request("POST", API + "/lock",
        new JsonObject().put("key", "held-long").put("waitTimeout", 3).encode())).readResponse(Duration.ofSeconds(30));
      assertProblem(result, 409, "lock_held");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
      // and the connection goes on serving
      assertThat(connection.send(RawConnection.request("GET", "/health/live", null)).readResponse(CLOSE_WITHIN).status())
        .isEqualTo(200);
    }
    assertThat(service.unlock("held-long", holder).status()).isEqualTo(200);
  }
}
