package io.isp.lock.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Row d: the service deployed into the benchmark's own Vert.x, as a co-deploying application
 * would. Its classes come from target/isp-lock-service.jar on the class path (run.sh puts it there);
 * they are reached by reflection so that this project does not need the service to compile.
 */
final class InProcessService {

  private InProcessService() {
  }

  /** {@code ServiceDeployment.deploy(vertx, ConfigReader.read(config))}, HTTP on an ephemeral port. */
  static void deploy(Vertx vertx, String redisServer, String prefix) throws Exception {
    Logger.getLogger("").setLevel(Level.WARNING);
    JsonObject config = new JsonObject()
      .put("logLevel", "warn")
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("redis", new JsonObject().put("server", redisServer).put("prefix", prefix));
    Object serviceConfig;
    Method deploy;
    try {
      serviceConfig = Class.forName("io.isp.lock.config.ConfigReader").getMethod("read", JsonObject.class).invoke(null, config);
      deploy = Class.forName("io.isp.lock.ServiceDeployment").getMethod("deploy", Vertx.class, serviceConfig.getClass());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the service's classes are not on the class path: run with "
        + "-cp target/isp-lock-service.jar:bench/target/isp-lock-bench.jar", e);
    }
    Future<?> deployed = (Future<?>) deploy.invoke(null, vertx, serviceConfig);
    deployed.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
