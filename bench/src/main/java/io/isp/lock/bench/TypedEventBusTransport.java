package io.isp.lock.bench;

import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockGrant;
import io.isp.lock.api.Seconds;
import io.isp.lock.api.UnlockCommand;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus path the service's own HTTP verticle takes: validated command records sent by
 * reference (the service's local codec), typed replies. Row d64t beside d64 (the documented JSON
 * bodies) shows what skipping the JSON copy and the second validation is worth.
 */
final class TypedEventBusTransport implements Transport {

  private final Vertx vertx;
  private final DeliveryOptions delivery;

  TypedEventBusTransport(Vertx vertx, long sendTimeoutMs) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(sendTimeoutMs).setLocalOnly(true);
  }

  @Override
  public Future<Reply> lock(JsonObject body) {
    LockCommand command = new LockCommand(body.getString("key"), Seconds.toMillis(body.getNumber("ttl")), 0);
    return vertx.eventBus().<LockGrant>request(LockAddresses.LOCK, command, delivery)
      .map(reply -> new Reply(200, new JsonObject().put("lockKey", reply.body().lockKey()), null))
      .otherwise(TypedEventBusTransport::failed);
  }

  @Override
  public Future<Reply> unlock(JsonObject body) {
    UnlockCommand command = new UnlockCommand(body.getString("key"), body.getString("lockKey"));
    return vertx.eventBus().request(LockAddresses.UNLOCK, command, delivery)
      .map(reply -> new Reply(200, null, null))
      .otherwise(TypedEventBusTransport::failed);
  }

  private static Reply failed(Throwable error) {
    return error instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
      ? new Reply(reply.failureCode(), null, reply.getMessage())
      : Reply.failed(error);
  }
}
