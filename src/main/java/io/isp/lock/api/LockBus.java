package io.isp.lock.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * How a front end (the HTTP API, a WebSocket session) reaches a LockVerticle. When one runs in this JVM, the validated command
 * goes to it by reference ({@link io.isp.lock.api.LocalCodec}) and the typed reply comes back: no
 * JSON copy, no second validation, and this node's waiters share this node's queues. An edge node
 * (no LockVerticle here) sends the documented JSON across the cluster.
 */
public final class LockBus {

  private final Vertx vertx;
  private final boolean local;
  private final long commandTimeoutMs;

  public LockBus(Vertx vertx, boolean localLockVerticle, long commandTimeoutMs) {
    this.vertx = vertx;
    this.local = localLockVerticle;
    this.commandTimeoutMs = commandTimeoutMs;
  }

  /** Sends {@code command} and answers the reply body, or fails with the {@link LockException} to send the client. */
  public <C> Future<JsonObject> request(String address, C command, Function<C, JsonObject> commandJson,
                                 long waitMs, String requestId) {
    return request(address, command, commandJson, waitMs, requestId, null);
  }

  /** {@code actor}: who an operator's request comes from, for the audit line (null: none). */
  public <C> Future<JsonObject> request(String address, C command, Function<C, JsonObject> commandJson,
                                 long waitMs, String requestId, String actor) {
    DeliveryOptions delivery = new DeliveryOptions()
      // the LockVerticle answers within the wait plus a Redis call or two; past that it is gone
      .setSendTimeout(waitMs + 2 * commandTimeoutMs + 1000)
      .setLocalOnly(local)
      .addHeader(LockAddresses.REQUEST_ID_HEADER, requestId);
    if (actor != null) {
      delivery.addHeader(LockAddresses.ACTOR_HEADER, actor);
    }
    return vertx.eventBus().request(address, local ? command : commandJson.apply(command), delivery)
      .map(LockBus::replyJson)
      .recover(failure -> Future.failedFuture(toProblem(failure)));
  }

  /** Published to every node: ends the wait of {@code requestId} wherever it waits. */
  public void cancel(String requestId) {
    vertx.eventBus().publish(LockAddresses.CANCEL, new JsonObject().put("requestId", requestId));
  }

  /** What a failed event-bus request means to a client. */
  public static LockException toProblem(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> new LockException(ErrorCode.LOCK_SERVICE_UNAVAILABLE, "no lock service is running");
        case TIMEOUT -> new LockException(ErrorCode.LOCK_SERVICE_UNAVAILABLE, "the lock service did not answer in time");
        default -> LockException.fromReply(reply);
      };
    }
    return failure instanceof LockException known ? known
      : new LockException(ErrorCode.INTERNAL, "unexpected failure of the event-bus request: " + failure.getClass().getSimpleName());
  }

  private static JsonObject replyJson(Message<Object> reply) {
    Object body = reply.body();
    if (body instanceof LockGrant grant) {
      return grant.toJson();
    }
    if (body instanceof LockStatus status) {
      return status.toJson();
    }
    if (body instanceof Released released) {
      return released.toJson();
    }
    if (body instanceof ForceReleased forced) {
      return forced.toJson();
    }
    if (body instanceof LockPage page) {
      return page.toJson();
    }
    if (body instanceof PermitGrant permit) {
      return permit.toJson();
    }
    if (body instanceof SemaphoreStatus semaphore) {
      return semaphore.toJson();
    }
    if (body instanceof MultiLockGrant grant) {
      return grant.toJson();
    }
    return (JsonObject) body;
  }
}
