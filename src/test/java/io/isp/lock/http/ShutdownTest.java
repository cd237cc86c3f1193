package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shutdown SIGTERM runs, in-process: while a lock call waits, stop begins; from then on a new
 * connection is refused, or its request answered 503 shutting_down. Never accepted and closed
 * without a word, which a client cannot tell from a crash (and cannot know whether to retry).
 */
@DisplayName("During shutdown a new request gets 503 shutting_down or a refused connection, never an empty close")
class ShutdownTest {

  private RedisProcess redis;
  private ServiceUnderTest service;

  @AfterEach
  void close() {
    service.close();
    redis.close();
  }

  @Test
  void newRequestsDuringShutdown() throws Exception {
    redis = RedisFixture.dedicated();
    // one event loop, as on the 2-core machines this runs on; Redis calls in flight may take 3 s
    service = ServiceUnderTest.start(redis.host() + ":" + redis.port(), new JsonObject()
      .put("deploy", new JsonObject().put("eventLoops", 1))
      .put("redis", new JsonObject().put("commandTimeout", "3s")));
    String holder = service.lockKeyFor("shutdown", 60);
    CompletableFuture<HttpResult> waiter = service.waitFor("shutdown", 60, 60);
    // an unlock held up in Redis, so that stopping takes a while: before, the server went on
    // accepting connections all that while, and then closed them unanswered
    redis.cli("CLIENT", "PAUSE", "4000", "WRITE");
    CompletableFuture<HttpResult> inFlight = service.postAsync(API + "/unlock",
      new JsonObject().put("key", "shutdown").put("lockKey", holder).encode());
    await().atMost(Duration.ofSeconds(5)).until(() -> redis.info("clients", "blocked_clients").equals("1"));

    Future<Void> stopped = service.stopDeployment();
    assertProblem(waiter.get(), 503, "shutting_down");

    // a connection opened now, whose client is slow to send its request
    RawConnection slow = null;
    try {
      slow = RawConnection.connect(service.port());
    } catch (UncheckedIOException refused) {
      assertThat(refused).hasCauseInstanceOf(ConnectException.class);
    }
    // a client that keeps trying, each time on a new connection, until it is refused
    List<String> outcomes = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      String outcome = newConnectionRequest(service.port());
      outcomes.add(outcome);
      if (outcome.equals("refused")) {
        break;
      }
    }
    assertThat(outcomes).last().isEqualTo("refused");
    assertThat(outcomes).allMatch(outcome -> outcome.equals("refused") || outcome.equals("503 shutting_down"),
      "refused or 503 shutting_down");

    // the request in flight is drained, not cut
    assertThat(inFlight.get().status()).isIn(200, 503);
    ServiceUnderTest.await(stopped);
    if (slow != null) {
      try (RawConnection accepted = slow) {
        assertThat(accepted.send(RawConnection.request("GET", "/health/live", null)).awaitClosed(Duration.ofSeconds(5)))
          .isTrue();
        assertThat(accepted.received()).as("a connection accepted after stop began gets an answer")
          .startsWith("HTTP/1.1 503");
      }
    }
  }

  /** "refused", "503 shutting_down", or what else happened: a response's status and code, or "closed without a response". */
  private static String newConnectionRequest(int port) {
    RawConnection connection;
    try {
      connection = RawConnection.connect(port);
    } catch (UncheckedIOException e) {
      return e.getCause() instanceof ConnectException ? "refused" : "connect failed: " + e;
    }
    try (connection) {
      HttpResult result = connection.send(RawConnection.request("POST", API + "/lock", "{\"key\": \"late\", \"waitTimeout\": 0}"))
        .readResponse(Duration.ofSeconds(10));
      return result.status() + " " + (result.body().isEmpty() ? "" : result.code());
    } catch (RuntimeException e) {
      return "closed without a response: " + e.getMessage();
    }
  }
}
