package io.isp.lock.session;

import io.isp.lock.api.LockBus;
import io.isp.lock.api.LockRequests;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.config.SessionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

import java.util.UUID;

/**
 * {@code GET /api/isp-lock-service/session} of one HTTP verticle, once the request has passed the
 * token check: upgrades it to a WebSocket and runs a {@link Session} on it. Holds what the verticle's
 * sessions share: the event-bus hop, the request validation, the settings and the request ids.
 */
public final class SessionEndpoint {

  private static final System.Logger LOG = System.getLogger(SessionEndpoint.class.getName());

  private final Vertx vertx;
  private final LockBus bus;
  private final LockRequests requests;
  private final SessionConfig config;
  private final Sessions sessions;
  /** Request ids (for cancelling a wait, and the engine's log) are this endpoint's random prefix and a counter. */
  private final String requestIdPrefix = "session-" + UUID.randomUUID() + "-";
  private long requestSequence;

  public SessionEndpoint(Vertx vertx, ServiceConfig config, Sessions sessions) {
    this.vertx = vertx;
    this.bus = new LockBus(vertx, config.deploy().lock(), config.redis().commandTimeout().toMillis());
    this.requests = new LockRequests(config.lock(), config.redis().defaultTtl());
    this.config = config.session();
    this.sessions = sessions;
  }

  /**
   * Upgrades {@code request} (an upgrade request: the caller checked) and starts its session.
   * {@code hardClose} drops the connection without a close handshake, for a peer that stopped reading.
   */
  public void upgrade(HttpServerRequest request, Runnable hardClose) {
    request.toWebSocket()
      .onSuccess(socket -> start(socket, hardClose))
      .onFailure(error -> {
        // a malformed handshake (no Sec-WebSocket-Key, a wrong version): Vert.x has answered it, and
        // the connection guard no longer watches this connection, so it must not linger
        LOG.log(System.Logger.Level.DEBUG, () -> "session upgrade from " + request.remoteAddress() + " failed: " + error);
        request.connection().close();
      });
  }

  private void start(ServerWebSocket socket, Runnable hardClose) {
    Session session = new Session(vertx, socket, hardClose, this);
    sessions.opened(session);
    session.start();
  }

  LockBus bus() {
    return bus;
  }

  LockRequests requests() {
    return requests;
  }

  SessionConfig config() {
    return config;
  }

  Sessions sessions() {
    return sessions;
  }

  String nextRequestId() {
    return requestIdPrefix + (++requestSequence);
  }
}
