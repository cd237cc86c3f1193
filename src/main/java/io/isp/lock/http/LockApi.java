package io.isp.lock.http;

import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.ForceUnlockCommand;
import io.isp.lock.api.JsonBodies;
import io.isp.lock.api.ListQuery;
import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockBus;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockRequests;
import io.isp.lock.api.MultiExtendCommand;
import io.isp.lock.api.MultiLockCommand;
import io.isp.lock.api.MultiUnlockCommand;
import io.isp.lock.api.SemaphoreCommand;
import io.isp.lock.api.StatusQuery;
import io.isp.lock.api.UnlockCommand;
import io.isp.lock.config.ServiceConfig;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The lock endpoints: validate the request once, send the typed command over the event bus
 * ({@link LockBus}), and map the reply, or the failure, to HTTP. No Redis here.
 */
final class LockApi {

  static final String STATUS_PATH = "/locks/";
  static final String LIST_PATH = "/locks";
  static final String SEMAPHORE_PATH = "/semaphores/";

  private final LockRequests requests;
  private final LockBus bus;
  /** Request ids are this instance's random prefix and a counter: unique, and cheap to make. */
  private final String requestIdPrefix = UUID.randomUUID() + "-";
  private long requestSequence;

  LockApi(Vertx vertx, ServiceConfig config) {
    this.requests = new LockRequests(config.lock(), config.redis().defaultTtl());
    this.bus = new LockBus(vertx, config.deploy().lock(), config.redis().commandTimeout().toMillis());
  }

  /**
   * A client that disconnects while waiting has its wait cancelled; a lock granted to it anyway
   * (the grant and the disconnect crossed) is released at once.
   */
  void lock(RoutingContext ctx) {
    JsonObject body = validated(ctx, () -> JsonBodies.parse(ctx.body().buffer()));
    if (body == null) {
      return;
    }
    if (LockRequests.namesSeveralKeys(body)) {
      multiLock(ctx, body);
      return;
    }
    LockCommand command = validated(ctx, () -> requests.lock(body));
    if (command != null) {
      waitForLock(ctx, command, LockCommand::toJson, command.waitMs(),
        (lockKey, requestId) -> bus.request(LockAddresses.UNLOCK, new UnlockCommand(command.key(), lockKey),
          UnlockCommand::toJson, 0, requestId));
    }
  }

  /** A lock on several keys ({@code keys}): waits and gives back like a lock on one. */
  private void multiLock(RoutingContext ctx, JsonObject body) {
    MultiLockCommand command = validated(ctx, () -> requests.multiLock(body));
    if (command != null) {
      waitForLock(ctx, command, MultiLockCommand::toJson, command.waitMs(),
        (lockKey, requestId) -> bus.request(LockAddresses.UNLOCK, new MultiUnlockCommand(command.keys(), lockKey),
          MultiUnlockCommand::toJson, 0, requestId));
    }
  }

  /** Sends a lock command that may wait; a grant that finds its client gone goes to {@code giveBack} (lockKey, request id). */
  private <C> void waitForLock(RoutingContext ctx, C command, Function<C, JsonObject> commandJson, long waitMs,
                               BiConsumer<String, String> giveBack) {
    String requestId = nextRequestId();
    if (waitMs > 0) {
      ctx.response().closeHandler(closed -> bus.cancel(requestId));
    }
    bus.request(LockAddresses.LOCK, command, commandJson, waitMs, requestId).onComplete(outcome -> {
      if (outcome.succeeded() && ctx.response().closed()) {
        giveBack.accept(outcome.result().getString("lockKey"), requestId);
      } else {
        reply(ctx, outcome, requestId);
      }
    });
  }

  /** {@code key}, or {@code keys} for a lock on several keys. */
  void unlock(RoutingContext ctx) {
    Object command = validated(ctx, () -> requests.unlockOrMultiUnlock(JsonBodies.parse(ctx.body().buffer())));
    if (command instanceof UnlockCommand unlock) {
      forward(ctx, LockAddresses.UNLOCK, unlock, UnlockCommand::toJson);
    } else if (command instanceof MultiUnlockCommand unlock) {
      forward(ctx, LockAddresses.UNLOCK, unlock, MultiUnlockCommand::toJson);
    }
  }

