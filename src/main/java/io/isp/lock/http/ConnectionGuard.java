package io.isp.lock.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Closes the connections of one HTTP verticle that hold a file descriptor for nothing:
 * <ul>
 *   <li>no request in progress for {@code http.idleTimeout} since the connection opened or its last
 *   response ended (idle, or a request header still incomplete: slowloris);</li>
 *   <li>a request whose body has not fully arrived {@code http.idleTimeout} after its header
 *   (a body shorter than its Content-Length);</li>
 *   <li>over {@code http.maxConnections}: no request within {@link #OVER_LIMIT_GRACE_MS}.</li>
 * </ul>
 * A request that has fully arrived is being handled, and its connection is never idle while it
 * waits (a lock call may wait minutes). Vert.x's own idle timeout counts bytes, not requests, so it
 * would cut such a wait; hence this guard.
 *
 * <p>Confined to the verticle's event loop: connections, requests and timers all run there. One
 * timer per connection, moved lazily: it fires at the deadline it was set for, and if the deadline
 * has moved on since, it sets itself again for the rest.
 */
final class ConnectionGuard {

  /** How long a connection over the cap has to send its one request. */
  static final long OVER_LIMIT_GRACE_MS = 1000;

  private final Vertx vertx;
  private final HttpAdmission admission;
  private final long idleTimeoutNanos;
  private final Map<HttpConnection, Watch> watches = new HashMap<>();

  ConnectionGuard(Vertx vertx, HttpAdmission admission, Duration idleTimeout) {
    this.vertx = vertx;
    this.admission = admission;
    this.idleTimeoutNanos = idleTimeout.toNanos();
  }

  /** {@link io.vertx.core.http.HttpServer#connectionHandler}. */
  void connected(HttpConnection connection) {
    HttpAdmission.Verdict verdict = admission.connected();
    Watch watch = new Watch(connection, verdict == HttpAdmission.Verdict.OVER_LIMIT);
    watches.put(connection, watch);
    connection.closeHandler(closed -> {
      watches.remove(connection);
      watch.stop();
      admission.disconnected();
    });
    if (verdict == HttpAdmission.Verdict.REFUSE) {
      connection.close();
    } else {
      watch.deadlineIn(watch.overLimit ? TimeUnit.MILLISECONDS.toNanos(OVER_LIMIT_GRACE_MS) : idleTimeoutNanos);
    }
  }

  /** The first route: a request's header has arrived. */
  void requestArrived(RoutingContext ctx) {
    Watch watch = watches.get(ctx.request().connection());
    if (watch != null) {
      watch.requestArrived(ctx);
    }
    ctx.next();
  }

  /**
   * The connection became a WebSocket session: its request never ends, and the session watches its
   * peer itself (pings, {@code session.idleTimeout}). Still counted until it closes.
   */
  void upgraded(HttpConnection connection) {
    Watch watch = watches.get(connection);
    if (watch != null) {
      watch.stop();
    }
  }

  /** Whether this connection came in over {@code http.maxConnections}. */
  boolean overLimit(HttpConnection connection) {
    Watch watch = watches.get(connection);
    return watch != null && watch.overLimit;
  }

  private final class Watch {

    private final HttpConnection connection;
    private final boolean overLimit;
    private long deadline;
    private long timer = -1;
    /** The request in progress: from its header's arrival to its response's end. */
    private HttpServerRequest request;
    /** {@link #request} has fully arrived and is being handled: not idle, however long it takes. */
    private boolean handling;
    /** The connection has closed: no more timers (a response's end may still be reported after). */
    private boolean closed;

    Watch(HttpConnection connection, boolean overLimit) {
      this.connection = connection;
      this.overLimit = overLimit;
    }

    void requestArrived(RoutingContext ctx) {
      HttpServerRequest arrived = ctx.request();
      request = arrived;
      if (!overLimit) {
        deadlineIn(idleTimeoutNanos); // now for the body
      }
      // (a body cut short by a disconnect fails it: the connection is going anyway)
      arrived.end().onSuccess(read -> {
        if (request == arrived) {
          handling = true;
        }
      });
      // may come before the body is fully read (an early 4xx): the rest of it is then idle time
      ctx.addEndHandler(answered -> {
        if (request == arrived) {
          request = null;
          deadlineIn(overLimit ? TimeUnit.MILLISECONDS.toNanos(OVER_LIMIT_GRACE_MS) : idleTimeoutNanos);
        }
      });
    }

    void deadlineIn(long nanos) {
      handling = false;
      deadline = System.nanoTime() + nanos;
      if (timer == -1 && !closed) {
        schedule(nanos);
      }
    }

    private void schedule(long nanos) {
      timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)), fired -> expired());
    }

    private void expired() {
      timer = -1;
      if (handling) {
        return; // set again when the response ends
      }
      long left = deadline - System.nanoTime();
      if (left > 0) {
        schedule(left);
      } else {
        connection.close();
      }
    }

    void stop() {
      closed = true;
      if (timer != -1) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }
}
