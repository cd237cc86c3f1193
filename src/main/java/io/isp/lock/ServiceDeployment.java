package io.isp.lock;

import io.isp.lock.config.ServiceConfig;
import io.isp.lock.http.HttpAdmission;
import io.isp.lock.http.HttpVerticle;
import io.isp.lock.engine.LockVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The roles this node plays ({@code deploy.*}), deployed into a Vert.x instance: the LockVerticle
 * first (so the lock addresses exist before any request can arrive), then the HTTP verticle on every
 * core. Stopping begins with the HTTP side refusing new work: see {@link #stop()}.
 */
public final class ServiceDeployment {

  private final Vertx vertx;
  private final HttpAdmission admission;
  private final String lockDeployment;
  private final String httpDeployment;

  private ServiceDeployment(Vertx vertx, HttpAdmission admission, String lockDeployment, String httpDeployment) {
    this.vertx = vertx;
    this.admission = admission;
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
      return http.map(httpId -> new ServiceDeployment(vertx, admission, lockId, httpId));
    });
  }

  /**
   * First every request that arrives from now on is answered 503 {@code shutting_down}. Then, at
   * once and together, the HTTP server stops accepting (a new connection is refused) and drains
   * the requests in flight, and the LockVerticle answers its waiters 503 while their connections,
   * in flight too, can still carry the answer, finishes the Redis calls in flight and refuses new
   * ones. Stopping the LockVerticle first, as before, kept the server accepting connections it then
   * closed unanswered when its own shutdown came.
   */
  public Future<Void> stop() {
    admission.drain();
    Future<Void> http = httpDeployment == null ? Future.succeededFuture() : vertx.undeploy(httpDeployment);
    Future<Void> lock = lockDeployment == null ? Future.succeededFuture() : vertx.undeploy(lockDeployment);
    return Future.join(http, lock).mapEmpty();
  }
}