  /** {@code key}, or {@code keys} for a lock on several keys. */
  void extend(RoutingContext ctx) {
    Object command = validated(ctx, () -> requests.extendOrMultiExtend(JsonBodies.parse(ctx.body().buffer())));
    if (command instanceof ExtendCommand extend) {
      forward(ctx, LockAddresses.EXTEND, extend, ExtendCommand::toJson);
    } else if (command instanceof MultiExtendCommand extend) {
      forward(ctx, LockAddresses.EXTEND, extend, MultiExtendCommand::toJson);
    }
  }

  /** Sends a command that does not wait and answers its reply. */
  private <C> void forward(RoutingContext ctx, String address, C command, Function<C, JsonObject> commandJson) {
    String requestId = nextRequestId();
    bus.request(address, command, commandJson, 0, requestId).onComplete(outcome -> reply(ctx, outcome, requestId));
  }

  /**
   * {@code POST .../semaphore/acquire}: one permit, waiting like {@link #lock} (cancelled when the
   * client disconnects; a permit granted to a client that is gone is given back).
   */
  void semaphoreAcquire(RoutingContext ctx) {
    SemaphoreCommand command = validated(ctx, () -> requests.semaphoreAcquire(JsonBodies.parse(ctx.body().buffer())));
    if (command == null) {
      return;
    }
    String requestId = nextRequestId();
    if (command.waitMs() > 0) {
      ctx.response().closeHandler(closed -> bus.cancel(requestId));
    }
    bus.request(LockAddresses.SEMAPHORE_ACQUIRE, command, SemaphoreCommand::toJson, command.waitMs(), requestId)
      .onComplete(outcome -> {
        if (outcome.succeeded() && ctx.response().closed()) {
          UnlockCommand giveBack = new UnlockCommand(command.key(), outcome.result().getString("lockKey"));
          bus.request(LockAddresses.SEMAPHORE_RELEASE, giveBack, UnlockCommand::toJson, 0, requestId);
        } else {
          reply(ctx, outcome, requestId);
        }
      });
  }

  void semaphoreRelease(RoutingContext ctx) {
    UnlockCommand command = validated(ctx, () -> requests.unlock(JsonBodies.parse(ctx.body().buffer())));
    if (command != null) {
      String requestId = nextRequestId();
      bus.request(LockAddresses.SEMAPHORE_RELEASE, command, UnlockCommand::toJson, 0, requestId)
        .onComplete(outcome -> reply(ctx, outcome, requestId));
    }
  }

  void semaphoreExtend(RoutingContext ctx) {
    ExtendCommand command = validated(ctx, () -> requests.extend(JsonBodies.parse(ctx.body().buffer())));
    if (command != null) {
      String requestId = nextRequestId();
      bus.request(LockAddresses.SEMAPHORE_EXTEND, command, ExtendCommand::toJson, 0, requestId)
        .onComplete(outcome -> reply(ctx, outcome, requestId));
    }
  }

  /** {@code GET .../semaphores/{key}}, the key taken as {@link #status} takes it. */
  void semaphoreStatus(RoutingContext ctx) {
    String path = ctx.request().path();
    StatusQuery query = validated(ctx, () -> requests.status(new JsonObject()
      .put("key", PathKey.decode(path.substring(path.indexOf(SEMAPHORE_PATH) + SEMAPHORE_PATH.length())))));
    if (query != null) {
      String requestId = nextRequestId();
      bus.request(LockAddresses.SEMAPHORE_STATUS, query, StatusQuery::toJson, 0, requestId)
        .onComplete(outcome -> reply(ctx, outcome, requestId));
    }
  }

  /** {@code GET .../locks/{key}}: the key is the rest of the path, percent-decoded (so it may contain '/'); see {@link PathKey}. */
  void status(RoutingContext ctx) {
    String path = ctx.request().path();
    StatusQuery query = validated(ctx, () -> requests.status(new JsonObject()
      .put("key", PathKey.decode(path.substring(path.indexOf(STATUS_PATH) + STATUS_PATH.length())))));
    if (query != null) {
      String requestId = nextRequestId();
      bus.request(LockAddresses.STATUS, query, StatusQuery::toJson, 0, requestId)
        .onComplete(outcome -> reply(ctx, outcome, requestId));
    }
  }

