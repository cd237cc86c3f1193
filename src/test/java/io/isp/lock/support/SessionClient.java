package io.isp.lock.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket lock session as a well-behaved client holds it (it answers pings: Vert.x does), with a
 * blocking API for tests: {@link #call} sends a request with a fresh id and returns the reply's future;
 * events ({@code lost}) and replies without an id queue up in {@link #unsolicited()}.
 */
public final class SessionClient implements AutoCloseable {

  public static final String PATH = "/api/isp-lock-service/session";

  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Object, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
  private final BlockingQueue<JsonObject> unsolicited = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private SessionClient(Vertx vertx, WebSocketClient client, WebSocket socket) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      Object id = message.getValue("id");
      CompletableFuture<JsonObject> waiting = id == null ? null : replies.remove(id);
      if (waiting != null) {
        waiting.complete(message);
      } else {
        unsolicited.add(message);
      }
    });
    socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
  }

  /** Opens a session on {@code port} with these request headers (e.g. the token). */
  public static SessionClient open(int port, String... headers) {
    return ServiceUnderTest.await(connect(port, List.of(), headers));
  }

  /** The upgrade's outcome: a session, or the failure (an {@code UpgradeRejectedException} carries the status). */
  public static Future<SessionClient> connect(int port, List<String> subprotocols, String... headers) {
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(PATH)
      .setSubProtocols(subprotocols);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    return client.connect(options).map(socket -> new SessionClient(vertx, client, socket))
      .onFailure(error -> vertx.close());
  }

  /** Sends {@code request} with the next id; the future completes with the reply. */
  public CompletableFuture<JsonObject> call(JsonObject request) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    replies.put(id, reply);
    socket.writeTextMessage(request.copy().put("id", id).encode());
    return reply;
  }

  /** {@link #call} and its reply, within 30 s. */
  public JsonObject request(JsonObject request) {
    return get(call(request));
  }

  public JsonObject lock(String key, double ttlSeconds, double waitSeconds) {
    return request(new JsonObject().put("op", "lock").put("key", key).put("ttl", ttlSeconds).put("waitTimeout", waitSeconds));
  }

  /** Sends this text as it is (malformed frames). */
  public void sendText(String text) {
    socket.writeTextMessage(text);
  }

  /** Sends ASCII {@code text} as one message in frames of {@code frameBytes} (a text frame, then continuations). */
  public void sendFragmented(String text, int frameBytes) {
    Buffer all = Buffer.buffer(text);
    for (int from = 0; from < all.length(); from += frameBytes) {
      Buffer part = all.getBuffer(from, Math.min(all.length(), from + frameBytes));
      boolean last = from + frameBytes >= all.length();
      socket.writeFrame(from == 0 ? textFrame(part, last) : WebSocketFrame.continuationFrame(part, last));
    }
  }

  private static WebSocketFrame textFrame(Buffer part, boolean last) {
    return WebSocketFrame.textFrame(part.toString(), last);
  }

  public void sendBinary(byte[] bytes) {
    socket.writeBinaryMessage(Buffer.buffer(bytes));
  }

  /** The next event or id-less reply, within {@code seconds}; null if none came. */
  public JsonObject nextUnsolicited(double seconds) {
    try {
      return unsolicited.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public BlockingQueue<JsonObject> unsolicited() {
    return unsolicited;
  }

  /** Completes with the close status the server sent (null: none, the connection just dropped). */
  public CompletableFuture<Short> closed() {
    return closed;
  }

  @Override
  public void close() {
    try {
      if (!socket.isClosed()) {
        ServiceUnderTest.await(socket.close());
      }
    } catch (RuntimeException ignored) {
      // already gone
    } finally {
      client.close();
      vertx.close();
    }
  }

  public static <T> T get(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
