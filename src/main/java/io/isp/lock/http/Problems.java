package io.isp.lock.http;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockException;
import io.isp.lock.api.ProblemCode;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Consumer;

/** Writes RFC 9457 {@code application/problem+json} responses. */
final class Problems {

  static final String CONTENT_TYPE = "application/problem+json";
  static final String TYPE_PREFIX = "urn:isp-lock-service:problem:";
  /** Seconds a client should wait before retrying after a 503. */
  static final String RETRY_AFTER_SECONDS = "1";

  private Problems() {
  }

  static void send(RoutingContext ctx, LockException problem) {
    send(ctx, problem.error(), problem.field(), problem.detail());
  }

  /** A failure of the request {@code requestId}: a 500 tells the client that id, which the service's log line carries too. */
  static void send(RoutingContext ctx, LockException problem, String requestId) {
    if (problem.error() == ErrorCode.INTERNAL) {
      internalError(ctx, requestId);
    } else {
      send(ctx, problem);
    }
  }

  /** 500: the client learns only that it was a bug, and the id under which the service logged it. */
  static void internalError(RoutingContext ctx, String requestId) {
    write(ctx.response(), ctx.request().path(), ErrorCode.INTERNAL, null,
      "internal error; the service log has the details under request id " + requestId,
      body -> body.put("requestId", requestId));
  }

  static void send(RoutingContext ctx, ProblemCode error, String field, String detail) {
    send(ctx.response(), ctx.request().path(), error, field, detail);
  }

  /**
   * For answers made below the router (invalid requests), where there is no routing context.
   * {@code instance}: the request path, or null when there is none to name.
   */
  static void send(HttpServerResponse response, String instance, ProblemCode error, String field, String detail) {
    write(response, instance, error, field, detail, body -> { });
  }

  private static void write(HttpServerResponse response, String instance, ProblemCode error, String field, String detail,
                            Consumer<JsonObject> extra) {
    if (response.ended() || response.headWritten()) {
      return;
    }
    JsonObject body = new JsonObject()
      .put("type", TYPE_PREFIX + error.code())
      .put("title", error.title())
      .put("status", error.status())
      .put("detail", field == null ? detail : field + ": " + detail)
      .put("code", error.code());
    if (instance != null) {
      body.put("instance", instance);
    }
    if (field != null) {
      body.put("field", field);
    }
    extra.accept(body);
    response.setStatusCode(error.status()).putHeader("Content-Type", CONTENT_TYPE);
    if (error.status() == 503) {
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    response.end(body.toBuffer());
  }
}
