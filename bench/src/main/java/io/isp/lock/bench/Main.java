package io.isp.lock.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load generator. bench/run.sh starts Redis and the service and calls this once per row; each
 * call appends its row to the rows file; {@code table} prints them all.
 *
 * <pre>
 * every scenario also takes --redis-pid PID[,PID...] (to tell the machine's other load apart; a cluster's masters) and
 * --quiet-wait S (wait up to S seconds for other processes to calm down before starting);
 * the HTTP scenarios take --loops N (event loops driving the clients, default 1) and --scenario TEXT (the row's
 * description, e.g. for the same scenario against a Redis Cluster)
 * uncontended --port P --service-pid PID --clients N  [--warmup S --duration S] [--http-client vertx|jdk] --rows FILE --id ID
 * hotkey      --port P --service-pid PID --clients 64 [--warmup S --duration S] --rows FILE
 * readwrite   --port P --service-pid PID --clients 64 [--warmup S --duration S] --rows FILE   (row b, 90 % read locks)
 * semaphore   --port P --service-pid PID --clients 64 --permits 8 [--warmup S --duration S] --rows FILE
 * waiters     --port P --service-pid PID [--keys 100 --per-key 100 --hold S --wait-timeout S
 *             --ramp-batch 500 --ramp-pause-ms 100] --rows FILE
 * eventbus    --redis HOST:PORT --clients 64 [--typed true] [--warmup S --duration S] --rows FILE
 *             (with target/isp-lock-service.jar on the class path)
 * quiet       [--quiet-wait S]   waits up to S seconds for other processes to calm down (before redis-benchmark)
 * table       --rows FILE --limits FILE --redis-version V --mode TEXT [--source TEXT] [--notes FILE] [--out FILE]
 * </pre>
 *
 * A scenario that fails still writes its row (marked FAILED, with the reason) and exits 0, so one
 * broken row never hides the others.
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println("usage: java -jar isp-lock-bench.jar uncontended|hotkey|readwrite|semaphore|waiters|eventbus|table --option value ...");
      System.exit(2);
    }
    Args args = Args.parse(argv);
    String command = argv[0];
    if (command.equals("quiet")) {
      boolean quiet = new CpuMeter(args.integer("service-pid", -1), pids(args.string("redis-pid", "-1")))
        .awaitQuiet(0.15, args.millis("quiet-wait", 90));
      System.err.println(quiet ? "[bench] the machine is quiet" : "[bench] the machine stayed busy; going on anyway");
      return;
    }
    if (command.equals("table")) {
      String table = TablePrinter.render(Row.readAll(args.path("rows")), RedisLimit.read(args.path("limits")),
        args.string("redis-version", "unknown"), args.string("mode", ""), args.string("source", "unknown"),
        args.has("notes") && Files.exists(args.path("notes")) ? Files.readAllLines(args.path("notes")) : List.of());
      if (args.has("out")) {
        Files.writeString(args.path("out"), table);
      }
      System.out.print(table);
      return;
    }

    Path rows = args.path("rows");
    int clients = command.equals("waiters") ? args.integer("keys", 100) * args.integer("per-key", 100)
      : args.integer("clients", 64);
    long warmupMs = args.millis("warmup", 3);
    long durationMs = args.millis("duration", 10);
    String id = args.string("id", command);
    String scenario = args.has("scenario") ? args.string("scenario", "") : switch (command) {
      case "uncontended" -> "uncontended (100,000 keys, waitTimeout 0), HTTP";
      case "hotkey" -> "hot key (1 key, waitTimeout 10), HTTP";
      case "readwrite" -> "read-write hot key (1 key, 90 % read locks, 10 % write locks, waitTimeout 10), HTTP";
      case "semaphore" -> SemaphoreScenario.description(args.integer("permits", 8));
      case "waiters" -> "many waiters, HTTP, service -Xmx256m";
      case "eventbus" -> "uncontended (100,000 keys, waitTimeout 0), event bus, service in the benchmark JVM";
      default -> throw new IllegalArgumentException("unknown command " + command);
    };
    System.err.printf("[bench] %s: %s, %d clients%n", id, scenario, clients);

    // row d hosts the service: give it the event loops the service gives itself (deploy.eventLoops: 0,
    // one per two cores), so where the callers land next to the LockVerticle does not depend on
    // how many HTTP verticles happened to be deployed before them. The HTTP rows drive all their
    // clients from --loops event loops, one by default, as redis-benchmark drives its clients from
    // one thread: on a small machine every extra loop is one more thread to wake per request, and
    // the CPU it burns is taken from the service being measured (docs/benchmarks.md).
    int cores = Runtime.getRuntime().availableProcessors();
    int loops = command.equals("eventbus") ? Math.max(1, cores / 2) : args.integer("loops", 1);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    long[] redisPids = pids(args.string("redis-pid", "-1"));
    long quietWaitMs = args.millis("quiet-wait", 0);
    long servicePid = command.equals("eventbus") ? ProcessHandle.current().pid() : args.integer("service-pid", -1);
    CpuMeter cpu = new CpuMeter(servicePid, redisPids);
    Row row;
    try {
      if (quietWaitMs > 0 && !cpu.awaitQuiet(0.15, quietWaitMs)) {
        System.err.println("[bench] the machine stayed busy; running " + id + " anyway (its details say how busy)");
      }
      row = switch (command) {
        case "uncontended" -> {
          int port = args.integer("port", 8080);
          if (args.string("http-client", "vertx").equals("jdk")) {
            yield UncontendedScenario.run(id, scenario + " (java.net.http client)", vertx, new JdkHttpTransport(vertx, port, 30_000),
              clients, warmupMs, durationMs, cpu, "the service process");
          }
          try (HttpTransport http = new HttpTransport(vertx, port, clients, 30_000)) {
            yield UncontendedScenario.run(id, scenario, vertx, http, clients, warmupMs, durationMs, cpu,
              "the service process");
          }
        }
        case "hotkey" -> {
          try (HttpTransport http = new HttpTransport(vertx, args.integer("port", 8080), clients, 30_000)) {
            yield HotKeyScenario.run(id, vertx, http, clients, warmupMs, durationMs, cpu);
          }
        }
        case "readwrite" -> {
          try (HttpTransport http = new HttpTransport(vertx, args.integer("port", 8080), clients, 30_000)) {
            yield ReadWriteScenario.run(id, scenario, vertx, http, clients, warmupMs, durationMs, cpu);
          }
        }
        case "semaphore" -> {
          try (HttpTransport http = new HttpTransport(vertx, args.integer("port", 8080), clients, 30_000)) {
            yield SemaphoreScenario.run(id, scenario, vertx, new SemaphoreTransport(http, args.integer("permits", 8)), clients,
              warmupMs, durationMs, cpu);
          }
        }
        case "waiters" -> ManyWaitersScenario.run(id, vertx, args.integer("port", 8080), servicePid, cpu,
          new ManyWaitersScenario.Settings(args.integer("keys", 100), args.integer("per-key", 100), args.millis("hold", 5),
            args.integer("wait-timeout", 120), args.integer("ramp-batch", 500), args.integer("ramp-pause-ms", 100)));
        default -> {
          InProcessService.deploy(vertx, args.string("redis", "127.0.0.1:6379"), "bench");
          boolean typed = args.string("typed", "false").equals("true");
          Transport transport = typed ? new TypedEventBusTransport(vertx, 30_000) : new EventBusTransport(vertx, 30_000);
          yield UncontendedScenario.run(id, typed ? scenario + " (typed records, as the HTTP verticle sends)" : scenario,
            vertx, transport, clients, warmupMs,
            durationMs, cpu,
            "the benchmark JVM (service and callers together)");
        }
      };
    } catch (Throwable error) {
      System.err.println("[bench] " + id + " failed:");
      error.printStackTrace();
      row = Row.failed(id, scenario, clients, error);
    }
    row.appendTo(rows);
    System.err.printf("[bench] %s: %,.0f pairs/s, p50 %.2f ms, p99 %.2f ms, errors %d; %s%n",
      id, row.pairsPerSec(), row.p50Ms(), row.p99Ms(), row.errors(), row.details());
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.exit(0);
  }

  /** {@code --name value} pairs after the command. */
  /** "123" or "1,2,3": the Redis processes whose CPU is Redis's, not the machine's other load. */
  private static long[] pids(String list) {
    return Arrays.stream(list.split(",")).mapToLong(Long::parseLong).toArray();
  }

  private record Args(Map<String, String> values) {

    static Args parse(String[] argv) {
      Map<String, String> values = new HashMap<>();
      List<String> rest = List.of(argv).subList(1, argv.length);
      for (int i = 0; i < rest.size(); i++) {
        String name = rest.get(i);
        if (!name.startsWith("--") || i + 1 >= rest.size()) {
          throw new IllegalArgumentException("expected --name value, got " + name);
        }
        values.put(name.substring(2), rest.get(++i));
      }
      return new Args(values);
    }

    boolean has(String name) {
      return values.containsKey(name);
    }

    String string(String name, String defaultValue) {
      return values.getOrDefault(name, defaultValue);
    }

    int integer(String name, int defaultValue) {
      return has(name) ? Integer.parseInt(values.get(name)) : defaultValue;
    }

    /** A duration given in seconds (fractions allowed), as milliseconds. */
    long millis(String name, double defaultSeconds) {
      return (long) ((has(name) ? Double.parseDouble(values.get(name)) : defaultSeconds) * 1000);
    }

    Path path(String name) {
      if (!has(name)) {
        throw new IllegalArgumentException("--" + name + " is required");
      }
      return Path.of(values.get(name));
    }
  }
}
