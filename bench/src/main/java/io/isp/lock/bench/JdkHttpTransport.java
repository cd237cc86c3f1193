package io.isp.lock.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The same HTTP calls through {@code java.net.http.HttpClient}, for comparison ({@code --http-client
 * jdk}); the Vert.x client ({@link HttpTransport}) is the default because it drives more pairs/s
 * on 2 cores. Answers are handed back on the calling Vert.x context.
 */
final class JdkHttpTransport implements Transport {

  private final Vertx vertx;
  private final HttpClient client;
  private final URI lock;
  private final URI unlock;
  private final Duration timeout;

  JdkHttpTransport(Vertx vertx, int port, long requestTimeoutMs) {
    this.vertx = vertx;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    this.lock = URI.create("http://127.0.0.1:" + port + "/api/isp-lock-service/lock");
    this.unlock = URI.create("http://127.0.0.1:" + port + "/api/isp-lock-service/unlock");
    this.timeout = Duration.ofMillis(requestTimeoutMs);
  }

  @Override
  public Future<Reply> lock(JsonObject body) {
    return post(lock, body);
  }

  @Override
  public Future<Reply> unlock(JsonObject body) {
    return post(unlock, body);
  }

  private Future<Reply> post(URI uri, JsonObject body) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    return Future.fromCompletionStage(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()), vertx.getOrCreateContext())
      .map(response -> new Reply(response.statusCode(), json(response.body()), null))
      .otherwise(Reply::failed);
  }

  private static JsonObject json(String body) {
    try {
      return body == null || body.isEmpty() ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
