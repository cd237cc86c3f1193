package io.isp.lock;

import io.isp.lock.config.ConfigException;
import io.isp.lock.config.ConfigLoader;
import io.isp.lock.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.concurrent.CompletionException;
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
    ServiceConfig config = readConfig(configFile);
    Logging.setLevel(config.logLevel());
    System.Logger log = System.getLogger(Main.class.getName());
    ServiceVertx.start(config)
      .compose(vertx -> ServiceDeployment.deploy(vertx, config)
        .onSuccess(deployment -> onTermination(vertx, deployment, config)))
      .onSuccess(deployment -> log.log(System.Logger.Level.INFO, "isp-lock-service started: "
        + (config.deploy().http() ? "HTTP on " + config.http().host() + ":" + config.http().port() : "no HTTP")
        + (config.deploy().lock() ? ", lock node" : ", edge node")
        + (config.cluster().enabled() ? ", clustered at " + config.cluster().host() + ":" + config.cluster().port() : "")
        + ", " + config.deploy().eventLoops() + " event loop(s) (config " + configFile + ")"))
      .onFailure(error -> {
        if (error instanceof ConfigException) {
          exit(EXIT_BAD_CONFIG, "configuration error: " + error.getMessage());
        } else {
          exit(EXIT_STARTUP_FAILED, "start-up failed: " + error.getMessage());
        }
      });
  }

  /**
   * Reads the configuration on a throwaway Vert.x, waiting for it on the main thread: the service's
   * own Vert.x is sized by it ({@code deploy.eventLoops}). Exits 2 when it is missing or invalid.
   */
  private static ServiceConfig readConfig(Path file) {
    Vertx reader = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      return ConfigLoader.load(reader, file).toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      System.err.println("configuration error: " + e.getCause().getMessage());
      System.exit(EXIT_BAD_CONFIG);
      throw e;
    } finally {
      reader.close();
    }
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
