package io.isp.lock.http;

import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("HTTP/1.1 only: a client that offers HTTP/2 is answered in HTTP/1.1, one connection per waiting call")
class Http11OnlyTest {

  /** Past HTTP/2's usual cap of 100 open streams per connection. */
  private static final int WAITERS = 150;

  private static ServiceUnderTest service;

  @BeforeAll
  static void start() {
    service = ServiceUnderTest.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  @DisplayName("java.net.http with its defaults (it asks for an h2c upgrade) keeps 150 calls waiting and still unlocks")
  void defaultJavaClientIsNotCappedAtHundredCalls() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_2);
    // the holder's call opens the client's connection first, so the waiters would share it under h2c
    HttpResponse<String> locked = client.send(post("/lock", new JsonObject().put("key", "h1-only").put("ttl", 30)),
      HttpResponse.BodyHandlers.ofString());
    assertThat(locked.statusCode()).isEqualTo(200);
    assertThat(locked.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    String holder = new JsonObject(locked.body()).getString("lockKey");

    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    for (int i = 0; i < WAITERS; i++) {
      waiting.add(client.sendAsync(post("/lock", new JsonObject().put("key", "h1-only").put("ttl", 30).put("waitTimeout", 3)),
        HttpResponse.BodyHandlers.ofString()));
    }
    // over h2c the 101st call failed at once in the client ("too many concurrent streams")
    await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == WAITERS);

    HttpResponse<String> unlocked = client.send(post("/unlock", new JsonObject().put("key", "h1-only").put("lockKey", holder)),
      HttpResponse.BodyHandlers.ofString());
    assertThat(unlocked.statusCode()).isEqualTo(200);
    assertThat(unlocked.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

    // the first waiter gets the lock, the others wait out their 3 s
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> call : waiting) {
      statuses.add(call.join().statusCode());
    }
    assertThat(statuses).containsOnly(200, 409);
    assertThat(statuses.stream().filter(status -> status == 200)).hasSize(1);
  }

  private static HttpRequest post(String path, JsonObject body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + ServiceUnderTest.API + path))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
      .build();
  }
}
