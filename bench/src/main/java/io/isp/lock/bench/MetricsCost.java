package io.isp.lock.bench;

import io.isp.lock.ServiceDeployment;
import io.isp.lock.ServiceVertx;
import io.isp.lock.config.ConfigReader;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of metrics where a busy machine cannot blur it: two services in this JVM, one with
 * metrics and one without (each its own Vert.x, as the service process builds it), driven in turn
 * over HTTP with lock + unlock pairs by one client, and what each pair costs the whole JVM in bytes
 * allocated and in CPU time. The client's share is the same on both sides, so on minus off is what
 * metrics cost per pair; allocation does not depend on how busy the machine is.
 *
 * <pre>java -cp isp-lock-service.jar:isp-lock-bench.jar io.isp.lock.bench.MetricsCost REDIS_HOST:PORT [pairs per run] [rounds] [disabled categories]</pre>
 */
public final class MetricsCost {

  private static final int CLIENTS = 64;

  private MetricsCost() {
  }

  public static void main(String[] args) {
    try {
      measureAll(args);
      System.exit(0);
    } catch (Exception e) {
      e.printStackTrace();
      // the Vert.x threads would keep the JVM alive
      System.exit(1);
    }
  }

  private static void measureAll(String[] args) throws Exception {
    String redis = args[0];
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
    // metrics categories to switch off on the "on" side (event-bus, net-client, redis, ...), to find what costs
    List<String> disabled = args.length > 3 ? List.of(args[3].split(",")) : List.of();
    int portOn = 31_000 + (int) (ProcessHandle.current().pid() % 1000);
    int portOff = portOn + 1000;
    Vertx on = start(redis, portOn, true, disabled);
    Vertx off = start(redis, portOff, false, List.of());
    System.err.println("metrics on, less the categories " + disabled);
    Vertx client = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClient http = client.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(CLIENTS));
    System.err.println("warming up: " + 3 * pairs + " pairs on each side");
    for (int i = 0; i < 3; i++) {
      run(http, portOn, pairs);
      run(http, portOff, pairs);
    }
    System.out.println("| round | side | pairs/s | JVM CPU µs / pair | JVM bytes allocated / pair |");
    System.out.println("| ---: | --- | ---: | ---: | ---: |");
    List<double[]> onRuns = new ArrayList<>();
    List<double[]> offRuns = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      boolean onFirst = round % 2 == 1;
      for (boolean side : onFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
        double[] cost = measure(http, side ? portOn : portOff, pairs);
        (side ? onRuns : offRuns).add(cost);
        System.out.printf("| %d | %s | %,.0f | %.1f | %,.0f |%n", round, side ? "on" : "off", cost[0], cost[1], cost[2]);
      }
    }
    double cpuOn = median(onRuns, 1);
    double cpuOff = median(offRuns, 1);
    double bytesOn = median(onRuns, 2);
    double bytesOff = median(offRuns, 2);
    System.out.printf("%nmedians: CPU %.1f µs (on) vs %.1f µs (off) per pair, +%.1f µs; allocation %,.0f vs %,.0f bytes per pair, +%,.0f%n",
      cpuOn, cpuOff, cpuOn - cpuOff, bytesOn, bytesOff, bytesOn - bytesOff);
  }

  private static Vertx start(String redis, int port, boolean metrics, List<String> disabled) throws Exception {
    JsonObject json = new JsonObject()
      .put("logLevel", "warn")
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
      // a starved machine can take seconds for one call; a 503 would end the measurement
      .put("redis", new JsonObject().put("server", redis).put("prefix", "cost-" + (metrics ? "on" : "off"))
        .put("commandTimeout", "30s"))
      .put("metrics", new JsonObject().put("enabled", metrics));
    ServiceConfig config = ConfigReader.read(json);
    ServiceMetrics serviceMetrics = ServiceMetrics.create(config.management());
    Vertx vertx;
    if (disabled.isEmpty()) {
      vertx = ServiceVertx.start(config, serviceMetrics).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } else {
      // ServiceVertx's options, less some categories
      VertxOptions options = serviceMetrics.vertxOptions(new VertxOptions().setEventLoopPoolSize(config.deploy().eventLoops()));
      disabled.forEach(((MicrometerMetricsOptions) options.getMetricsOptions())::addDisabledMetricsCategory);
      vertx = Vertx.builder().with(options).withMetrics(serviceMetrics.vertxMetricsFactory().orElseThrow()).build();
    }
    ServiceDeployment.deploy(vertx, config, serviceMetrics).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return vertx;
  }

  /** pairs/s, JVM CPU µs per pair, JVM bytes allocated per pair. */
  private static double[] measure(HttpClient http, int port, int pairs) throws Exception {
    System.gc();
    long cpu0 = processCpuNanos();
    long bytes0 = allocatedBytes();
    long t0 = System.nanoTime();
    run(http, port, pairs);
    long t1 = System.nanoTime();
    long cpu1 = processCpuNanos();
    long bytes1 = allocatedBytes();
    return new double[] {pairs / ((t1 - t0) / 1e9), (cpu1 - cpu0) / 1e3 / pairs, (double) (bytes1 - bytes0) / pairs};
  }

  /** {@code pairs} lock + unlock pairs on distinct keys, CLIENTS at a time. */
  private static void run(HttpClient http, int port, int pairs) throws Exception {
    AtomicLong next = new AtomicLong();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      Promise<Void> done = Promise.promise();
      loop(http, port, next, pairs, done);
      loops.add(done.future());
    }
    Future.all(loops).toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }

  private static void loop(HttpClient http, int port, AtomicLong next, int pairs, Promise<Void> done) {
    long n = next.getAndIncrement();
    if (n >= pairs) {
      done.complete();
      return;
    }
    String key = "k" + (n % 100_000);
    post(http, port, "/api/isp-lock-service/lock", new JsonObject().put("key", key).put("ttl", 10).put("waitTimeout", 0))
      .compose(grant -> post(http, port, "/api/isp-lock-service/unlock",
        new JsonObject().put("key", key).put("lockKey", grant.getString("lockKey"))))
      .onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
        } else {
          loop(http, port, next, pairs, done);
        }
      });
  }

  private static Future<JsonObject> post(HttpClient http, int port, String path, JsonObject body) {
    return http.request(HttpMethod.POST, port, "127.0.0.1", path)
      .compose(request -> request.putHeader("Content-Type", "application/json").send(Buffer.buffer(body.encode())))
      .compose(response -> response.statusCode() == 200 ? response.body()
        : Future.failedFuture(path + " answered " + response.statusCode()))
      .map(Buffer::toJsonObject);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Bytes allocated so far by every live thread of this JVM (the event loops live throughout). */
  private static long allocatedBytes() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, bytes);
    }
    return total;
  }

  private static double median(List<double[]> runs, int index) {
    double[] values = runs.stream().mapToDouble(run -> run[index]).sorted().toArray();
    return values.length % 2 == 1 ? values[values.length / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
  }
}
