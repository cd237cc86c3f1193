package io.isp.lock.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lock command's session: a WebSocket to {@code /api/isp-lock-service/session}, one JSON object
 * per text frame. Requests get an id; replies, {@code lost} events and the session's end are posted
 * to the main thread's queue. It pings the service every half second, and declares the session
 * over when nothing came back for {@link #SILENCE_LIMIT_MS}. On a partition the service, which last
 * heard a ping at most half a second before it, ends the session after {@code session.idleTimeout}
 * (3 s by default), at least 2.5 s after the partition; the command gives up after 2 to 2.25 s of
 * silence, which began at most half a second before the partition: before the service can hand
 * the lock to anyone else.
 */
final class SessionClient {

  static final long CONNECT_TIMEOUT_MS = 10_000;
  static final long PING_INTERVAL_MS = 500;
  static final long SILENCE_LIMIT_MS = 2_000;
  /** How often the silence is checked: the give-up comes at most this late. */
  private static final long CHECK_INTERVAL_MS = 250;

  private final Vertx vertx;
  private final BlockingQueue<CliEvent> events;
  private final AtomicLong ids = new AtomicLong();
  /** Held for the whole run: Vert.x closes a client nobody references any more, and its connections with it. */
  private WebSocketClient client;
  private volatile WebSocket socket;
  private volatile long lastHeardNanos;
  private volatile boolean closing;
  private volatile Throwable lastError;

  SessionClient(Vertx vertx, BlockingQueue<CliEvent> events) {
    this.vertx = vertx;
    this.events = events;
  }

  /** Opens the session; {@link CliEvent.Connected} follows on the queue. */
  void connect(CliArguments arguments) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost(arguments.url().getHost())
      .setPort(arguments.port())
      .setSsl(arguments.tls())
      .setURI(arguments.sessionPath())
      .setConnectTimeout(CONNECT_TIMEOUT_MS)
      .setTimeout(CONNECT_TIMEOUT_MS);
    if (!arguments.token().isEmpty()) {
      options.addHeader("X-Application-Token", arguments.token());
    }
    client = vertx.createWebSocketClient(new WebSocketClientOptions());
    client.connect(options)
      .onComplete(connected -> {
        if (connected.succeeded()) {
          opened(connected.result());
          events.add(new CliEvent.Connected(null));
        } else {
          events.add(new CliEvent.Connected(connected.cause()));
        }
      });
  }

  private void opened(WebSocket webSocket) {
    socket = webSocket;
    lastHeardNanos = System.nanoTime();
    webSocket.textMessageHandler(this::received);
    webSocket.pongHandler(pong -> lastHeardNanos = System.nanoTime());
    webSocket.exceptionHandler(error -> lastError = error);
    webSocket.closeHandler(closed -> {
      if (!closing) {
        Short code = webSocket.closeStatusCode();
        String reason = webSocket.closeReason();
        events.add(new CliEvent.SessionEnded("the session closed"
          + (code == null ? "" : " (WebSocket close " + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")")
          + (lastError == null ? "" : ": " + lastError.getMessage())));
      }
    });
    vertx.setPeriodic(CHECK_INTERVAL_MS, new Heartbeat());
  }

  /** Pings every {@link #PING_INTERVAL_MS} and watches for silence, every {@link #CHECK_INTERVAL_MS}. */
  private final class Heartbeat implements io.vertx.core.Handler<Long> {
    private long lastPingNanos = System.nanoTime();
    private long lastTickNanos = System.nanoTime();

    @Override
    public void handle(Long timerId) {
      if (closing) {
        vertx.cancelTimer(timerId);
        return;
      }
      long now = System.nanoTime();
      boolean stalled = now - lastTickNanos > TimeUnit.MILLISECONDS.toNanos(SILENCE_LIMIT_MS / 2);
      lastTickNanos = now;
      if (stalled) {
        // this process stood still (a GC pause, a starved CPU), not necessarily the service: what it
        // sent meanwhile is read before the next tick, which judges the silence
        socket.writePing(Buffer.buffer());
        return;
      }
      if (now - lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(SILENCE_LIMIT_MS)) {
        vertx.cancelTimer(timerId);
        events.add(new CliEvent.SessionEnded("the service did not answer for "
          + TimeUnit.NANOSECONDS.toMillis(now - lastHeardNanos) + " ms"));
        return;
      }
      if (now - lastPingNanos >= TimeUnit.MILLISECONDS.toNanos(PING_INTERVAL_MS)) {
        lastPingNanos = now;
        socket.writePing(Buffer.buffer());
      }
    }
  }

  private void received(String text) {
    lastHeardNanos = System.nanoTime();
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return;
    }
    if ("lost".equals(frame.getString("event"))) {
      events.add(new CliEvent.Lost(frame));
    } else if (frame.getValue("id") instanceof Number id) {
      events.add(new CliEvent.Reply(id.longValue(), frame));
    }
  }

  /** Sends {@code request} with a fresh id, which the reply will carry; returns the id. */
  long send(JsonObject request) {
    long id = ids.incrementAndGet();
    socket.writeTextMessage(request.copy().put("id", id).encode());
    return id;
  }

  /** Closes the session normally (1000); the service releases what it still holds. */
  Future<Void> close() {
    closing = true;
    WebSocket webSocket = socket;
    return webSocket == null ? Future.succeededFuture() : webSocket.close((short) 1000, "done");
  }

  /** A one-line reason the session could not be opened. */
  static String describe(Throwable failure) {
    if (failure instanceof UpgradeRejectedException rejected) {
      return switch (rejected.getStatus()) {
        case 401 -> "the service refused the token (401 unauthorized): check --token / ISP_LOCK_TOKEN";
        case 403 -> "the service refused the token (403 forbidden)";
        case 404 -> "no session endpoint there (404): is it an isp-lock-service with sessions?";
        default -> "the service refused the session (HTTP " + rejected.getStatus() + ")";
      };
    }
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }
}
