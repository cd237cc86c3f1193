package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

/** Requests the HTTP decoder rejects before any route sees them still get a problem, then the connection is closed. */
@DisplayName("Malformed HTTP gets problem+json (414, 431, 400) where HTTP/1.1 can still answer")
class ProtocolErrorsTest {

  private static final Duration WITHIN = Duration.ofSeconds(10);

  private static ServiceUnderTest service;

  @BeforeAll
  static void start() {
    service = ServiceUnderTest.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
      Arguments.of("a request line over 8 KiB", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        414, "uri_too_long"),
      Arguments.of("a header section over 8 KiB", "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000)
        + "\r\n\r\n", 431, "request_header_fields_too_large"),
      Arguments.of("no request line", "GARBAGE\r\n\r\n", 400, "bad_request"),
      Arguments.of("an unknown protocol", "GET / HTTX/9\r\nHost: x\r\n\r\n", 400, "bad_request"),
      Arguments.of("a header name with a space", "GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
        400, "bad_request"),
      Arguments.of("a Content-Length that is no number", "POST " + API + "/lock HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: abc\r\n\r\n", 400, "bad_request"));
  }

  @ParameterizedTest(name = "{0} -> {2} {3}")
  @MethodSource("malformed")
  void problemThenClose(String what, String request, int status, String code) {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      HttpResult result = connection.send(request).readResponse(WITHIN);
      assertProblem(result, status, code);
      assertThat(result.header("Connection")).isEqualTo("close");
      assertThat(connection.awaitClosed(WITHIN)).as("closed after the problem").isTrue();
    }
  }

  @Test
  @DisplayName("an HTTP/1.1 request without Host: 400 bad_request (not invalid_json: the body is not the problem)")
  void noHost() {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      assertProblem(connection.send("GET /health/live HTTP/1.1\r\n\r\n").readResponse(WITHIN), 400, "bad_request");
    }
  }

  @Test
  @DisplayName("the HTTP/2 preface (prior knowledge, h2c is off) gets a bare 501 status line, then the connection is closed")
  void http2Preface() {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      connection.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(connection.awaitClosed(WITHIN)).isTrue();
      // an HTTP/2 client could not read an HTTP/1.1 problem: Vert.x answers before any handler of ours runs
      assertThat(connection.received()).matches("(?s)HTTP/\\S+ 501 [^\\r]*\\r\\n.*").doesNotContain("{");
    }
  }
}
