package io.isp.lock;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("The process: command line, environment overrides, exit codes, SIGTERM")
class MainProcessTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @DisplayName("neither redis.server nor redis.sentinel: exits 2 naming both keys")
  void invalidConfigExits2(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("c.yaml"), "redis:\n  server: \"\"\n");
    try (ServiceProcess service = ServiceProcess.start(Map.of(), "--config", config.toString())) {
      assertThat(service.awaitExit(30)).isEqualTo(2);
      assertThat(service.output()).contains("redis.server").contains("redis.sentinel");
    }
  }

  @Test
  @DisplayName("an unknown argument exits 2 with usage")
  void unknownArgument() {
    try (ServiceProcess service = ServiceProcess.start(Map.of(), "--frobnicate")) {
      assertThat(service.awaitExit(30)).isEqualTo(2);
      assertThat(service.output()).contains("usage");
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

  private int waiters(int port) throws Exception {
    return new JsonObject(get(port, "/health/ready").body()).getJsonArray("checks").getJsonObject(0)
      .getJsonObject("data").getInteger("waiters");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> post(int port, String body) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/isp-lock-service/lock"))
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
      HttpResponse.BodyHandlers.ofString());
  }
}
