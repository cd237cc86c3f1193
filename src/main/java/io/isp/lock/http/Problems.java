package io.isp.lock.http;

import io.isp.lock.lock.ErrorCode;
import io.isp.lock.lock.LockException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

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

  static void send(RoutingContext ctx, ErrorCode error, String field, String detail) {
    send(ctx.response(), ctx.request().path(), error, field, detail);
  }

  /**
   * For answers made below the router (invalid requests), where there is no routing context.
   * {@code instance}: the request path, or null when there is none to name.
   */
  static void send(HttpServerResponse response, String instance, ErrorCode error, String field, String detail) {
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
    response.setStatusCode(error.status()).putHeader("Content-Type", CONTENT_TYPE);
    if (error.status() == 503) {
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    response.end(body.toBuffer());
  }
}
