package io.isp.lock.http;

import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("A waiting call holds its own HTTP/1.1 connection; a client that disconnects while waiting leaves no waiter and no orphaned lock")
class WaitingConnectionTest {

  /** Past HTTP/2's usual cap of 100 open streams per connection. */
  private static final int WAITERS = 150;

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis();


  @Test
  @DisplayName("the wait ends at once, and the next unlock frees the key instead of handing it to the gone client")
  void disconnectWhileWaiting() throws Exception {
    String holder = service.lockKeyFor("left", 60);
    try (Socket client = sendLock("left", 30)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> service.waiters() == 1);
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> service.waiters() == 0);

    assertThat(service.unlock("left", holder).status()).isEqualTo(200);
    assertThat(service.get(API + "/locks/left").json().getBoolean("locked")).isFalse();
  }

  /** Sends a blocking lock request over a raw socket that the caller closes to disconnect. */
  @Test
  @DisplayName("java.net.http with its defaults (it asks for an h2c upgrade) keeps 150 calls waiting and still unlocks")
  void defaultJavaClientIsNotCappedAtHundredCalls() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_2);
    // the holder's call opens the client's connection first, so the waiters would share it under h2c
    HttpResponse<String> locked = client.send(jsonPost("/lock", new JsonObject().put("key", "h1-only").put("ttl", 30)),
      HttpResponse.BodyHandlers.ofString());
    assertThat(locked.statusCode()).isEqualTo(200);
    assertThat(locked.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    String holder = new JsonObject(locked.body()).getString("lockKey");

    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    for (int i = 0; i < WAITERS; i++) {
      waiting.add(client.sendAsync(jsonPost("/lock", new JsonObject().put("key", "h1-only").put("ttl", 30).put("waitTimeout", 3)),
        HttpResponse.BodyHandlers.ofString()));
    }
    // over h2c the 101st call failed at once in the client ("too many concurrent streams")
    await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == WAITERS);

    HttpResponse<String> unlocked = client.send(jsonPost("/unlock", new JsonObject().put("key", "h1-only").put("lockKey", holder)),
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

  private static HttpRequest jsonPost(String path, JsonObject body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + ServiceUnderTest.API + path))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
      .build();
  }

  private static Socket sendLock(String key, double ttl) throws IOException {
    Socket socket = new Socket("127.0.0.1", service.port());
    String body = new JsonObject().put("key", key).put("ttl", ttl).put("waitTimeout", 30).encode();
    OutputStream out = socket.getOutputStream();
    out.write(("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
      .getBytes(StandardCharsets.UTF_8));
    out.flush();
    return socket;
  }
}
