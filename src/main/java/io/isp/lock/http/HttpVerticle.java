package io.isp.lock.http;

import io.isp.lock.api.LocalCodec;
import io.isp.lock.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The HTTP front end: routes, auth, body limits and error mapping. Talks to the LockVerticle over the event bus. */
public final class HttpVerticle extends VerticleBase {

  static final String API = "/api/isp-lock-service";
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final ServiceConfig config;
  private HttpServer server;

  public HttpVerticle(ServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx);
    Router router = Router.router(vertx);
    HealthRoutes.mount(vertx, router, config.deploy().lock());

    if (!config.http().tokens().isEmpty()) {
      router.route("/api/*").handler(new TokenAuthHandler(config.http().tokens()));
    }
    router.post(API + "/*").handler(LockApi::requireJson);
    // preallocate: a buffer of the request's Content-Length (bodies are ~60 bytes) instead of 1 KB
    // per request, about a tenth of the service's allocation per lock + unlock pair
    router.post(API + "/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setPreallocateBodyBuffer(true));
    LockApi api = new LockApi(vertx, config);
    router.post(API + "/lock").handler(api::lock);
    router.post(API + "/unlock").handler(api::unlock);
    router.post(API + "/extend").handler(api::extend);
    router.get(API + LockApi.STATUS_PATH + "*").handler(api::status);

    router.errorHandler(400, LockApi::malformed);
    router.errorHandler(404, ctx -> Problems.send(ctx, HttpError.NOT_FOUND, null, "no endpoint at " + ctx.request().path()));
    router.errorHandler(405, ctx -> Problems.send(ctx, HttpError.METHOD_NOT_ALLOWED, null,
      ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> Problems.send(ctx, HttpError.PAYLOAD_TOO_LARGE, null,
      "the request body exceeds " + MAX_BODY_BYTES + " bytes"));
    router.errorHandler(415, ctx -> Problems.send(ctx, HttpError.UNSUPPORTED_MEDIA_TYPE, null, "Content-Type must be application/json"));
    router.errorHandler(500, HttpVerticle::internalError);

    server = vertx.createHttpServer(new HttpServerOptions()
      .setHost(config.http().host())
      .setPort(config.http().port())
      .setMaxInitialLineLength(8192)
      // HTTP/1.1 only. With h2c on, a client that upgrades (java.net.http does by default) puts
      // every call on one connection, and HTTP/2 caps a connection at 100 open streams: the 101st
      // blocked lock call, or the unlock that would free them, failed with "too many concurrent
      // streams". Over HTTP/1.1 each waiting call holds its own connection and none limits another.
      .setHttp2ClearTextEnabled(false));
    return server.requestHandler(router).listen();
  }

  /** Stops accepting, lets in-flight requests finish within {@code http.shutdownTimeout}. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.http().shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A bug in a handler: logged once, with an id that the client's problem carries too. */
  private static void internalError(RoutingContext ctx) {
    String requestId = "http-" + UUID.randomUUID();
    System.getLogger(HttpVerticle.class.getName()).log(System.Logger.Level.ERROR,
      "request " + requestId + " (" + ctx.request().method() + " " + ctx.request().path() + ") failed", ctx.failure());
    Problems.internalError(ctx, requestId);
  }
}
