package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP that clients send but the ordinary test clients never do: HTTP/1.0, pipelined requests,
 * chunked bodies (well-formed, over the limit, malformed), absurd lengths. Each gets a correct
 * answer or a 4xx, in order, and never a 5xx or a hang.
 */
@DisplayName("HTTP/1.0, pipelining, chunked and over-limit requests: correct answers or 4xx, never a 5xx or a hang")
class ProtocolAbuseTest {

  private static final Duration WITHIN = Duration.ofSeconds(10);

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis();

  private static String lockBody(String key) {
    return new JsonObject().put("key", key).put("ttl", 5).put("waitTimeout", 0).encode();
  }

  @Test
  @DisplayName("HTTP/1.0 without keep-alive: answered, then the connection is closed")
  void http10() {
    String body = lockBody("http10");
    try (RawConnection connection = RawConnection.connect(service.port())) {
      HttpResult result = connection.send("POST " + API + "/lock HTTP/1.0\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body).readResponse(WITHIN);
      assertThat(result.status()).as(result.toString()).isEqualTo(200);
      assertThat(connection.awaitClosed(WITHIN)).isTrue();
    }
  }

  @Test
  @DisplayName("HTTP/1.0 with Connection: keep-alive: two requests on one connection, both answered")
  void http10KeepAlive() {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      for (int i = 0; i < 2; i++) {
        HttpResult result = connection.send("GET " + API + "/locks/http10-ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
          .readResponse(WITHIN);
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        assertThat(result.json().getBoolean("locked")).isFalse();
      }
    }
  }

  @Test
  @DisplayName("four pipelined HTTP/1.1 requests in one write: four answers, in order")
  void pipelined() {
    String pipeline = RawConnection.request("POST", API + "/lock", lockBody("piped"))
      + RawConnection.request("POST", API + "/lock", lockBody("piped"))
      + RawConnection.request("GET", API + "/locks/piped", null)
      + RawConnection.request("GET", "/health/live", null);
    try (RawConnection connection = RawConnection.connect(service.port())) {
      connection.send(pipeline);
      HttpResult first = connection.readResponse(WITHIN);
      HttpResult second = connection.readResponse(WITHIN);
      HttpResult third = connection.readResponse(WITHIN);
      HttpResult fourth = connection.readResponse(WITHIN);
      assertThat(first.status()).as(first.toString()).isEqualTo(200);
      assertProblem(second, 409, "lock_held");
      assertThat(third.json().getBoolean("locked")).isTrue();
      assertThat(third.json().getLong("fencingToken")).isEqualTo(first.json().getLong("fencingToken"));
      assertThat(fourth.status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a chunked lock body in three chunks is read whole: 200")
  void chunked() {
    byte[] body = lockBody("chunked").getBytes(StandardCharsets.UTF_8);
    StringBuilder request = new StringBuilder("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    int third = body.length / 3;
    for (int[] part : new int[][] {{0, third}, {third, 2 * third}, {2 * third, body.length}}) {
      request.append(Integer.toHexString(part[1] - part[0])).append("\r\n")
        .append(new String(body, part[0], part[1] - part[0], StandardCharsets.UTF_8)).append("\r\n");
    }
    request.append("0\r\n\r\n");
    try (RawConnection connection = RawConnection.connect(service.port())) {
      HttpResult result = connection.send(request.toString()).readResponse(WITHIN);
      assertThat(result.status()).as(result.toString()).isEqualTo(200);
      // and the connection goes on
      assertThat(connection.send(RawConnection.request("GET", "/health/live", null)).readResponse(WITHIN).status())
        .isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a chunked body over 64 KiB (80 chunks of 1 KiB): 413, no lock taken")
  void chunkedOverLimit() {
    StringBuilder request = new StringBuilder("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    String padding = "{\"key\": \"chunked-big\", \"pad\": \"" + "x".repeat(80 * 1024) + "\"}";
    for (int i = 0; i < padding.length(); i += 1024) {
      String chunk = padding.substring(i, Math.min(padding.length(), i + 1024));
      request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    request.append("0\r\n\r\n");
    try (RawConnection connection = RawConnection.connect(service.port())) {
      assertProblem(connection.send(request.toString()).readResponse(WITHIN), 413, "payload_too_large");
    }
    assertThat(service.get(API + "/locks/chunked-big").json().getBoolean("locked")).isFalse();
  }

  static Stream<Arguments> malformedChunks() {
    return Stream.of(
      Arguments.of("a chunk size that is not hex", "4\r\n{\"ke\r\nzz\r\n\"}\r\n0\r\n\r\n"),
      Arguments.of("a chunk size that overflows", "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
      Arguments.of("a chunk longer than its size (no CRLF after it)", "10\r\n{\"key\": \"bad-chunk\"}\r\n0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedChunks")
  @DisplayName("a malformed chunked body: 400 bad_request with Connection: close, then the connection is closed; no lock taken")
  void malformedChunk(String what, String chunks) {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      HttpResult result = connection.send("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks).readResponse(WITHIN);
      // before: the connection was closed unanswered (and for the first two vertx-web logged an
      // ERROR "Unhandled exception in router" and tried to answer 200 OK)
      assertProblem(result, 400, "bad_request");
      assertThat(result.header("Connection")).isEqualTo("close");
      assertThat(connection.awaitClosed(WITHIN)).isTrue();
    }
    assertThat(service.get(API + "/locks/bad-chunk").json().getBoolean("locked")).isFalse();
  }

  static Stream<Arguments> abusive() {
    String lock = "POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    String body = lockBody("abuse");
    StringBuilder manyHeaders = new StringBuilder("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < 2000; i++) {
      manyHeaders.append("X-H").append(i).append(": v\r\n");
    }
    return Stream.of(
      Arguments.of("Content-Length of a terabyte", lock + "Content-Length: 1000000000000\r\n\r\n{", List.of(413)),
      Arguments.of("a negative Content-Length", lock + "Content-Length: -1\r\n\r\n", List.of(400)),
      Arguments.of("two different Content-Lengths", lock + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n" + body,
        List.of(400)),
      Arguments.of("Content-Length and chunked together (smuggling)", lock + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n", List.of(200, 400)),
      Arguments.of("Expect: 100-continue on an over-limit body", lock + "Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n",
        List.of(100, 413, 417)),
      Arguments.of("2000 small headers (over 8 KiB in all)", manyHeaders + "\r\n", List.of(431)),
      Arguments.of("a method name of 5000 letters", "X".repeat(5000) + " /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        List.of(400, 405, 414, 501)),
      Arguments.of("a header line folded (obsolete line folding)", "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\r\n b\r\n\r\n",
        List.of(200, 400)),
      Arguments.of("HTTP/0.9", "GET /health/live\r\n\r\n", List.of(400)),
      Arguments.of("HTTP/1.1 with a NUL in a header value", "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\0b\r\n\r\n",
        List.of(200, 400)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("abusive")
  @DisplayName("abusive requests: a 4xx (or a correct answer), never a 5xx or a hang")
  void neverA5xx(String what, String request, List<Integer> expected) {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      HttpResult result = connection.send(request.getBytes(StandardCharsets.ISO_8859_1)).readResponse(WITHIN);
      assertThat(result.status()).as(what + ": " + result).isIn(expected);
      if (result.status() >= 400) {
        assertThat(result.header("Content-Type")).as(what).startsWith("application/problem+json");
      }
    }
    // the service is unharmed
    assertThat(service.get("/health/live").status()).isEqualTo(200);
  }
}
