package io.isp.lock;

import io.isp.lock.cli.LockCli;
import io.isp.lock.config.ConfigException;
import io.isp.lock.config.ConfigLoader;
import io.isp.lock.config.RedisConfig;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.dev.EmbeddedRedis;
import io.isp.lock.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar isp-lock-service.jar [--config FILE] [--dev]}: loads and validates the
 * configuration, deploys the service, and on SIGTERM/SIGINT shuts down in order and exits 0.
 * {@code --dev} is {@code redis.embedded: true}: the service runs on a private Redis of its own.
 *
 * <p>Exit codes: 0 after a clean shutdown, 1 when start-up fails (e.g. Redis rejects the
 * credentials, the port is taken), 2 for a bad command line or configuration.
 *
 * <p>{@code java -jar isp-lock-service.jar lock ...} is the lock command for shell scripts instead
 * ({@link LockCli}): it runs a command holding a lock of a running service, and loads nothing of
 * the service itself.
 */
public final class Main {

  static final int EXIT_STARTUP_FAILED = 1;
  static final int EXIT_BAD_CONFIG = 2;
  static final String USAGE = "usage: java -jar isp-lock-service.jar [--config FILE] [--dev]\n"
    + "  --config FILE  the YAML configuration (default conf/config.yaml)\n"
    + "  --dev          run on a private redis-server started for this process (redis.embedded: true);\n"
    + "                 locks are local to this process: for development only\n"
    + "   or: java -jar isp-lock-service.jar lock [--url URL] [--token T] [--ttl S] [--wait S] KEY -- COMMAND [ARG...]\n"
    + "                 run COMMAND holding a lock of a running service (lock --help)";
  private static final String DEFAULT_CONFIG = "conf/config.yaml";

  /** The command line: the config file, and {@code --dev}. */
  record Arguments(Path configFile, boolean dev) {
  }

  private Main() {
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("lock")) {
      // before anything of the service is loaded or set up: the lock command starts lean
      LockCli.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Logging.init();
    Arguments arguments = parse(args);
    ServiceConfig config = readConfig(arguments);
    Logging.configure(config);
    System.Logger log = System.getLogger(Main.class.getName());
    // what this node was really given, wherever each value came from; secrets masked
    log.log(System.Logger.Level.INFO, "configuration (" + arguments.configFile() + "): " + config.effective().describe());
    EmbeddedRedis embedded = config.redis().embedded() && config.deploy().lock() ? startEmbedded(config.redis(), log) : null;
    ServiceConfig running = embedded == null ? config : config.withRedis(config.redis().usingEmbedded(embedded.hostPort()));
    ServiceMetrics metrics = ServiceMetrics.create(running.management());
    ServiceVertx.start(running, metrics)
      .compose(vertx -> ServiceDeployment.deploy(vertx, running, metrics)
        .onSuccess(deployment -> onTermination(vertx, deployment, running, embedded)))
      .onSuccess(deployment -> log.log(System.Logger.Level.INFO, "isp-lock-service started: "
        + (running.deploy().http() ? "HTTP on " + running.http().host() + ":" + running.http().port() : "no HTTP API")
        + ", health" + (running.management().metricsEnabled() ? " and metrics" : "") + " on " + running.http().host() + ":"
        + running.management().port().orElse(running.http().port())
        + (running.deploy().lock() ? ", lock node" : ", edge node")
        + (running.cluster().enabled() ? ", clustered at " + running.cluster().host() + ":" + running.cluster().port() : "")
        + ", " + running.deploy().eventLoops() + " event loop(s) (config " + arguments.configFile() + ")"))
      .onFailure(error -> {
        if (error instanceof ConfigException) {
          exit(EXIT_BAD_CONFIG, "configuration error: " + error.getMessage(), null, embedded);
        } else {
          exit(EXIT_STARTUP_FAILED, "start-up failed: " + error.getMessage(), error, embedded);
        }
      });
  }

