package io.isp.lock.http;

import io.isp.lock.config.ServiceConfig;
import io.isp.lock.lock.ErrorCode;
import io.isp.lock.lock.LockAddresses;
import io.isp.lock.lock.LockCommand;
import io.isp.lock.lock.LockException;
import io.isp.lock.lock.LockRequests;
import io.isp.lock.lock.Unicode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;
import java.util.function.Supplier;

/**
 * The lock endpoints: validate the body, send it over the event bus to the LockVerticle, and map
 * the reply (or failure) to HTTP. No Redis here.
 */
final class LockApi {

  static final String STATUS_PATH = "/locks/";

  private final Vertx vertx;
  private final LockRequests requests;
  private final long commandTimeoutMs;
  /** Request ids are this instance's random prefix and a counter: unique, and cheap to make. */
  private final String requestIdPrefix = UUID.randomUUID() + "-";
  private long requestSequence;

  LockApi(Vertx vertx, ServiceConfig config) {
    this.vertx = vertx;
    this.requests = new LockRequests(config.lock(), config.redis().defaultTtl());
    this.commandTimeoutMs = config.redis().commandTimeout().toMillis();
  }

  /**
   * A client that disconnects while waiting has its wait cancelled; a lock granted to it anyway
   * (the grant and the disconnect crossed) is released at once.
   */
  void lock(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    LockCommand command = body == null ? null : validated(ctx, () -> requests.lock(body));
    if (command == null) {
      return;
    }
    String requestId = requestIdPrefix + (++requestSequence);
    DeliveryOptions delivery = delivery(command.waitMs()).addHeader(LockAddresses.REQUEST_ID_HEADER, requestId);
    if (command.waitMs() > 0) {
      ctx.response().closeHandler(closed -> vertx.eventBus()
        .publish(LockAddresses.CANCEL, new JsonObject().put("requestId", requestId)));
    }
    vertx.eventBus().<JsonObject>request(LockAddresses.LOCK, body, delivery).onComplete(outcome -> {
      if (outcome.succeeded() && ctx.response().closed()) {
        vertx.eventBus().request(LockAddresses.UNLOCK, new JsonObject().put("key", command.key())
          .put("lockKey", outcome.result().body().getString("lockKey")), delivery(0));
      } else {
        reply(ctx, outcome);
      }
    });
  }

  void unlock(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body != null && validated(ctx, () -> requests.unlock(body)) != null) {
      forward(ctx, LockAddresses.UNLOCK, body, 0);
    }
  }

  void extend(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body != null && validated(ctx, () -> requests.extend(body)) != null) {
      forward(ctx, LockAddresses.EXTEND, body, 0);
    }
  }

  /** {@code GET .../locks/{key}}: the key is the rest of the path, percent-decoded (so it may contain '/'); see {@link PathKey}. */
  void status(RoutingContext ctx) {
    String path = ctx.request().path();
    String encoded = path.substring(path.indexOf(STATUS_PATH) + STATUS_PATH.length());
    String key;
    try {
      key = PathKey.decode(encoded);
    } catch (LockException invalid) {
      Problems.send(ctx, invalid);
      return;
    }
    JsonObject body = new JsonObject().put("key", key);
    if (validated(ctx, () -> requests.status(body)) != null) {
      forward(ctx, LockAddresses.STATUS, body, 0);
    }
  }

  /**
   * The router refused the request before any route saw it (e.g. a path with a malformed
   * percent-escape): on the status route that is the key's fault, and the problem says so.
   */
  static void malformed(RoutingContext ctx) {
    String path = ctx.request().path();
    int keyAt = path == null ? -1 : path.indexOf(HttpVerticle.API + STATUS_PATH);
    if (keyAt == 0) {
      try {
        PathKey.decode(path.substring(HttpVerticle.API.length() + STATUS_PATH.length()));
      } catch (LockException invalid) {
        Problems.send(ctx, invalid);
        return;
      }
    }
    Problems.send(ctx, ErrorCode.INVALID_JSON, null, "malformed request");
  }

  /** Rejects non-JSON content types before the body is read. */
  static void requireJson(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    // absent is tolerated: the original service and many of its clients never set it
    if (contentType != null && !isJson(contentType)) {
      Problems.send(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, null,
        "Content-Type must be application/json, got '" + contentType + "'");
      return;
    }
    ctx.next();
  }

  private static boolean isJson(String contentType) {
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase();
    return mediaType.equals("application/json") || mediaType.startsWith("application/") && mediaType.endsWith("+json");
  }

  private void forward(RoutingContext ctx, String address, JsonObject body, long waitMs) {
    vertx.eventBus().<JsonObject>request(address, body, delivery(waitMs)).onComplete(outcome -> reply(ctx, outcome));
  }

  /** The LockVerticle answers within the wait plus a Redis call or two; past that it is gone. */
  private DeliveryOptions delivery(long waitMs) {
    return new DeliveryOptions().setSendTimeout(waitMs + 2 * commandTimeoutMs + 1000);
  }

  private static void reply(RoutingContext ctx, AsyncResult<Message<JsonObject>> outcome) {
    if (ctx.response().closed()) {
      return;
    }
    if (outcome.succeeded()) {
      ctx.response().putHeader("Content-Type", "application/json").end(outcome.result().body().toBuffer());
    } else {
      Problems.send(ctx, toProblem(outcome.cause()));
    }
  }

  static LockException toProblem(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> new LockException(ErrorCode.LOCK_SERVICE_UNAVAILABLE, "no lock service is running");
        case TIMEOUT -> new LockException(ErrorCode.LOCK_SERVICE_UNAVAILABLE, "the lock service did not answer in time");
        default -> LockException.fromReply(reply);
      };
    }
    return new LockException(ErrorCode.INTERNAL, String.valueOf(failure));
  }

  /** The validated command, or null after answering 400 naming the field. */
  private static <T> T validated(RoutingContext ctx, Supplier<T> validation) {
    try {
      return validation.get();
    } catch (LockException invalid) {
      Problems.send(ctx, invalid);
      return null;
    }
  }

  /** The body as a JSON object, or null after answering 400. */
  private static JsonObject jsonBody(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      Problems.send(ctx, ErrorCode.INVALID_JSON, null, "the request body must be a JSON object, got nothing");
      return null;
    }
    // JSON text is Unicode (RFC 8259 8.1): malformed or overlong UTF-8, and escaped lone surrogates,
    // would otherwise be decoded leniently or replaced, and two different keys could meet in Redis
    if (!Unicode.isWellFormedUtf8(raw)) {
      Problems.send(ctx, ErrorCode.INVALID_JSON, null, "the request body is not valid UTF-8");
      return null;
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(raw);
    } catch (DecodeException e) {
      Problems.send(ctx, ErrorCode.INVALID_JSON, null, "the request body is not valid JSON");
      return null;
    }
    if (!(parsed instanceof JsonObject object)) {
      Problems.send(ctx, ErrorCode.INVALID_JSON, null, "the request body must be a JSON object");
      return null;
    }
    if (Unicode.hasLoneSurrogate(object)) {
      Problems.send(ctx, ErrorCode.INVALID_JSON, null, "the request body has a string with a lone UTF-16 surrogate, which is not Unicode text");
      return null;
    }
    return object;
  }
}
