package io.isp.lock.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An empty verticle whose only job is to own an event-loop context: the load's clients are started
 * on these contexts, so every callback of a client runs on one thread. Vert.x places instances round
 * robin on its event loops, so the load is spread over min(instances, event loops) threads.
 */
final class LoadVerticle extends VerticleBase {

  /** Deploys {@code instances} of them (waits for it) and returns them. */
  static List<LoadVerticle> deploy(Vertx vertx, int instances) throws Exception {
    List<LoadVerticle> verticles = new ArrayList<>();
    vertx.deployVerticle(() -> {
        LoadVerticle verticle = new LoadVerticle();
        synchronized (verticles) {
          verticles.add(verticle);
        }
        return verticle;
      }, new DeploymentOptions().setInstances(instances))
      .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return verticles;
  }

  /** Runs {@code task} on this verticle's event loop. */
  void run(Runnable task) {
    context.runOnContext(ignored -> task.run());
  }
}
