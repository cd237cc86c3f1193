package io.isp.lock.http;

import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockBus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: a LockVerticle answers and its
 * Redis answers PING within a second, and, when clustered, the Hazelcast cluster is safe. Neither
 * needs a token.
 */
final class HealthRoutes {

  /** The LockVerticle gives Redis 1 s to answer PING; allow for the hop there and back. */
  private static final long READY_REPLY_TIMEOUT_MS = 1500;
  /** Past its own timeout the health-check module answers 500, so ours must always come first. */
  private static final long PROCEDURE_TIMEOUT_MS = 3000;

  private HealthRoutes() {
  }

  /** {@code localLockNode}: this JVM runs a LockVerticle, whose Redis is what this node's readiness is about. */
  static void mount(Vertx vertx, Router router, boolean localLockNode) {
    String readyAddress = localLockNode ? LockAddresses.READY_LOCAL : LockAddresses.READY;
    HealthCheckHandler live = HealthCheckHandler.create(vertx)
      .register("process", promise -> promise.complete(Status.OK()));
    HealthCheckHandler ready = HealthCheckHandler.create(vertx)
      .register("redis", PROCEDURE_TIMEOUT_MS, promise -> vertx.eventBus()
        .<JsonObject>request(readyAddress, null, new DeliveryOptions().setSendTimeout(READY_REPLY_TIMEOUT_MS))
        // tryComplete: the health check's own timeout may have answered already
        .onSuccess(reply -> promise.tryComplete(Status.OK(reply.body())))
        .onFailure(error -> promise.tryComplete(Status.KO(new JsonObject()
          .put("error", LockBus.toProblem(error).detail())))));
    if (vertx.isClustered()) {
      // partitions all backed up: a node may leave without losing event-bus subscriptions
      ready.register("cluster", PROCEDURE_TIMEOUT_MS, ClusterHealthCheck.createProcedure(vertx));
    }
    MethodRouting.getAndHead(router, "/health/live").handler(live);
    MethodRouting.getAndHead(router, "/health/ready").handler(ready);
  }
}
