package io.isp.lock.support;

import io.isp.lock.ServiceDeployment;
import io.isp.lock.ServiceVertx;
import io.isp.lock.config.ConfigReader;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole service, deployed in a Vert.x of its own on a free port, and an HTTP client for it.
 * Each instance uses a fresh key prefix, so tests sharing a Redis never see each other's locks. As a
 * {@link Fixture} it is declared in one line ({@link #onSharedRedis}, {@link #on}); {@link #start}
 * starts one at once.
 */
public final class ServiceUnderTest extends Fixture {

  public static final String API = "/api/isp-lock-service";

  private final Supplier<JsonObject> configuration;
  // HTTP/1.1, all the service speaks: one connection per blocked call
  private HttpClient http = client().build();
  private String scheme = "http";
  private Vertx vertx;
  private ServiceConfig config;
  private ServiceDeployment deployment;
  private int port;

  private ServiceUnderTest(Supplier<JsonObject> configuration) {
    this.configuration = configuration;
  }

  /** The service on the JVM's shared Redis, with the test defaults (a fresh prefix, a free port). */
  public static ServiceUnderTest onSharedRedis() {
    return onSharedRedis(new JsonObject());
  }

  /** The service on the JVM's shared Redis, {@code overrides} deep-merged over the test defaults. */
  public static ServiceUnderTest onSharedRedis(JsonObject overrides) {
    return new ServiceUnderTest(() -> sharedDefaults(overrides));
  }

  /** The service on {@code redis}, a fixture declared before this one (its address is read when this starts). */
  public static ServiceUnderTest on(RedisProcess redis, JsonObject overrides) {
    return new ServiceUnderTest(() -> defaults(redis.address(), overrides));
  }

  /** The service with exactly this configuration JSON (no defaults added), made when it starts. */
  public static ServiceUnderTest withConfig(Supplier<JsonObject> json) {
    return new ServiceUnderTest(json);
  }

  /**
   * Talks HTTPS to the service, with this TLS context (the CA it trusts, and the client certificate
   * it presents, if any); the service's config must have {@code http.tls.*}.
   */
  public ServiceUnderTest overHttps(SSLContext tls) {
    http = client().sslContext(tls).build();
    scheme = "https";
    return this;
  }

  private static HttpClient.Builder client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
  }

  /** Starts now against the shared Redis with {@code overrides} deep-merged over the test defaults. */
  public static ServiceUnderTest start(JsonObject overrides) {
    return onSharedRedis(overrides).started();
  }

  public static ServiceUnderTest start(String redisServer, JsonObject overrides) {
    return new ServiceUnderTest(() -> defaults(redisServer, overrides)).started();
  }

  /** Starts now with exactly this configuration JSON (no defaults added). */
  public static ServiceUnderTest startWith(JsonObject json) {
    return withConfig(() -> json).started();
  }

  private static JsonObject defaults(String redisServer, JsonObject overrides) {
    JsonObject json = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
      .put("redis", new JsonObject().put("server", redisServer).put("prefix", "test-" + UUID.randomUUID()));
    return json.mergeIn(overrides.copy(), true);
  }

  /** The shared Redis's defaults: the shared cluster's seeds instead of a server with {@code -Disp.test.redis=cluster}. */
  private static JsonObject sharedDefaults(JsonObject overrides) {
    if (!RedisFixture.onCluster()) {
      return defaults(RedisFixture.shared().server(), overrides);
    }
    return onCluster(RedisCluster.shared(), overrides);
  }

  /** The service on the JVM's shared {@link RedisCluster} (started when this starts), {@code overrides} over the test defaults. */
  public static ServiceUnderTest onSharedCluster(JsonObject overrides) {
    return new ServiceUnderTest(() -> onCluster(RedisCluster.shared(), overrides));
  }

  /** The service on {@code cluster}'s nodes ({@code redis.cluster.nodes}), {@code overrides} deep-merged over the test defaults. */
  public static ServiceUnderTest on(RedisCluster cluster, JsonObject overrides) {
    return new ServiceUnderTest(() -> onCluster(cluster, overrides));
  }

  /** As above, with overrides made when this starts (e.g. paths of certificates a fixture above makes). */
  public static ServiceUnderTest on(RedisCluster cluster, Supplier<JsonObject> overrides) {
    return new ServiceUnderTest(() -> onCluster(cluster, overrides.get()));
  }

  private static JsonObject onCluster(RedisCluster cluster, JsonObject overrides) {
    JsonObject json = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
      .put("redis", new JsonObject().put("prefix", "test-" + UUID.randomUUID())
        .put("cluster", new JsonObject().put("nodes", new io.vertx.core.json.JsonArray(cluster.seeds()))));
    return json.mergeIn(overrides.copy(), true);
  }

  @Override
  protected void open() {
    config = ConfigReader.read(configuration.get());
    ServiceMetrics metrics = ServiceMetrics.create(config.management());
    vertx = await(ServiceVertx.start(config, metrics));
    try {
      deployment = await(ServiceDeployment.deploy(vertx, config, metrics));
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
    port = config.http().port();
  }

  @Override
  protected void shut() {
    await(vertx.close());
  }

  /** Like {@link #startWith} but returns the deployment's failure instead of throwing. */
  public static Throwable startupFailure(JsonObject json) {
    Vertx vertx = Vertx.vertx();
    try {
      Future<ServiceDeployment> deployed = ServiceDeployment.deploy(vertx, ConfigReader.read(json), ServiceMetrics.disabled());
      deployed.toCompletionStage().toCompletableFuture().handle((ok, error) -> null).get(30, TimeUnit.SECONDS);
      return deployed.cause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      vertx.close();
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Starts the orderly shutdown SIGTERM runs ({@link ServiceDeployment#stop()}); {@link #close()} still follows. */
  public Future<Void> stopDeployment() {
    return deployment.stop();
  }

  public ServiceConfig config() {
    return config;
  }

  public int port() {
    return port;
  }

  /** The Redis key that holds the lock for {@code key}. */
  public String redisKey(String key) {
    return config.redis().prefix() + "::" + key;
  }

  /**
   * Runs a command with redis-cli on the service's own Redis, database and credentials, e.g.
   * {@code redis("PTTL", redisKey("a"))}; returns trimmed stdout. Standalone plain-text mode only (over TLS: RedisProcess.cli).
   */
  public String redis(String... command) {
    if (config.redis().cluster() && command.length > 0 && command[0].equalsIgnoreCase("KEYS")) {
      // each master holds its slots' keys: ask every master, one key a line as from one Redis
      java.util.List<String> keys = new java.util.ArrayList<>();
      for (String node : config.redis().clusterNodes()) {
        if (redisAt(node, "ROLE").startsWith("master")) {
          String found = redisAt(node, command);
          if (!found.isEmpty()) {
            keys.add(found);
          }
        }
      }
      return String.join("\n", keys);
    }
    // a cluster: any node, and -c follows the redirect to the key's master
    return redisAt(config.redis().server().orElseGet(() -> config.redis().clusterNodes().get(0)), command);
  }

  private String redisAt(String address, String... command) {
    String[] hostPort = address.split(":");
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("redis-cli", "--no-auth-warning",
      "-h", hostPort[0], "-p", hostPort[1]));
    args.addAll(config.redis().cluster() ? java.util.List.of("-c") : java.util.List.of("-n", Integer.toString(config.redis().db())));
    if (!config.redis().password().isEmpty()) {
      if (!config.redis().userName().isEmpty()) {
        args.addAll(java.util.List.of("--user", config.redis().userName()));
      }
      args.addAll(java.util.List.of("--pass", config.redis().password()));
    }
    args.addAll(java.util.List.of(command));
    try {
      Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes()).trim();
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("redis-cli " + String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResult post(String path, String body, String... headers) {
    return join(postAsync(path, body, headers));
  }

  public CompletableFuture<HttpResult> postAsync(String path, String body, String... headers) {
    HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length == 0) {
      request.header("Content-Type", "application/json");
    } else {
      request.headers(headers);
    }
    return send(request.build());
  }

  public HttpResult get(String path, String... headers) {
    HttpRequest.Builder request = request(path).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return join(send(request.build()));
  }

  /** GET on another port of the service's host ({@code management.port}), with the service's scheme and client. */
  public HttpResult getOn(int otherPort, String path) {
    return join(send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + otherPort + path))
      .timeout(Duration.ofSeconds(60)).GET().build()));
  }

  /** The port {@code /health/*} and {@code /metrics} are served on: {@code management.port}, else {@code http.port}. */
  public int managementPort() {
    return config.management().port().orElse(port);
  }

  /** {@code GET /metrics} on the management port, read back; fails the test unless it answers 200. */
  public PrometheusText metrics() {
    HttpResult result = getOn(managementPort(), "/metrics");
    assertThat(result.status()).as("GET /metrics: %s", result).isEqualTo(200);
    return new PrometheusText(result.body());
  }

  /** Any method, with {@code body} (none if null) and the given header name/value pairs. */
  public HttpResult send(String method, String path, String body, String... headers) {
    HttpRequest.Builder request = request(path).method(method,
      body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return join(send(request.build()));
  }

  public HttpResult lock(String key, double ttlSeconds) {
    return post(API + "/lock", new JsonObject().put("key", key).put("ttl", ttlSeconds).encode());
  }

  /** Locks {@code key} and returns the lockKey, failing the test if the lock is not granted. */
  public String lockKeyFor(String key, double ttlSeconds) {
    HttpResult result = lock(key, ttlSeconds);
    assertThat(result.status()).as("lock %s: %s", key, result).isEqualTo(200);
    return result.json().getString("lockKey");
  }

  public HttpResult unlock(String key, String lockKey) {
    return post(API + "/unlock", new JsonObject().put("key", key).put("lockKey", lockKey).encode());
  }

  /** How many lock requests are blocked in this instance, as readiness reports it. */
  public int waiters() {
    HttpResult ready = get("/health/ready");
    return ready.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(check -> "redis".equals(check.getString("id")))
      .findFirst().orElseThrow().getJsonObject("data").getInteger("waiters");
  }

  /** Sends a blocking lock request and returns once this instance counts it among its waiters. */
  public CompletableFuture<HttpResult> waitFor(String key, double ttlSeconds, double waitSeconds) {
    int before = waiters();
    CompletableFuture<HttpResult> pending = postAsync(API + "/lock",
      new JsonObject().put("key", key).put("ttl", ttlSeconds).put("waitTimeout", waitSeconds).encode());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
      .until(() -> pending.isDone() || waiters() > before);
    return pending;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
  }

  private CompletableFuture<HttpResult> send(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
      .thenApply(response -> new HttpResult(response.statusCode(), response.headers(), response.body()));
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
