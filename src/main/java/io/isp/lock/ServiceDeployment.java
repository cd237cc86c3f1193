package io.isp.lock;

import io.isp.lock.config.ServiceConfig;
import io.isp.lock.http.HttpAdmission;
import io.isp.lock.http.HttpVerticle;
import io.isp.lock.lock.LockVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The roles this node plays ({@code deploy.*}), deployed into a Vert.x instance: the LockVerticle
 * first (so the lock addresses exist before any request can arrive), then the HTTP verticle on every
 * core. Stopping goes the other way round for requests but not for waiters: see {@link #stop()}.
 */
public final class ServiceDeployment {

  private final Vertx vertx;
  private final String lockDeployment;
  private final String httpDeployment;

  private ServiceDeployment(Vertx vertx, String lockDeployment, String httpDeployment) {
    this.vertx = vertx;
    this.lockDeployment = lockDeployment;
    this.httpDeployment = httpDeployment;
  }

  public static Future<ServiceDeployment> deploy(Vertx vertx, ServiceConfig config) {
    Future<String> lock = config.deploy().lock() ? vertx.deployVerticle(new LockVerticle(config)) : Future.succeededFuture();
    return lock.compose(lockId -> {
      HttpAdmission admission = HttpAdmission.create(config.http());
      Future<String> http = config.deploy().http()
        ? vertx.deployVerticle(() -> new HttpVerticle(config, admission),
          new DeploymentOptions().setInstances(config.deploy().eventLoops()))
        : Future.succeededFuture();
      return http.map(httpId -> new ServiceDeployment(vertx, lockId, httpId));
    });
  }

  /**
   * The LockVerticle goes first: it answers its waiters 503 while their HTTP connections can still
   * carry the answer (the server's shutdown could otherwise close them first), finishes the Redis calls in flight
   * and refuses new ones with 503. Then the HTTP server stops accepting and drains.
   */
  public Future<Void> stop() {
    Future<Void> lock = lockDeployment == null ? Future.succeededFuture() : vertx.undeploy(lockDeployment);
    return lock.eventually(() -> httpDeployment == null ? Future.succeededFuture() : vertx.undeploy(httpDeployment));
  }
}
