package io.isp.lock.session;

import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.SessionClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Session frames with {@code keys}: a lock on several keys held, renewed and released as one. Keys share a hash tag (Redis Cluster). */
@DisplayName("WebSocket sessions: locks on several keys")
class SessionMultiKeyTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis();

  private static JsonObject frame(String op, List<String> keys) {
    return new JsonObject().put("op", op).put("keys", new JsonArray(keys));
  }

  private static boolean locked(String key) {
    return service.get(API + "/locks/" + URLEncoder.encode(key, StandardCharsets.UTF_8)).json().getBoolean("locked");
  }

  @Test
  @DisplayName("lock with keys: one grant for the set, renewed past 3x its TTL with one extend each time, released when the session closes")
  void renewedAndReleasedOnClose() {
    List<String> keys = List.of("{s}a", "{s}b");
    try (SessionClient session = SessionClient.open(service.port())) {
      JsonObject granted = session.request(frame("lock", keys).put("ttl", 1).put("waitTimeout", 0));
      assertThat(granted.getBoolean("ok")).as(granted.encode()).isTrue();
      assertThat(granted.getJsonArray("keys").getList()).isEqualTo(keys);
      long start = System.nanoTime();
      await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> locked("{s}a") && locked("{s}b"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(3));
      assertThat(session.unsolicited()).as("no lost event").isEmpty();

      JsonObject again = session.request(frame("lock", List.of("{s}b", "{s}c")).put("waitTimeout", 0));
      assertThat(again.getString("code")).as("a session takes each key once").isEqualTo("lock_held");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !locked("{s}a") && !locked("{s}b"));
  }

  @Test
  @DisplayName("unlock and extend frames with keys need no lockKey; the set is then forgotten; a set the session does not hold is not_held")
  void unlockAndExtend() {
    List<String> keys = List.of("{s}u1", "{s}u2", "{s}u3");
    try (SessionClient session = SessionClient.open(service.port())) {
      assertThat(session.request(frame("lock", keys).put("ttl", 30)).getBoolean("ok")).isTrue();
      JsonObject extended = session.request(frame("extend", List.of("{s}u3", "{s}u1", "{s}u2")).put("ttl", 60));
      assertThat(extended.getBoolean("ok")).as(extended.encode()).isTrue();
      assertThat(extended.getInteger("ttl")).isEqualTo(60);
      JsonObject released = session.request(frame("unlock", keys));
      assertThat(released.getBoolean("ok")).as(released.encode()).isTrue();
      assertThat(locked("{s}u2")).isFalse();
      assertThat(session.request(frame("unlock", keys)).getString("code")).isEqualTo("not_held");
    }
  }

  @Test
  @DisplayName("a member force-unlocked: the next renewal finds the set broken and sends lost with the keys")
  void lostWhenBroken() {
    List<String> keys = List.of("{s}l1", "{s}l2");
    try (SessionClient session = SessionClient.open(service.port())) {
      JsonObject granted = session.request(frame("lock", keys).put("ttl", 1.5));
      assertThat(granted.getBoolean("ok")).isTrue();
      // as a force-unlock would (this service has no admin token): the member's lock key goes
      service.redis("DEL", service.redisKey("{s}l1"));
      JsonObject lost = session.nextUnsolicited(10);
      assertThat(lost).isNotNull();
      assertThat(lost.getString("event")).isEqualTo("lost");
      assertThat(lost.getJsonArray("keys").getList()).isEqualTo(keys);
      assertThat(lost.getLong("fencingToken")).isEqualTo(granted.getLong("fencingToken"));
    }
  }
}
