package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * http.maxConnections: 20 over real sockets, counted across two HTTP verticles (two event loops),
 * so a per-verticle count would let 40 in.
 */
@DisplayName("Beyond http.maxConnections new connections are turned away with 503, health still answers, the others go on")
class ConnectionLimitTest {

  private static final int MAX = 20;
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

  private ServiceUnderTest service;
  private final List<RawConnection> open = new ArrayList<>();

  @BeforeEach
  void start() {
    service = ServiceUnderTest.start(new JsonObject()
      .put("http", new JsonObject().put("maxConnections", MAX))
      .put("deploy", new JsonObject().put("eventLoops", 2)));
  }

  @AfterEach
  void stop() {
    open.forEach(RawConnection::close);
    service.close();
  }

  /** Opens connections up to the cap, each proven served (so counted) by one request, then left idle. */
  private void fillUp() {
    for (int i = 0; i < MAX; i++) {
      RawConnection connection = RawConnection.connect(service.port());
      open.add(connection);
      assertThat(connection.send(RawConnection.request("GET", "/health/live", null)).readResponse(ANSWER_WITHIN).status())
        .as("connection %d", i + 1).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("the 21st connection: a lock call gets 503 too_many_connections, Retry-After and Connection: close, then it is closed")
  void overTheCapIs503() {
    fillUp();
    try (RawConnection extra = RawConnection.connect(service.port())) {
      HttpResult result = extra.send(RawConnection.request("POST", API + "/lock", "{\"key\": \"over\"}"))
        .readResponse(ANSWER_WITHIN);
      assertProblem(result, 503, "too_many_connections");
      assertThat(result.header("Retry-After")).isEqualTo("1");
      assertThat(result.header("Connection")).isEqualTo("close");
      assertThat(extra.awaitClosed(ANSWER_WITHIN)).isTrue();
    }
    assertThat(service.redis("EXISTS", service.redisKey("over"))).isEqualTo("0");
  }

  @Test
  @DisplayName("over the cap, /health/live and /health/ready are answered normally, then the connection is closed")
  void healthStillAnswers() {
    fillUp();
    for (String path : List.of("/health/live", "/health/ready")) {
      try (RawConnection extra = RawConnection.connect(service.port())) {
        HttpResult result = extra.send(RawConnection.request("GET", path, null)).readResponse(ANSWER_WITHIN);
        assertThat(result.status()).as(path + ": " + result).isEqualTo(200);
        assertThat(result.header("Connection")).isEqualTo("close");
        assertThat(extra.awaitClosed(ANSWER_WITHIN)).isTrue();
      }
    }
  }

  @Test
  @DisplayName("the connections within the cap go on working, and a freed place is taken by the next connection")
  void existingConnectionsGoOn() {
    fillUp();
    try (RawConnection extra = RawConnection.connect(service.port())) {
      // over the cap, a connection that sends nothing is closed after a short grace
      assertThat(extra.awaitClosed(ANSWER_WITHIN)).isTrue();
    }
    for (RawConnection connection : open) {
      assertThat(connection.send(RawConnection.request("GET", API + "/locks/fine", null)).readResponse(ANSWER_WITHIN).status())
        .isEqualTo(200);
    }
    open.remove(0).close();
    await().atMost(ANSWER_WITHIN).untilAsserted(() -> {
      try (RawConnection next = RawConnection.connect(service.port())) {
        assertThat(next.send(RawConnection.request("POST", API + "/lock", "{\"key\": \"in\", \"ttl\": 5}"))
          .readResponse(ANSWER_WITHIN).status()).isEqualTo(200);
      }
    });
  }
}
