package io.isp.lock.engine;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as a process of its own, SIGKILLed while it holds a lock for a client and while
 * another client's call waits for it: nothing runs after the kill, so Redis alone must clean up.
 */
@Tag("slow")
@DisplayName("The service SIGKILLed while holding and while waiting: the lock expires at its TTL, nothing else is left in Redis")
class ServiceKillTest {

  private static final String PREFIX = "killed";
  private static final long TTL_MS = 3000;

  @RegisterExtension
  final RedisProcess redis = RedisProcess.fixture();

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void killedWhileHoldingAndWaiting() throws Exception {
    int port = FreePorts.next();
    try (ServiceProcess service = ServiceProcess.start(Map.of("REDIS_SERVER", redis.address(),
      "HTTP_HOST", "127.0.0.1", "HTTP_PORT", Integer.toString(port), "REDIS_PREFIX", PREFIX))) {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(port, "/health/ready") == 200);

      long grantedAt = System.nanoTime();
      HttpResponse<String> held = lock(port, "held", TTL_MS / 1000.0, 0).join();
      assertThat(held.statusCode()).as(held.body()).isEqualTo(200);
      long fencingToken = new JsonObject(held.body()).getLong("fencingToken");
      CompletableFuture<HttpResponse<String>> waiter = lock(port, "held", 60, 60);
      // the waiter is counted in Redis (its instance publishes it): the call waits in the service
      await().atMost(Duration.ofSeconds(10)).until(() -> keys().contains(PREFIX + ":fence-waiters:held"));
      assertThat(keys()).containsExactlyInAnyOrder(PREFIX + "::held", PREFIX + ":fence:held", PREFIX + ":fence",
        PREFIX + ":fence-waiters:held");

      service.kill();
      long killedAt = System.nanoTime();
      assertThat(waiter).failsWithin(Duration.ofSeconds(10)); // its connection died with the process

      // the lock expires at its TTL: not before (nobody released it), not long after
      await().atMost(Duration.ofMillis(TTL_MS + 3000)).pollInterval(Duration.ofMillis(20))
        .until(() -> redis.call("EXISTS", PREFIX + "::held").equals(0L));
      long expiredAfterMs = (System.nanoTime() - grantedAt) / 1_000_000;
      assertThat(expiredAfterMs).isGreaterThanOrEqualTo(TTL_MS - 50);
      assertThat(redis.call("EXISTS", PREFIX + ":fence:held")).isEqualTo(0L);

      // the waiter count expires too (its entries are valid 15 s unless refreshed): only the fencing counter stays
      await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(200))
        .until(() -> keys().equals(List.of(PREFIX + ":fence")));
      long cleanAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
      assertThat(Long.parseLong(String.valueOf(redis.call("GET", PREFIX + ":fence")))).isGreaterThanOrEqualTo(fencingToken);
      System.out.printf("FIGURES service-kill: lock (TTL %d ms) gone %d ms after its grant; waiter count gone %d ms after the "
        + "kill; left in Redis: %s%n", TTL_MS, expiredAfterMs, cleanAfterMs, keys());
    }
  }

  @SuppressWarnings("unchecked")
  private List<String> keys() {
    return ((List<Object>) redis.call("KEYS", "*")).stream().map(String::valueOf).sorted().toList();
  }

  private CompletableFuture<HttpResponse<String>> lock(int port, String key, double ttl, double waitTimeout) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + API + "/lock"))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("key", key).put("ttl", ttl)
        .put("waitTimeout", waitTimeout).encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
      .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