  /** {@code GET .../locks?prefix=P&limit=N&cursor=C}: a page of held locks (never their lockKeys). */
  void list(RoutingContext ctx) {
    if (ctx.request().path().endsWith("/")) {
      // vertx-web gives ".../locks/" to this route too; it is a status call for the empty key, refused as it always was
      status(ctx);
      return;
    }
    ListQuery query = validated(ctx, () -> {
      Map<String, String> params = PathKey.query(ctx.request().query());
      JsonObject body = new JsonObject().put("prefix", params.get("prefix")).put("cursor", params.get("cursor"));
      String limit = params.get("limit");
      if (limit != null) {
        if (!limit.matches("[0-9]{1,9}")) {
          throw LockException.invalidField("limit", "must be a whole number 1.." + ListQuery.MAX_LIMIT);
        }
        body.put("limit", Integer.parseInt(limit));
      }
      return requests.list(body);
    });
    if (query != null) {
      String requestId = nextRequestId();
      bus.request(LockAddresses.LIST, query, ListQuery::toJson, 0, requestId)
        .onComplete(outcome -> reply(ctx, outcome, requestId));
    }
  }

  /** {@code DELETE .../locks/{key}}, after {@link AdminAuth}: removes the lock whoever holds it. */
  void forceUnlock(RoutingContext ctx) {
    String path = ctx.request().path();
    ForceUnlockCommand command = validated(ctx, () -> requests.forceUnlock(new JsonObject()
      .put("key", PathKey.decode(path.substring(path.indexOf(STATUS_PATH) + STATUS_PATH.length())))));
    if (command != null) {
      String requestId = nextRequestId();
      bus.request(LockAddresses.FORCE_UNLOCK, command, ForceUnlockCommand::toJson, 0, requestId, ctx.get(AdminAuth.ACTOR))
        .onComplete(outcome -> reply(ctx, outcome, requestId));
    }
  }

  /**
   * The router refused the request before any route saw it (e.g. a path with a malformed
   * percent-escape): on the status route that is the key's fault, and the problem says so.
   */
  static void malformed(RoutingContext ctx) {
    String path = ctx.request().path();
    String keyPath = path == null ? null
      : path.startsWith(HttpVerticle.API + STATUS_PATH) ? STATUS_PATH
      : path.startsWith(HttpVerticle.API + SEMAPHORE_PATH) ? SEMAPHORE_PATH : null;
    if (keyPath != null) {
      try {
        PathKey.decode(path.substring(HttpVerticle.API.length() + keyPath.length()));
      } catch (LockException invalid) {
        Problems.send(ctx, invalid);
        return;
      }
    }
    Problems.send(ctx, HttpError.BAD_REQUEST, null, ctx.failure() != null && ctx.failure().getMessage() != null
      ? ctx.failure().getMessage() : "not a valid HTTP/1.1 request");
  }

  /** Rejects non-JSON content types before the body is read. */
  /**
   * {@link #requireJson} as a handler that may come before a route's BodyHandler: vertx-web accepts
   * only platform and security-policy handlers there, and refusing a body by its media type before
   * reading it is a policy of the platform, not the endpoint's work.
   */
  static final PlatformHandler REQUIRE_JSON = LockApi::requireJson;

  static void requireJson(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    // absent is tolerated: the original service and many of its clients never set it
    if (contentType != null && !isJson(contentType)) {
      Problems.send(ctx, HttpError.UNSUPPORTED_MEDIA_TYPE, null,
        "Content-Type must be application/json, got '" + contentType + "'");
      return;
    }
    ctx.next();
  }

  private static boolean isJson(String contentType) {
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase();
    return mediaType.equals("application/json") || mediaType.startsWith("application/") && mediaType.endsWith("+json");
  }

  private String nextRequestId() {
    return requestIdPrefix + (++requestSequence);
  }

  private static void reply(RoutingContext ctx, AsyncResult<JsonObject> outcome, String requestId) {
    if (ctx.response().closed()) {
      return;
    }
    if (outcome.succeeded()) {
      ctx.response().putHeader("Content-Type", "application/json").end(outcome.result().toBuffer());
    } else {
      Problems.send(ctx, (LockException) outcome.cause(), requestId);
    }
  }

  /** The validated command, or null after answering 400 naming what is wrong. */
  private static <T> T validated(RoutingContext ctx, Supplier<T> validation) {
    try {
      return validation.get();
    } catch (LockException invalid) {
      Problems.send(ctx, invalid);
      return null;
    }
  }
}
