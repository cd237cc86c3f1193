package io.isp.lock;

import io.isp.lock.cluster.ClusteredVertx;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;

/**
 * The Vert.x the service runs on: {@code deploy.eventLoops} event loops, clustered if
 * {@code cluster.enabled}, with {@code metrics}' metrics SPI installed when they are on.
 */
public final class ServiceVertx {

  private ServiceVertx() {
  }

  /** Call it from outside any Vert.x thread: it builds a new Vert.x. */
  public static Future<Vertx> start(ServiceConfig config, ServiceMetrics metrics) {
    VertxOptions options = metrics.vertxOptions(new VertxOptions().setEventLoopPoolSize(config.deploy().eventLoops()));
    if (config.cluster().enabled()) {
      return ClusteredVertx.start(config.cluster(), options, metrics);
    }
    VertxBuilder builder = Vertx.builder().with(options);
    metrics.vertxMetricsFactory().ifPresent(builder::withMetrics);
    return Future.succeededFuture(builder.build());
  }
}
