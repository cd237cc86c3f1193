package io.isp.lock.bench;

import io.isp.lock.ServiceDeployment;
import io.isp.lock.config.ConfigReader;
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
      .put("redis", new JsonObject().put("server", redisServer).put("prefix", prefix));
    ServiceDeployment.deploy(vertx, ConfigReader.read(config)).toCompletionStage().toCompletableFuture()
      .get(30, TimeUnit.SECONDS);
  }
}
