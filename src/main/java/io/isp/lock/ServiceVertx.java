package io.isp.lock;

import io.isp.lock.cluster.ClusteredVertx;
import io.isp.lock.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** The Vert.x the service runs on: {@code deploy.eventLoops} event loops, clustered if {@code cluster.enabled}. */
public final class ServiceVertx {

  private ServiceVertx() {
  }

  /** Call it from outside any Vert.x thread: it builds a new Vert.x. */
  public static Future<Vertx> start(ServiceConfig config) {
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(config.deploy().eventLoops());
    return config.cluster().enabled()
      ? ClusteredVertx.start(config.cluster(), options)
      : Future.succeededFuture(Vertx.vertx(options));
  }
}
