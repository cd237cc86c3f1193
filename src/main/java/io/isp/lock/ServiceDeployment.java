package io.isp.lock;

import io.isp.lock.config.ServiceConfig;
import io.isp.lock.http.HttpAdmission;
import io.isp.lock.http.HttpSurface;
import io.isp.lock.http.HttpVerticle;
import io.isp.lock.engine.LockVerticle;
import io.isp.lock.metrics.ServiceMetrics;
import io.isp.lock.session.Sessions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The roles this node plays ({@code deploy.*}), deployed into a Vert.x instance: the LockVerticle
 * first (so the lock addresses exist before any request can arrive), then the HTTP verticle on every
 * core, and the management endpoints ({@code /health/*}, {@code /metrics}) on a server of their own
 * when {@code management.port} is set or the node serves no API (a lock-only node serves them on
 * {@code http.port}). Stopping begins with the HTTP side refusing new work: see {@link #stop()}.
 */
public final class ServiceDeployment {

  private final Vertx vertx;
  private final HttpAdmission admission;
  private final Sessions sessions;
  private final long sessionCloseTimeoutMs;
  private final String lockDeployment;
  private final List<String> httpDeployments;

  private ServiceDeployment(Vertx vertx, HttpAdmission admission, Sessions sessions, long sessionCloseTimeoutMs,
                            String lockDeployment, List<String> httpDeployments) {
    this.vertx = vertx;
    this.admission = admission;
    this.sessions = sessions;
    this.sessionCloseTimeoutMs = sessionCloseTimeoutMs;
    this.lockDeployment = lockDeployment;
    this.httpDeployments = httpDeployments;
  }

  /** {@code metrics}: what the Vert.x was built with ({@link ServiceVertx#start}). */
  public static Future<ServiceDeployment> deploy(Vertx vertx, ServiceConfig config, ServiceMetrics metrics) {
    Future<String> lock = config.deploy().lock()
      ? vertx.deployVerticle(new LockVerticle(config, metrics.lock()))
      : Future.succeededFuture();
    return lock.compose(lockId -> {
      HttpAdmission admission = HttpAdmission.create(config.http());
      Sessions sessions = new Sessions();
      metrics.sessions(sessions::count);
      List<Future<String>> http = new ArrayList<>();
      Optional<Integer> managementPort = config.management().port();
      if (config.deploy().http()) {
        HttpSurface surface = managementPort.isPresent() ? HttpSurface.API : HttpSurface.BOTH;
        http.add(vertx.deployVerticle(() -> new HttpVerticle(config, admission, surface, config.http().port(), metrics.registry(), sessions),
          new DeploymentOptions().setInstances(config.deploy().eventLoops())));
      }
      if (managementPort.isPresent() || !config.deploy().http()) {
        // probes and metrics: a handful of requests a minute, one event loop is plenty
        http.add(vertx.deployVerticle(new HttpVerticle(config, admission, HttpSurface.MANAGEMENT,
          managementPort.orElse(config.http().port()), metrics.registry(), sessions)));
      }
      // a release is an event-bus request bounded like any other (LockBus): a Redis call or two
      long sessionCloseTimeoutMs = 2 * config.redis().commandTimeout().toMillis() + 1000;
      return Future.all(http).map(all -> new ServiceDeployment(vertx, admission, sessions, sessionCloseTimeoutMs, lockId, all.list()));
    });
  }

  /**
   * First every request that arrives from now on is answered 503 {@code shutting_down}. Then, at
   * once and together, the HTTP server stops accepting (a new connection is refused) and drains
   * the requests in flight, and the LockVerticle answers its waiters 503 while their connections,
   * in flight too, can still carry the answer, finishes the Redis calls in flight and refuses new
   * ones. Stopping the LockVerticle first, as before, kept the server accepting connections it then
   * closed unanswered when its own shutdown came. Before all that, the WebSocket sessions release
   * their locks (while the LockVerticle still serves unlocks) and close with 1001.
   */
  public Future<Void> stop() {
    admission.drain();
    return sessions.closeAll(sessionCloseTimeoutMs).compose(v -> stopVerticles());
  }

  private Future<Void> stopVerticles() {
    List<Future<Void>> stopping = new ArrayList<>();
    httpDeployments.forEach(id -> stopping.add(vertx.undeploy(id)));
    if (lockDeployment != null) {
      stopping.add(vertx.undeploy(lockDeployment));
    }
    return Future.join(stopping).mapEmpty();
  }
}
