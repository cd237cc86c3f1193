package io.isp.lock.lock;

import io.isp.lock.config.ServiceConfig;
import io.isp.lock.redis.RedisErrors;
import io.isp.lock.redis.RedisMaster;
import io.isp.lock.redis.RedisMasters;
import io.isp.lock.redis.ReleaseSubscriber;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Owns the Redis client and serves the lock addresses. Replies with the HTTP response bodies, or
 * fails the message with the HTTP status as failure code and the problem code leading the message.
 * One instance per process: waiters for a key must share one queue to be served in order.
 */
public final class LockVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(LockVerticle.class.getName());
  private static final long READY_PING_TIMEOUT_MS = 1000;

  private final ServiceConfig config;
  private final LockRequests requests;
  private RedisMaster master;
  private LockStore store;
  private LockService service;
  private ReleaseSubscriber subscriber;
  private int inFlight;
  /** Set on stop when calls are still in flight; completed when the last one ends. */
  private Promise<Void> idle;

  public LockVerticle(ServiceConfig config) {
    this.config = config;
    this.requests = new LockRequests(config.lock(), config.redis().defaultTtl());
  }

  @Override
  public Future<?> start() {
    master = RedisMasters.create(vertx, config.redis());
    store = new LockStore(master, config.redis());
    service = new LockService(vertx, store, config.redis().commandTimeout().toMillis());
    subscriber = new ReleaseSubscriber(vertx, master, store.channel(), service::released, service::recheckAll);
    return checkRedis().compose(ready -> {
      subscriber.start();
      EventBus bus = vertx.eventBus();
      return Future.all(List.of(
        bus.<Object>consumer(LockAddresses.LOCK, message -> serve(message,
          body -> lock(body, message.headers().get(LockAddresses.REQUEST_ID_HEADER)))).completion(),
        bus.<Object>consumer(LockAddresses.UNLOCK, message -> serve(message, this::unlock)).completion(),
        bus.<Object>consumer(LockAddresses.EXTEND, message -> serve(message, this::extend)).completion(),
        bus.<Object>consumer(LockAddresses.STATUS, message -> serve(message, this::status)).completion(),
        bus.<JsonObject>consumer(LockAddresses.CANCEL, message -> cancel(message.body())).completion(),
        bus.<Object>consumer(LockAddresses.READY, message -> serve(message, body -> ready())).completion(),
        bus.<Object>localConsumer(LockAddresses.READY_LOCAL, message -> serve(message, body -> ready())).completion()));
    });
  }

  /** Answers waiters 503, lets calls already sent to Redis finish (bounded), then closes Redis. */
  @Override
  public Future<?> stop() {
    service.stop();
    if (inFlight > 0) {
      idle = Promise.promise();
    }
    Future<Void> drained = idle == null ? Future.succeededFuture()
      : idle.future().timeout(config.redis().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return drained.otherwiseEmpty()
      .compose(v -> subscriber.close())
      .eventually(master::close);
  }

  /**
   * Wrong credentials are a configuration error worth failing start-up for; an unreachable Redis is
   * not: the service starts unready and recovers when Redis comes.
   */
  private Future<Void> checkRedis() {
    return store.loadScripts().recover(error -> {
      if (RedisErrors.isAuthentication(error)) {
        return Future.failedFuture(new IllegalStateException("Redis rejected our credentials ("
          + (config.redis().sentinel().isPresent() ? "redis.sentinel.username/password or " : "")
          + "redis.userName/redis.password): " + error.getMessage()));
      }
      LOG.log(System.Logger.Level.WARNING, "Redis (" + master.describe() + ") is not reachable yet: "
        + error.getMessage() + "; starting unready, will keep trying");
      return Future.succeededFuture();
    });
  }

  private Future<JsonObject> lock(JsonObject body, String requestId) {
    return service.lock(requests.lock(body), requestId).map(LockGrant::toJson);
  }

  private Future<JsonObject> unlock(JsonObject body) {
    UnlockCommand command = requests.unlock(body);
    return service.unlock(command).compose(reply -> ownerChecked(command.key(), reply, new JsonObject()));
  }

  private Future<JsonObject> extend(JsonObject body) {
    ExtendCommand command = requests.extend(body);
    return service.extend(command).compose(reply -> ownerChecked(command.key(), reply,
      new LockGrant(command.key(), command.lockKey(), command.ttlMs(), 0).toJson()
        .put("fencingToken", reply.fencingToken())));
  }

  private Future<JsonObject> status(JsonObject body) {
    return service.status(requests.status(body)).map(LockStatus::toJson);
  }

  private void cancel(JsonObject body) {
    if (body != null && body.getValue("requestId") instanceof String requestId) {
      service.cancel(requestId);
    }
  }

  /** The owner-checked operations (unlock, extend) share their two failures. */
  private static Future<JsonObject> ownerChecked(String key, LockStore.OwnerReply reply, JsonObject success) {
    return switch (reply.outcome()) {
      case NOT_HELD -> Future.failedFuture(new LockException(ErrorCode.NOT_HELD,
        "'" + key + "' is not locked (expired or released)"));
      case NOT_OWNER -> Future.failedFuture(new LockException(ErrorCode.NOT_OWNER,
        "'" + key + "' is held by another lockKey"));
      default -> Future.succeededFuture(success);
    };
  }

  private Future<JsonObject> ready() {
    return store.ping(READY_PING_TIMEOUT_MS)
      .map(v -> new JsonObject()
        .put("redis", master.describe())
        .put("releaseNotices", subscriber.isSubscribed())
        .put("waiters", service.waiting()));
  }

  private void serve(Message<Object> message, Function<JsonObject, Future<JsonObject>> operation) {
    Future<JsonObject> result;
    try {
      if (message.body() != null && !(message.body() instanceof JsonObject)) {
        throw new LockException(ErrorCode.INVALID_JSON, "the message body must be a JSON object");
      }
      JsonObject body = message.body() == null ? new JsonObject() : (JsonObject) message.body();
      result = operation.apply(body);
    } catch (LockException e) {
      result = Future.failedFuture(e);
    }
    inFlight++;
    result.onComplete(outcome -> {
      if (--inFlight == 0 && idle != null) {
        idle.tryComplete();
      }
      if (outcome.succeeded()) {
        message.reply(outcome.result());
      } else {
        ReplyException failure = outcome.cause() instanceof LockException lockException
          ? lockException
          : new LockException(ErrorCode.INTERNAL, String.valueOf(outcome.cause()));
        if (failure.failureCode() == 500) {
          LOG.log(System.Logger.Level.ERROR, "lock operation failed", outcome.cause());
        }
        message.fail(failure.failureCode(), failure.getMessage());
      }
    });
  }

}
