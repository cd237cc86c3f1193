package io.isp.lock;

import io.isp.lock.config.ConfigException;
import io.isp.lock.config.ConfigLoader;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.cluster.ClusteredVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar isp-lock-service.jar [--config FILE]}: loads and validates the configuration,
 * deploys the service, and on SIGTERM/SIGINT shuts down in order and exits 0.
 *
 * <p>Exit codes: 0 after a clean shutdown, 1 when start-up fails (e.g. Redis rejects the
 * credentials, the port is taken), 2 for a bad command line or configuration.
 */
public final class Main {

  static final int EXIT_STARTUP_FAILED = 1;
  static final int EXIT_BAD_CONFIG = 2;
  private static final String DEFAULT_CONFIG = "conf/config.yaml";

  private Main() {
  }

  public static void main(String[] args) {
    Logging.init();
    Path configFile = configFile(args);
    Vertx bootstrap = Vertx.vertx();
    System.Logger log = System.getLogger(Main.class.getName());
    ConfigLoader.load(bootstrap, configFile)
      .onFailure(error -> exit(EXIT_BAD_CONFIG, "configuration error: " + error.getMessage()))
      .compose(config -> {
        Logging.setLevel(config.logLevel());
        // a clustered node needs a clustered Vert.x: the one that read the config steps aside
        Future<Vertx> runtime = config.cluster().enabled()
          ? ClusteredVertx.start(bootstrap, config.cluster()).onSuccess(clustered -> bootstrap.close())
          : Future.succeededFuture(bootstrap);
        return runtime.compose(vertx -> ServiceDeployment.deploy(vertx, config)
          .onSuccess(deployment -> onTermination(vertx, deployment, config))
          .map(config));
      })
      .onSuccess(config -> log.log(System.Logger.Level.INFO, "isp-lock-service started: "
        + (config.deploy().http() ? "HTTP on " + config.http().host() + ":" + config.http().port() : "no HTTP")
        + (config.deploy().lock() ? ", lock node" : ", edge node")
        + (config.cluster().enabled() ? ", clustered at " + config.cluster().host() + ":" + config.cluster().port() : "")
        + " (config " + configFile + ")"))
      .onFailure(error -> {
        if (error instanceof ConfigException) {
          exit(EXIT_BAD_CONFIG, "configuration error: " + error.getMessage());
        } else {
          exit(EXIT_STARTUP_FAILED, "start-up failed: " + error.getMessage());
        }
      });
  }

  private static Path configFile(String[] args) {
    String file = DEFAULT_CONFIG;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      } else {
        System.err.println("usage: java -jar isp-lock-service.jar [--config FILE]   (unknown argument: " + args[i] + ")");
        System.exit(EXIT_BAD_CONFIG);
      }
    }
    return Path.of(file);
  }

  /**
   * SIGTERM and SIGINT: stop accepting, answer waiters 503, let in-flight requests finish (bounded by
   * http.shutdownTimeout), then exit 0. A JVM shutdown hook could not choose the exit code (143).
   */
  private static void onTermination(Vertx vertx, ServiceDeployment deployment, ServiceConfig config) {
    long boundMs = config.http().shutdownTimeout().toMillis() + config.redis().commandTimeout().toMillis() + 2000;
    Runnable shutdown = () -> {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMs);
      // close Vert.x from this thread, not from a callback on one of the event loops it is stopping
      boolean finished = awaitUntil(deployment.stop(), deadline) && awaitUntil(vertx.close(), deadline);
      if (!finished) {
        System.err.println("shutdown did not finish within " + boundMs + " ms; exiting anyway");
      }
      System.exit(0);
    };
    Signal.handle(new Signal("TERM"), signal -> new Thread(shutdown, "shutdown").start());
    Signal.handle(new Signal("INT"), signal -> new Thread(shutdown, "shutdown").start());
  }

  /** Blocks the (non-event-loop) shutdown thread until {@code step} completes or the deadline passes. */
  private static boolean awaitUntil(Future<?> step, long deadlineNanos) {
    CountDownLatch done = new CountDownLatch(1);
    step.onComplete(ignored -> done.countDown());
    try {
      return done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Exits from a thread of its own: System.exit blocks, and must never run on an event loop. */
  private static void exit(int code, String message) {
    System.err.println(message);
    new Thread(() -> System.exit(code), "exit").start();
  }
}
