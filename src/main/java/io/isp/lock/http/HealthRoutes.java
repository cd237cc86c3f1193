package io.isp.lock.http;

import io.isp.lock.lock.LockAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the LockVerticle answers and
 * its Redis answers PING within a second. Neither needs a token.
 */
final class HealthRoutes {

  private static final long READY_TIMEOUT_MS = 1000;

  private HealthRoutes() {
  }

  static void mount(Vertx vertx, Router router) {
    HealthCheckHandler live = HealthCheckHandler.create(vertx)
      .register("process", promise -> promise.complete(Status.OK()));
    HealthCheckHandler ready = HealthCheckHandler.create(vertx)
      .register("redis", READY_TIMEOUT_MS, promise -> vertx.eventBus()
        .<JsonObject>request(LockAddresses.READY, null, new DeliveryOptions().setSendTimeout(READY_TIMEOUT_MS))
        .onSuccess(reply -> promise.complete(Status.OK(reply.body())))
        .onFailure(error -> promise.complete(Status.KO(new JsonObject()
          .put("error", LockApi.toProblem(error).detail())))));
    router.get("/health/live").handler(live);
    router.get("/health/ready").handler(ready);
  }
}
