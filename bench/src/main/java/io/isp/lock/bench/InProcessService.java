package io.isp.lock.bench;

import io.isp.lock.ServiceDeployment;
import io.isp.lock.config.ConfigReader;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.metrics.ServiceMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Row d: the service deployed into the benchmark's own Vert.x, as a co-deploying application
 * would. Its classes come from target/isp-lock-service.jar on the class path (run.sh puts it there).
 */
final class InProcessService {

  private InProcessService() {
  }

  /** Deploys the service with HTTP on an ephemeral port and Redis at {@code redisServer}. */
  static void deploy(Vertx vertx, String redisServer, String prefix) throws Exception {
    Logger.getLogger("").setLevel(Level.WARNING);
    JsonObject config = new JsonObject()
      .put("logLevel", "warn")
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("redis", new JsonObject().put("server", redisServer).put("prefix", prefix))
      // as the service process has it (run.sh's --metrics off sets METRICS_ENABLED=false for both)
      .put("metrics", new JsonObject().put("enabled", !"false".equalsIgnoreCase(System.getenv("METRICS_ENABLED"))));
    ServiceConfig parsed = ConfigReader.read(config);
    // the benchmark's Vert.x has no metrics SPI: only the service's own isp_lock_* meters are recorded here
    ServiceDeployment.deploy(vertx, parsed, ServiceMetrics.create(parsed.management())).toCompletionStage().toCompletableFuture()
      .get(30, TimeUnit.SECONDS);
  }
}
