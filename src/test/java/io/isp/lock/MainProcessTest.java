package io.isp.lock;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@DisplayName("The process: command line, environment overrides, exit codes, SIGTERM")
class MainProcessTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @DisplayName("neither redis.server nor redis.sentinel nor redis.cluster: exits 2 naming the three keys")
  void invalidConfigExits2(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("c.yaml"), "redis:\n  server: \"\"\n");
    try (ServiceProcess service = ServiceProcess.start(Map.of(), "--config", config.toString())) {
      assertThat(service.awaitExit(30)).isEqualTo(2);
      assertThat(service.output()).contains("redis.server").contains("redis.sentinel.addresses").contains("redis.cluster.nodes");
    }
  }

  @Test
  @DisplayName("redis.cluster.nodes from the environment with redis.server still set, or with a redis.db: exits 2 naming the keys")
  void clusterConfigExits2() {
    // the shipped file sets redis.server: REDIS_CLUSTER_NODES alone makes two topologies
    try (ServiceProcess service = ServiceProcess.start(Map.of("REDIS_CLUSTER_NODES", "127.0.0.1:7000,127.0.0.1:7001"))) {
      assertThat(service.awaitExit(30)).isEqualTo(2);
      assertThat(service.output()).contains("redis.server and redis.cluster.nodes are");
    }
    try (ServiceProcess service = ServiceProcess.start(Map.of("REDIS_SERVER", "", "REDIS_DB", "3",
      "REDIS_CLUSTER_NODES", "127.0.0.1:7000"))) {
      assertThat(service.awaitExit(30)).isEqualTo(2);
      assertThat(service.output()).contains("redis.db").contains("redis.cluster.nodes");
    }
  }

  @Test
  @DisplayName("an unknown argument exits 2 with usage")
  void unknownArgument() {
    try (ServiceProcess service = ServiceProcess.start(Map.of(), "--frobnicate")) {
      assertThat(service.awaitExit(30)).isEqualTo(2);
      assertThat(service.output()).contains("usage").contains("--config FILE").contains("--dev");
    }
  }

  @Test
  @DisplayName("Redis rejecting the password: exits 1 with a clear message")
  void wrongPasswordExits1() {
    try (RedisProcess redis = RedisProcess.start("--requirepass", "right");
         ServiceProcess service = ServiceProcess.start(Map.of(
           "REDIS_SERVER", redis.host() + ":" + redis.port(), "REDIS_PASSWORD", "wrong",
           "HTTP_PORT", Integer.toString(FreePorts.next())))) {
      assertThat(service.awaitExit(30)).isEqualTo(1);
      assertThat(service.output()).contains("redis.userName/redis.password");
    }
  }

  @Test
  @DisplayName("env overrides the file; SIGTERM answers waiters 503 and exits 0")
  void environmentAndGracefulShutdown() throws Exception {
    int port = FreePorts.next();
    try (ServiceProcess service = ServiceProcess.start(Map.of(
      "REDIS_SERVER", RedisFixture.shared().server(),
      "HTTP_PORT", Integer.toString(port),
      "HTTP_HOST", "127.0.0.1",
      "REDIS_PREFIX", "main-process-" + System.nanoTime()))) {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> get(port, "/health/ready").statusCode() == 200);

      assertThat(post(port, "{\"key\": \"shutdown\", \"ttl\": 60}").join().statusCode()).isEqualTo(200);
      CompletableFuture<HttpResponse<String>> waiter = post(port, "{\"key\": \"shutdown\", \"waitTimeout\": 60}");
      await().atMost(Duration.ofSeconds(10)).until(() -> waiters(port) == 1);

      service.terminate();

      HttpResponse<String> answer = waiter.get();
      assertThat(answer.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo("shutting_down");
      assertThat(service.awaitExit(20)).isEqualTo(0);
    }
  }

  @Test
  @DisplayName("--dev: a private redis-server replaces redis.server; lock and unlock work; SIGTERM stops it and exits 0")
  void devMode(@TempDir Path dir) throws Exception {
    int port = FreePorts.next();
    // with redis.server from the environment, both would be a configuration error without --dev
    Path config = Files.writeString(dir.resolve("c.yaml"),
      "redis:\n  sentinel:\n    addresses: [\"127.0.0.1:2\"]\n    masterName: m\n");
    try (ServiceProcess service = ServiceProcess.start(Map.of(
      "REDIS_SERVER", "127.0.0.1:1", // nothing listens there: --dev must ignore it
      "REDIS_PREFIX", "007",         // the environment keeps the text: 007, not 7
      "HTTP_PORT", Integer.toString(port),
      "HTTP_HOST", "127.0.0.1"), "--dev", "--config", config.toString())) {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> get(port, "/health/ready").statusCode() == 200);
      List<String> warnings = service.output().lines().filter(line -> line.contains("local to this process")).toList();
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains("WARN").contains("development only").contains("redis.server=127.0.0.1:1")
        .contains("redis.sentinel.addresses=127.0.0.1:2");
      Matcher started = Pattern.compile("at 127\\.0\\.0\\.1:(\\d+) \\(pid (\\d+)").matcher(warnings.get(0));
      assertThat(started.find()).as(warnings.get(0)).isTrue();
      int redisPort = Integer.parseInt(started.group(1));
      long redisPid = Long.parseLong(started.group(2));
      ProcessHandle redis = service.descendants().filter(p -> p.pid() == redisPid).findFirst().orElseThrow();
      Path redisDir = Path.of("/proc/" + redisPid + "/cwd").toRealPath(); // its temp dir

      HttpResponse<String> lock = post(port, "/lock", "{\"key\": \"dev\", \"ttl\": 60}").join();
      assertThat(lock.statusCode()).as(lock.body()).isEqualTo(200);
      assertThat(inlineCommand(redisPort, "EXISTS 007::dev")).isEqualTo(":1");

      String lockKey = new JsonObject(lock.body()).getString("lockKey");
      HttpResponse<String> unlock = post(port, "/unlock", new JsonObject().put("key", "dev").put("lockKey", lockKey).encode()).join();
      assertThat(unlock.statusCode()).as(unlock.body()).isEqualTo(200);

      service.terminate();
      assertThat(service.awaitExit(20)).isEqualTo(0);
      await().atMost(Duration.ofSeconds(5)).until(() -> !redis.isAlive());
      assertThatThrownBy(() -> inlineCommand(redisPort, "PING")).isInstanceOf(IOException.class);
      assertThat(redisDir).doesNotExist();
    }
  }

  /** One inline Redis command over a plain socket; the first line of the reply. */
  private static String inlineCommand(int port, String command) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }

  private int waiters(int port) throws Exception {
    return new JsonObject(get(port, "/health/ready").body()).getJsonArray("checks").getJsonObject(0)
      .getJsonObject("data").getInteger("waiters");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> post(int port, String body) {
    return post(port, "/lock", body);
  }

  private CompletableFuture<HttpResponse<String>> post(int port, String operation, String body) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/isp-lock-service" + operation))
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
      HttpResponse.BodyHandlers.ofString());
  }
}
