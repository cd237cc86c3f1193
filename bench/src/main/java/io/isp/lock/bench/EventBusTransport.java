package io.isp.lock.bench;

import io.isp.lock.api.LockAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The service's event-bus API, as a co-deployed verticle uses it: the same JSON bodies as HTTP sent
 * to {@code isp-lock-service.lock} / {@code .unlock}; a failure's code is the HTTP status.
 */
final class EventBusTransport implements Transport {

  private final Vertx vertx;
  private final DeliveryOptions delivery;

  EventBusTransport(Vertx vertx, long sendTimeoutMs) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(sendTimeoutMs);
  }

  @Override
  public Future<Reply> lock(JsonObject body) {
    return request(LockAddresses.LOCK, body);
  }

  @Override
  public Future<Reply> unlock(JsonObject body) {
    return request(LockAddresses.UNLOCK, body);
  }

  private Future<Reply> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, delivery)
      .map((Message<JsonObject> message) -> new Reply(200, message.body(), null))
      .otherwise(error -> error instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
        ? new Reply(reply.failureCode(), null, reply.getMessage())
        : Reply.failed(error));
  }
}
