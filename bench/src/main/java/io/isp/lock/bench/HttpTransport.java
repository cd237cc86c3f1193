package io.isp.lock.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The service's HTTP API through one Vert.x HTTP client: keep-alive, no pipelining, one pooled
 * connection per concurrent client, so each closed-loop client effectively owns a connection.
 */
final class HttpTransport implements Transport, AutoCloseable {

  private static final String API = "/api/isp-lock-service";

  private final HttpClientAgent client;
  private final long requestTimeoutMs;

  /**
   * @param connections pool size: the most requests in flight at once
   * @param requestTimeoutMs a request with no answer for this long fails (counted as an error)
   */
  HttpTransport(Vertx vertx, int port, int connections, long requestTimeoutMs) {
    this.requestTimeoutMs = requestTimeoutMs;
    this.client = vertx.createHttpClient(
      new HttpClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(port)
        .setKeepAlive(true)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setConnectTimeout(60_000),
      new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  @Override
  public Future<Reply> lock(JsonObject body) {
    return post("/lock", body);
  }

  @Override
  public Future<Reply> unlock(JsonObject body) {
    return post("/unlock", body);
  }

  /** {@code POST} of {@code body} to {@code path} under the API (e.g. {@code /semaphore/acquire}). */
  Future<Reply> post(String path, JsonObject body) {
    return send(HttpMethod.POST, API + path, body.toBuffer());
  }

  /** {@code GET /health/ready}: its {@code data.waiters} tells how many lock calls the service holds blocked. */
  Future<Reply> ready() {
    return send(HttpMethod.GET, "/health/ready", null);
  }

  private Future<Reply> send(HttpMethod method, String uri, Buffer payload) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(requestTimeoutMs);
    if (payload != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client.request(options)
      .compose(request -> payload == null ? request.send() : request.send(payload))
      .compose(response -> response.body().map(body -> new Reply(response.statusCode(), json(body), null)))
      .otherwise(Reply::failed);
  }

  private static JsonObject json(Buffer body) {
    try {
      return body.length() == 0 ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
