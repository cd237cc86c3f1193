package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockException;
import io.isp.lock.logging.RequestIdLog;
import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.metrics.Primitive;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The lock addresses' consumers. Each takes either the typed command, which this JVM's HTTP verticle
 * sends already validated and which is answered with the typed result, or the documented JSON body
 * from any other sender (other verticles, other cluster nodes), validated here and answered in JSON.
 * A failure is the problem's HTTP status as failure code and {@code "<code>: <detail>"} as message;
 * a failure that is not a {@link LockException} is a bug: it is logged once, with the request id, and
 * the caller learns only that id.
 */
final class LockEndpoints {

  private static final System.Logger LOG = System.getLogger(LockEndpoints.class.getName());

  private final EventBus bus;
  private final LockMetrics metrics;
  private int inFlight;
  /** Set by {@link #drained} when calls are still in flight; completed when the last one ends. */
  private Promise<Void> idle;
  private long untaggedRequests;

  /** {@code metrics}: every operation is counted here, once, whether it came over HTTP or the event bus. */
  LockEndpoints(EventBus bus, LockMetrics metrics) {
    this.bus = bus;
    this.metrics = metrics;
  }

  /**
   * Who sent a request: its id (for the log), and for operators' requests who the HTTP verticle
   * found them to be (an admin token's index and short hash; null on the event bus).
   */
  record Caller(String requestId, String actor) {
  }

  /**
   * One typed command an address takes: its {@code primitive} in metrics (or, through
   * {@code byCommand}, the primitive each command names: a lock's mode), what runs it (with its
   * {@link Caller}), and how its result reads as JSON for senders that sent JSON.
   */
  record Variant<C, R>(Primitive primitive, Class<C> type, BiFunction<C, Caller, Future<R>> run,
                       Function<R, JsonObject> toJson, Function<C, Primitive> byCommand) {

    Variant(Primitive primitive, Class<C> type, BiFunction<C, Caller, Future<R>> run, Function<R, JsonObject> toJson) {
      this(primitive, type, run, toJson, command -> primitive);
    }

    @SuppressWarnings("unchecked")
    Future<Object> start(Object command, Caller caller) {
      return (Future<Object>) run.apply(type.cast(command), caller);
    }

    @SuppressWarnings("unchecked")
    JsonObject json(Object result) {
      return toJson.apply((R) result);
    }

    /** The primitive of {@code command}; of the variant when there is no command (the body was invalid). */
    Primitive primitiveOf(Object command) {
      return type.isInstance(command) ? byCommand.apply(type.cast(command)) : primitive;
    }
  }

  /**
   * Serves {@code address}, operation {@code op} of {@code primitive} in metrics: {@code run} gets the
   * command and its {@link Caller}.
   */
  <C, R> Future<Void> serve(String address, Primitive primitive, String op, Class<C> type, Function<JsonObject, C> fromJson,
                            BiFunction<C, Caller, Future<R>> run, Function<R, JsonObject> toJson) {
    return serve(address, op, fromJson::apply, List.of(new Variant<>(primitive, type, run, toJson)));
  }

  /**
   * Serves an address that takes any of several typed commands (a lock on one key or on several):
   * {@code fromJson} reads a JSON body into one of them; the {@link Variant} of the command's type
   * runs it and names its primitive in metrics (a body that is no command at all counts as the first
   * variant's).
   */
  Future<Void> serve(String address, String op, Function<JsonObject, Object> fromJson, List<Variant<?, ?>> variants) {
    return bus.<Object>consumer(address, message -> {
      String requestId = requestId(message);
      Caller caller = new Caller(requestId, message.headers().get(LockAddresses.ACTOR_HEADER));
      Object body = message.body();
      Variant<?, ?> typed = variantOf(variants, body);
      Variant<?, ?> variant = typed != null ? typed : variants.get(0);
      Future<Object> result;
      Object command = null;
      try {
        command = typed != null ? body : fromJson.apply(jsonBody(body));
        variant = typed != null ? typed : variantOf(variants, command);
        result = variant.start(command, caller);
      } catch (LockException invalid) {
        result = Future.failedFuture(invalid);
      }
      Variant<?, ?> answering = variant;
      Primitive primitive = variant.primitiveOf(command);
      inFlight++;
      result.onComplete(outcome -> {
        if (--inFlight == 0 && idle != null) {
          idle.tryComplete();
        }
        if (outcome.succeeded()) {
          metrics.request(primitive, op, "ok");
          message.reply(typed != null ? outcome.result() : answering.json(outcome.result()));
        } else {
          LockException failure = failure(outcome.cause(), address, requestId);
          metrics.request(primitive, op, failure.error().code());
          message.fail(failure.failureCode(), failure.getMessage());
        }
      });
    }).completion();
  }

  private static Variant<?, ?> variantOf(List<Variant<?, ?>> variants, Object command) {
    for (Variant<?, ?> variant : variants) {
      if (variant.type().isInstance(command)) {
        return variant;
      }
    }
    return null;
  }

  /** Completes when no call is in flight any more, or after {@code timeoutMs}. */
  Future<Void> drained(long timeoutMs) {
    if (inFlight == 0) {
      return Future.succeededFuture();
    }
    idle = Promise.promise();
    return idle.future().timeout(timeoutMs, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }

  private String requestId(Message<Object> message) {
    String id = message.headers().get(LockAddresses.REQUEST_ID_HEADER);
    return id != null ? id : "eb-" + (++untaggedRequests);
  }

  private static JsonObject jsonBody(Object body) {
    if (body == null) {
      return new JsonObject();
    }
    if (body instanceof JsonObject json) {
      return json;
    }
    throw new LockException(ErrorCode.INVALID_JSON, "the message body must be a JSON object");
  }

  private static LockException failure(Throwable cause, String address, String requestId) {
    if (cause instanceof LockException known) {
      return known;
    }
    RequestIdLog.withRequestId(requestId,
      () -> LOG.log(System.Logger.Level.ERROR, "request " + requestId + " to " + address + " failed", cause));
    return new LockException(ErrorCode.INTERNAL, "internal error (request " + requestId + ")");
  }
}
