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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Secrets mounted as files, as a container platform does it, given to the real process through
 * the environment ({@code REDIS_PASSWORDFILE}, {@code HTTP_TOKENSFILE}, {@code HTTP_ADMINTOKENSFILE}).
 */
@DisplayName("Secrets from files, end to end: Redis password, client and admin tokens; exit 2 when a file is missing or doubled")
class SecretFilesProcessTest {

  private static final String PASSWORD = "redis-pw-from-file";
  private static final String CLIENT_TOKEN = "client-token-from-file";
  private static final String ADMIN_TOKEN = "admin-token-from-file";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @DisplayName("a requirepass Redis reached with redis.passwordFile; tokens from http.tokensFile and http.adminTokensFile work; none is logged or in /metrics")
  void secretsFromFiles(@TempDir Path dir) throws Exception {
    // CRLF and a trailing line break, as a file written on Windows or by echo would have
    Path password = Files.writeString(dir.resolve("redis-password"), PASSWORD + "\r\n");
    Path tokens = Files.writeString(dir.resolve("tokens"), "# clients\n\n" + CLIENT_TOKEN + "\n");
    Path adminTokens = Files.writeString(dir.resolve("admin-tokens"), "# operators\n" + ADMIN_TOKEN + "\n");
    int port = FreePorts.next();
    try (RedisProcess redis = RedisProcess.start("--requirepass", PASSWORD);
         ServiceProcess service = ServiceProcess.start(Map.of(
           "REDIS_SERVER", redis.host() + ":" + redis.port(),
           "REDIS_PASSWORDFILE", password.toString(),
           "HTTP_TOKENSFILE", tokens.toString(),
           "HTTP_ADMINTOKENSFILE", adminTokens.toString(),
           "HTTP_PORT", Integer.toString(port), "HTTP_HOST", "127.0.0.1",
           "LOGLEVEL", "debug"))) {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> send(port, "GET", "/health/ready", null, null).statusCode() == 200);

      HttpResponse<String> anonymous = send(port, "POST", "/api/isp-lock-service/lock", "{\"key\": \"f\"}", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      HttpResponse<String> locked = send(port, "POST", "/api/isp-lock-service/lock", "{\"key\": \"f\", \"ttl\": 60}",
        CLIENT_TOKEN);
      assertThat(locked.statusCode()).as(locked.body()).isEqualTo(200);
      assertThat(redis.cli("GET", "isp-lock-service::f")).isEqualTo(new JsonObject(locked.body()).getString("lockKey"));

      HttpResponse<String> clientForce = send(port, "DELETE", "/api/isp-lock-service/locks/f", null, CLIENT_TOKEN);
      assertThat(clientForce.statusCode()).isEqualTo(403);
      HttpResponse<String> adminForce = send(port, "DELETE", "/api/isp-lock-service/locks/f", null, ADMIN_TOKEN);
      assertThat(adminForce.statusCode()).as(adminForce.body()).isEqualTo(200);

      // metrics.enabled is on by default; whatever /metrics answers holds no secret
      HttpResponse<String> metrics = send(port, "GET", "/metrics", null, null);
      assertThat(metrics.body()).as("GET /metrics, status %d", metrics.statusCode())
        .doesNotContain(PASSWORD, CLIENT_TOKEN, ADMIN_TOKEN);

      service.terminate();
      assertThat(service.awaitExit(20)).isEqualTo(0);
      // the start-up line names the files; no secret is in any line or any problem body
      assertThat(service.output()).contains("redis.passwordFile=" + password, "http.tokensFile=" + tokens,
        "http.adminTokensFile=" + adminTokens);
      assertThat(service.output() + anonymous.body() + clientForce.body())
        .doesNotContain(PASSWORD, CLIENT_TOKEN, ADMIN_TOKEN);
    }
  }

  @Test
  @DisplayName("a *File key naming a missing file: exit 2 naming the key")
  void missingFile(@TempDir Path dir) {
    Path absent = dir.resolve("absent");
    try (ServiceProcess service = ServiceProcess.start(Map.of(
      "REDIS_SERVER", RedisFixture.shared().server(), "REDIS_PASSWORDFILE", absent.toString(),
      "HTTP_PORT", Integer.toString(FreePorts.next())))) {
      assertThat(service.awaitExit(30)).isEqualTo(2);
      assertThat(service.output()).contains("redis.passwordFile: cannot read " + absent + " (no such file)");
    }
  }

  @Test
  @DisplayName("a value and its file together: exit 2 naming both, showing neither secret")
  void valueAndFile(@TempDir Path dir) throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "from-the-file\n");
    try (ServiceProcess service = ServiceProcess.start(Map.of(
      "REDIS_SERVER", RedisFixture.shared().server(), "HTTP_TOKENS", "inline-token",
      "HTTP_TOKENSFILE", tokens.toString(), "HTTP_PORT", Integer.toString(FreePorts.next())))) {
      assertThat(service.awaitExit(30)).isEqualTo(2);
      assertThat(service.output()).contains("http.tokens and http.tokensFile are both set")
        .doesNotContain("from-the-file", "inline-token");
    }
  }

  private HttpResponse<String> send(int port, String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(10))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("X-Application-Token", token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
