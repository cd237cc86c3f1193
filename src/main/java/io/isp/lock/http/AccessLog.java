package io.isp.lock.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * {@code log.access: true}: one info record per HTTP request on the logger {@value #LOGGER}, with the
 * method, the route's template ({@code /api/isp-lock-service/locks/*}), the status, the duration in
 * milliseconds and the client's address, as SLF4J key-value pairs (fields of the JSON line) and in
 * the message (the text line). Never the path itself, a header or a body: keys appear in paths,
 * tokens in headers, lockKeys in bodies.
 *
 * <p>One per HttpVerticle, on its event loop. It must be the router's first route, so that it times
 * the whole request.
 */
final class AccessLog implements Handler<RoutingContext> {

  static final String LOGGER = "access";
  /** The route of a request that no endpoint serves (a 404, or one the HTTP decoder rejected); the method of the latter. */
  static final String NONE = "-";
  /** The status of a request whose client closed the connection before the response (nginx's code). */
  static final int CLIENT_CLOSED = 499;

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final Router router;
  /** The routes that serve endpoints, read once the first request comes: by then every route is there. */
  private List<Route> endpoints;

  AccessLog(Router router) {
    this.router = router;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (LOG.isInfoEnabled()) {
      long start = System.nanoTime();
      String route = route(ctx);
      ctx.addEndHandler(ended -> log(ctx.request().method().name(), route, ctx.request(),
        ended.succeeded() ? ctx.response().getStatusCode() : CLIENT_CLOSED, start));
    }
    ctx.next();
  }

  /**
   * {@code answer} (the server's invalidRequestHandler) and its access line: such a request has no
   * route, and no method either (the decoder's stand-in, GET, would mislead).
   */
  Handler<HttpServerRequest> invalidRequests(Handler<HttpServerRequest> answer) {
    return request -> {
      long start = System.nanoTime();
      answer.handle(request);
      if (LOG.isInfoEnabled()) {
        log(NONE, NONE, request, request.response().getStatusCode(), start);
      }
    };
  }

  private String route(RoutingContext ctx) {
    if (endpoints == null) {
      endpoints = MethodRouting.endpoints(router);
    }
    String path;
    try {
      path = ctx.normalizedPath();
    } catch (RuntimeException unreadable) {
      path = null; // a path vertx-web cannot normalize serves no endpoint
    }
    if (path != null) {
      for (Route endpoint : endpoints) {
        if (MethodRouting.matches(endpoint, path)) {
          return MethodRouting.template(endpoint);
        }
      }
    }
    return NONE;
  }

  private static void log(String method, String route, HttpServerRequest request, int status, long startNanos) {
    // microseconds: most lock calls take well under a millisecond
    double ms = (System.nanoTime() - startNanos) / 1_000 / 1_000.0;
    SocketAddress remote = request.remoteAddress();
    String client = remote == null || remote.hostAddress() == null ? "-" : remote.hostAddress();
    LOG.atInfo()
      .addKeyValue("method", method)
      .addKeyValue("route", route)
      .addKeyValue("status", status)
      .addKeyValue("duration", ms)
      .addKeyValue("client", client)
      .log("{} {} {} {}ms {}", method, route, status, ms, client);
  }
}
