package io.isp.lock;

import io.isp.lock.config.ServiceConfig;
import io.isp.lock.http.HttpVerticle;
import io.isp.lock.lock.LockVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Deploys the roles this node plays ({@code deploy.*}) into a Vert.x instance: the LockVerticle
 * first (so the lock addresses exist before any request can arrive), then the HTTP verticle on every
 * core.
 */
public final class ServiceDeployment {

  private ServiceDeployment() {
  }

  public static Future<Void> deploy(Vertx vertx, ServiceConfig config) {
    int httpInstances = Runtime.getRuntime().availableProcessors();
    Future<?> lock = config.deploy().lock() ? vertx.deployVerticle(new LockVerticle(config)) : Future.succeededFuture();
    return lock
      .compose(lockId -> config.deploy().http()
        ? vertx.deployVerticle(() -> new HttpVerticle(config), new DeploymentOptions().setInstances(httpInstances))
        : Future.succeededFuture())
      .mapEmpty();
  }
}
