package io.isp.lock.http;

import io.isp.lock.api.LocalCodec;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.logging.RequestIdLog;
import io.isp.lock.session.SessionEndpoint;
import io.isp.lock.session.Sessions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The HTTP front end: routes, auth, body limits and error mapping. Talks to the LockVerticle over the event bus. */
public final class HttpVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(HttpVerticle.class.getName());

  static final String API = "/api/isp-lock-service";
  static final String METRICS = "/metrics";
  /** The WebSocket lock sessions ({@link io.isp.lock.session.SessionEndpoint}). */
  static final String SESSION_PATH = "/session";
  /** The subprotocol the session endpoint speaks; a client may offer it beside its token ({@link TokenAuthHandler}). */
  static final String SESSION_SUBPROTOCOL = "isp-lock.v1";
  static final int MAX_BODY_BYTES = 64 * 1024;
  /** Longest request line read; longer ones get 414. */
  static final int MAX_INITIAL_LINE_BYTES = 8192;
  /** Largest header section read; larger ones get 431. */
  static final int MAX_HEADER_BYTES = HttpServerOptions.DEFAULT_MAX_HEADER_SIZE;

  private final ServiceConfig config;
  private final HttpAdmission admission;
  private final HttpSurface surface;
  private final int port;
  private final Optional<PrometheusMeterRegistry> metrics;
  private final Sessions sessions;
  private HttpServer server;
  private Router router;

  /** The API and the management endpoints on {@code http.port}, without {@code /metrics}. */
  public HttpVerticle(ServiceConfig config, HttpAdmission admission) {
    this(config, admission, HttpSurface.BOTH, config.http().port(), Optional.empty(), new Sessions());
  }

  /**
   * {@code surface} on {@code port} of {@code http.host}, with {@code http.tls.*}. {@code admission}:
   * shared by every HTTP verticle of the process, so the connection cap is the process's.
   * {@code metrics}: what {@code GET /metrics} renders on the management surface; empty, it is 404.
   * {@code sessions}: the process's WebSocket lock sessions, shared like {@code admission}.
   */
  public HttpVerticle(ServiceConfig config, HttpAdmission admission, HttpSurface surface, int port,
                      Optional<PrometheusMeterRegistry> metrics, Sessions sessions) {
    this.config = config;
    this.admission = admission;
    this.surface = surface;
    this.port = port;
    this.metrics = metrics;
    this.sessions = sessions;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx);
    Router router = Router.router(vertx);
    // log.access: the first route, so that it times the whole request
    AccessLog accessLog = config.log().access() ? new AccessLog(router) : null;
    if (accessLog != null) {
      router.route().handler(accessLog);
    }
    // Routes for any method first, endpoints after: a route that matches resets vertx-web's "405 so
    // far" to 404, so an endpoint registered before a catch-all would lose its 405.
    router.route().failureHandler(HttpVerticle::clientWentAway);
    router.route().handler(MethodRouting::headLikeGet);
    ConnectionGuard guard = new ConnectionGuard(vertx, admission, config.http().idleTimeout());
    router.route().handler(guard::requestArrived);
    router.route().handler(new AdmissionGate(admission, guard));
    // Authentication first: without a token nothing under /api/ is revealed, not even which paths exist
    TokenSet tokens = new TokenSet(config.http().tokens());
    TokenSet adminTokens = new TokenSet(config.http().adminTokens());
    if (surface.api() && !tokens.isEmpty()) {
      // a route without a path: vertx-web reports every matched route's path to the metrics
      // (Label.HTTP_ROUTE), and "/api/" would then prefix every API request's route label
      TokenAuthHandler auth = new TokenAuthHandler(tokens, adminTokens);
      router.route().handler(ctx -> {
        String path;
        try {
          path = ctx.normalizedPath();
        } catch (IllegalArgumentException malformed) {
          // a path with a malformed escape: 400, as vertx-web answers when it matches a path route
          ctx.fail(400, malformed);
          return;
        }
        if (path.equals("/api") || path.startsWith("/api/")) {
          auth.handle(ctx);
        } else {
          ctx.next();
        }
      });
    }
    router.route().handler(MethodRouting.options(router));

    if (surface.management()) {
      HealthRoutes.mount(vertx, router, config.deploy().lock());
      // no token, like the probes: operators keep this port off the public network (README)
      metrics.ifPresent(registry -> MethodRouting.getAndHead(router, METRICS).handler(PrometheusScrapingHandler.create(registry)));
    }
    if (surface.api()) {
      apiRoutes(router, tokens, adminTokens, guard);
    }
    this.router = router;
    errorHandlers(router);

    server = vertx.createHttpServer(ServerTls.configure(config.http().tls(), new HttpServerOptions()
      .setHost(config.http().host())
      .setPort(port)
      .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
      .setMaxHeaderSize(MAX_HEADER_BYTES)
      // HTTP/1.1 only. With h2c on, a client that upgrades (java.net.http does by default) puts
      // every call on one connection, and HTTP/2 caps a connection at 100 open streams: the 101st
      // blocked lock call, or the unlock that would free them, failed with "too many concurrent
      // streams". Over HTTP/1.1 each waiting call holds its own connection and none limits another.
      .setHttp2ClearTextEnabled(false)
      // sessions: one text frame of JSON per request, as large as an HTTP body may be (a larger
      // frame closes the session with 1009: Session); no compression (frames are tens of bytes,
      // and a deflated frame could inflate past any limit)
      .setMaxWebSocketFrameSize(MAX_BODY_BYTES)
      .setMaxWebSocketMessageSize(MAX_BODY_BYTES)
      .setPerFrameWebSocketCompressionSupported(false)
      .setPerMessageWebSocketCompressionSupported(false)
      .setWebSocketSubProtocols(List.of(SESSION_SUBPROTOCOL))
      // a peer that does not answer our close frame (1001, 1003, 1009) is dropped after this many seconds
      .setWebSocketClosingTimeout(2)));
    return server.connectionHandler(guard::connected)
      .invalidRequestHandler(accessLog == null ? InvalidRequests::answer : accessLog.invalidRequests(InvalidRequests::answer))
      .requestHandler(router)
      .listen();
  }

  /** The lock API: {@code /api/isp-lock-service/...} and {@code /openapi.yaml}. */
  private void apiRoutes(Router router, TokenSet tokens, TokenSet adminTokens, ConnectionGuard guard) {
    // preallocate: a buffer of the request's Content-Length (bodies are ~60 bytes) instead of 1 KB
    // per request, about a tenth of the service's allocation per lock + unlock pair
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setPreallocateBodyBuffer(true);
    LockApi api = new LockApi(vertx, config);
    // Per path, not a catch-all "POST /api/*": that made vertx-web answer every unknown path under
    // /api/ with 405 (a POST route matched its path). One route per endpoint, so that vertx-web
    // reports one route to the metrics; the content type is checked before the body is read.
    router.post(API + "/lock").handler(LockApi.REQUIRE_JSON).handler(body).handler(api::lock);
    router.post(API + "/unlock").handler(LockApi.REQUIRE_JSON).handler(body).handler(api::unlock);
    router.post(API + "/extend").handler(LockApi.REQUIRE_JSON).handler(body).handler(api::extend);
    MethodRouting.getAndHead(router, API + LockApi.LIST_PATH).handler(api::list);
    MethodRouting.getAndHead(router, API + LockApi.STATUS_PATH + "*").handler(api::status);
    MethodRouting.deleteUnder(router, API + LockApi.STATUS_PATH + "*")
      .handler(new AdminAuth(adminTokens, tokens))
      .handler(api::forceUnlock);
    SessionEndpoint sessionEndpoint = new SessionEndpoint(vertx, config, sessions);
    MethodRouting.getAndHead(router, API + SESSION_PATH).handler(ctx -> openSession(ctx, guard, sessionEndpoint));
    OpenApiRoute.mount(router);
  }

  /**
   * A WebSocket upgrade (the token was checked like any API request's) becomes a session; the
   * connection guard's idle timeout stops there, the session watches its peer with pings. A plain
   * GET gets 400: nothing but a WebSocket is served here.
   */
  private static void openSession(RoutingContext ctx, ConnectionGuard guard, SessionEndpoint endpoint) {
    HttpServerRequest request = ctx.request();
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    if (request.method() != HttpMethod.GET || upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
      Problems.send(ctx, HttpError.BAD_REQUEST, null,
        "this endpoint speaks WebSocket only: open it with a WebSocket client (Upgrade: websocket)");
      return;
    }
    HttpConnection connection = request.connection();
    guard.upgraded(connection);
    endpoint.upgrade(request, () -> {
      if (connection instanceof ConnectionBase base) {
        base.channel().close(); // no close frame, no waiting for the peer's
      } else {
        connection.close();
      }
    });
  }

  private void errorHandlers(Router router) {
    // vertx-web's own 400s: a status path's malformed key (invalid_field), or HTTP itself (no Host
    // header, an undecodable chunked body: bad_request)
    router.errorHandler(400, LockApi::malformed);
    router.errorHandler(404, ctx -> Problems.send(ctx, HttpError.NOT_FOUND, null, "no endpoint at " + ctx.request().path()));
    router.errorHandler(405, ctx -> methodNotAllowed(router, ctx));
    router.errorHandler(413, ctx -> Problems.send(ctx, HttpError.PAYLOAD_TOO_LARGE, null,
      "the request body exceeds " + MAX_BODY_BYTES + " bytes"));
    router.errorHandler(415, ctx -> Problems.send(ctx, HttpError.UNSUPPORTED_MEDIA_TYPE, null, "Content-Type must be application/json"));
    router.errorHandler(500, HttpVerticle::internalError);
  }

  /** The routes this verticle serves, for OpenApiContractTest to compare with the OpenAPI document. */
  Router router() {
    return router;
  }

  /** Stops accepting, lets in-flight requests finish within {@code http.shutdownTimeout}. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.http().shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A bug in a handler: logged once, with an id that the client's problem carries too. */
  private static void internalError(RoutingContext ctx) {
    String requestId = "http-" + UUID.randomUUID();
    RequestIdLog.withRequestId(requestId, () -> LOG.log(System.Logger.Level.ERROR,
      "request " + requestId + " (" + ctx.request().method() + " " + ctx.request().path() + ") failed", ctx.failure()));
    Problems.internalError(ctx, requestId);
  }

  /**
   * 405 names the allowed methods. vertx-web also says 405 for {@code .../locks} (its prefix route's
   * bare prefix), where no method is allowed: that path does not exist, so 404.
   */
  private static void methodNotAllowed(Router router, RoutingContext ctx) {
    String allow = MethodRouting.allow(router, ctx.normalizedPath());
    if (allow == null) {
      Problems.send(ctx, HttpError.NOT_FOUND, null, "no endpoint at " + ctx.request().path());
    } else {
      ctx.response().putHeader(HttpHeaders.ALLOW, allow);
      Problems.send(ctx, HttpError.METHOD_NOT_ALLOWED, null,
        ctx.request().method() + " is not allowed on " + ctx.request().path());
    }
  }

  /**
   * A client that disconnects while sending its body fails the routing with HttpClosedException
   * (BodyHandler, status 200, which no error handler takes, so vertx-web logged it at SEVERE as an
   * unhandled exception). A client going away is not a server error, and nobody is left to answer.
   * Any other failure with that status, or with 400 (BodyHandler's status for a Netty
   * DecoderException; none of our handlers fails with 400), is the body's stream breaking: the HTTP
   * decoder could not read it (a chunk size that is not hex or overflows, a chunk without its CRLF).
   * vertx-web logged the first at ERROR and answered {@code 200 OK}, and neither answer reached the
   * client; it is the client's malformed request, so 400 bad_request, and Vert.x closes the
   * connection right after (the decoder cannot find the next request).
   */
  private static void clientWentAway(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpClosedException || failure != null && failure.getCause() instanceof HttpClosedException) {
      LOG.log(System.Logger.Level.DEBUG, () -> "client went away during " + ctx.request().method() + " "
        + ctx.request().path() + " (" + ctx.request().remoteAddress() + ")");
    } else if (failure != null && (ctx.statusCode() == 200 || ctx.statusCode() == 400)) {
      if (!ctx.response().ended() && !ctx.response().closed()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        Problems.send(ctx, HttpError.BAD_REQUEST, null, "the request body is not valid HTTP/1.1"
          + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
        // We run inside the read that failed: Vert.x flushes writes when the read completes, but it
        // closes the channel first, which drops the unflushed answer. Flush it now.
        if (ctx.request().connection() instanceof ConnectionBase connection) {
          connection.channel().flush();
        }
      }
    } else {
      ctx.next();
    }
  }
}