  /**
   * Reads the configuration on a throwaway Vert.x, waiting for it on the main thread: the service's
   * own Vert.x is sized by it ({@code deploy.eventLoops}). Exits 2 when it is missing or invalid.
   */
  private static ServiceConfig readConfig(Arguments arguments) {
    JsonObject overrides = arguments.dev()
      ? new JsonObject().put("redis", new JsonObject().put("embedded", true))
      : new JsonObject();
    Vertx reader = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      return ConfigLoader.load(reader, arguments.configFile(), overrides).toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      System.err.println("configuration error: " + e.getCause().getMessage());
      System.exit(EXIT_BAD_CONFIG);
      throw e;
    } finally {
      reader.close();
    }
  }

  /**
   * {@code redis.embedded}: starts the private Redis on the main thread, before the service's Vert.x
   * exists (starting waits for the server, which must never happen on an event loop). Exits 1 if it
   * cannot start.
   */
  private static EmbeddedRedis startEmbedded(RedisConfig redis, System.Logger log) {
    EmbeddedRedis embedded;
    try {
      embedded = EmbeddedRedis.start();
    } catch (IOException | RuntimeException e) {
      report("start-up failed: cannot start a private redis-server for redis.embedded / --dev: " + e.getMessage(), null);
      System.exit(EXIT_STARTUP_FAILED);
      throw new IllegalStateException(e);
    }
    List<String> ignored = new ArrayList<>();
    redis.server().ifPresent(server -> ignored.add("redis.server=" + server));
    redis.sentinel().ifPresent(sentinel -> ignored.add("redis.sentinel.addresses=" + String.join(",", sentinel.addresses())));
    if (!redis.userName().isEmpty()) {
      ignored.add("redis.userName");
    }
    if (!redis.password().isEmpty()) {
      ignored.add("redis.password");
    }
    if (redis.tls().enabled()) {
      ignored.add("redis.tls.*");
    }
    log.log(System.Logger.Level.WARNING, "redis.embedded (--dev): running on a private redis-server at "
      + embedded.hostPort() + " (pid " + embedded.pid() + ", " + embedded.source() + ", no persistence);"
      + " locks are local to this process: for development only"
      + (ignored.isEmpty() ? "" : "; ignoring " + String.join(", ", ignored)));
    return embedded;
  }

  static Arguments parse(String[] args) {
    String file = DEFAULT_CONFIG;
    boolean dev = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      } else if (args[i].equals("--dev")) {
        dev = true;
      } else {
        System.err.println(USAGE + "\n(unknown argument: " + args[i] + ")");
        System.exit(EXIT_BAD_CONFIG);
      }
    }
    return new Arguments(Path.of(file), dev);
  }

  /**
   * SIGTERM and SIGINT: stop accepting, answer waiters 503, let in-flight requests finish (bounded by
   * http.shutdownTimeout), stop the private Redis if any, then exit 0. A JVM shutdown hook could not
   * choose the exit code (143).
   */
  private static void onTermination(Vertx vertx, ServiceDeployment deployment, ServiceConfig config,
                                    EmbeddedRedis embedded) {
    long boundMs = config.http().shutdownTimeout().toMillis() + config.redis().commandTimeout().toMillis() + 2000;
    Runnable shutdown = () -> {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMs);
      // close Vert.x from this thread, not from a callback on one of the event loops it is stopping
      boolean finished = awaitUntil(deployment.stop(), deadline) && awaitUntil(vertx.close(), deadline);
      if (!finished) {
        System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING,
          "shutdown did not finish within " + boundMs + " ms; exiting anyway");
      }
      if (embedded != null) {
        embedded.close();
      }
      System.exit(0);
    };
    Signal.handle(new Signal("TERM"), signal -> new Thread(shutdown, "shutdown").start());
    Signal.handle(new Signal("INT"), signal -> new Thread(shutdown, "shutdown").start());
  }

  /**
   * Why the process stops, once logging is configured: through the log, in its format (with
   * {@code cause}'s stack trace, if any); printed anyway when {@code logLevel: off} silences errors.
   */
  private static void report(String message, Throwable cause) {
    System.Logger log = System.getLogger(Main.class.getName());
    if (log.isLoggable(System.Logger.Level.ERROR)) {
      log.log(System.Logger.Level.ERROR, message, cause);
    } else {
      System.err.println(message);
    }
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

  /**
   * Exits from a thread of its own: System.exit blocks, and must never run on an event loop. The
   * private Redis, if any, is stopped first.
   */
  private static void exit(int code, String message, Throwable cause, EmbeddedRedis embedded) {
    report(message, cause);
    new Thread(() -> {
      if (embedded != null) {
        embedded.close();
      }
      System.exit(code);
    }, "exit").start();
  }
}
