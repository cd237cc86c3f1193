package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RawHttp;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys that look like Redis glob patterns, like the service's own internal keys, or like another
 * prefix's keys, and keys with spaces, newlines, NUL, emoji and 1,024 bytes, lock and unlock
 * independently, and land in Redis exactly at {@code <prefix>::<key>} (with the fencing token at
 * {@code <prefix>:fence:<key>}). Two services on one Redis, with the adversarial prefixes {@code p}
 * and {@code p:f}, never touch each other's keys. Malformed text (lone surrogates, bad UTF-8) is
 * refused: see {@link KeyEncodingTest}.
 */
@DisplayName("Keys cannot reach the service's internal keys, another prefix, or each other")
class KeySafetyTest {

  private static final List<String> KEYS = List.of(
    "a", "a:", "a::", "a::b", "::", ":", "*", "a*", "?", "a?", "[", "[a-z]", "\\", "a b", " ", "a\nb", "\n", "\r\n",
    "a\u0000b", "\u0000", "\uD83D\uDD12", "\uD83D\uDD12\uD83D\uDD13", "fence", ":fence", "fence:a", "p:fence", "released",
    ":released", "f::a", "ence:a", "k".repeat(1024), "\u00e9".repeat(512), "\uD83D\uDD12".repeat(256));

  @RegisterExtension
  @Order(1)
  static final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  @Order(2)
  static final ServiceUnderTest first = ServiceUnderTest.on(redis, new JsonObject().put("redis", new JsonObject().put("prefix", "p")));
  /** Its keys start like the first's internal ones ({@code p:f...}): a layout that let them meet would show here. */
  @RegisterExtension
  @Order(3)
  static final ServiceUnderTest second = ServiceUnderTest.on(redis, new JsonObject().put("redis", new JsonObject().put("prefix", "p:f")));

  @Test
  @DisplayName("every key locks on its own, in both prefixes, at exactly its Redis key; unlocking leaves only the counters")
  void keysLockAndUnlockIndependently() {
    assertThat(KEYS).doesNotHaveDuplicates();
    Map<String, String> firstLocks = lockAll(first);
    Map<String, String> secondLocks = lockAll(second);

    for (String key : KEYS) {
      assertProblem(tryLock(first, key), 409, "lock_held");
      HttpResult status = first.get(API + "/locks/" + pathSegment(key));
      assertThat(status.json().getString("key")).isEqualTo(key);
      assertThat(status.json().getBoolean("locked")).isTrue();
    }
    Set<String> expected = new HashSet<>(List.of("p:fence", "p:f:fence"));
    firstLocks.keySet().forEach(key -> expected.addAll(List.of("p::" + key, "p:fence:" + key)));
    secondLocks.keySet().forEach(key -> expected.addAll(List.of("p:f::" + key, "p:f:fence:" + key)));
    assertThat(redisKeys()).as("the Redis layout").containsExactlyInAnyOrderElementsOf(expected);
    firstLocks.forEach((key, lockKey) -> assertThat(redis.call("GET", "p::" + key)).isEqualTo(lockKey));
    secondLocks.forEach((key, lockKey) -> assertThat(redis.call("GET", "p:f::" + key)).isEqualTo(lockKey));

    firstLocks.forEach((key, lockKey) -> assertThat(first.unlock(key, lockKey).status()).as("unlock %s", printable(key)).isEqualTo(200));
    Set<String> secondsOnly = new HashSet<>(expected);
    secondsOnly.removeIf(redisKey -> redisKey.startsWith("p::") || redisKey.startsWith("p:fence:"));
    assertThat(redisKeys()).as("after unlocking everything in p").containsExactlyInAnyOrderElementsOf(secondsOnly);

    secondLocks.forEach((key, lockKey) -> assertThat(second.unlock(key, lockKey).status()).isEqualTo(200));
    assertThat(redisKeys()).containsExactlyInAnyOrder("p:fence", "p:f:fence");
  }

  @Test
  @DisplayName("release notices go only to each prefix's own channel, carrying the key as data")
  void releaseChannels() {
    assertThat(redis.call("PUBSUB", "CHANNELS", "*")).asList().containsExactlyInAnyOrder("p:released", "p:f:released");
  }

  @Test
  @DisplayName("a key of 1,025 bytes, an empty key, a lone surrogate and an escaped NUL in the path are refused")
  void refusedKeys() {
    assertProblem(first.post(API + "/lock", new JsonObject().put("key", "k".repeat(1025)).encode()), 400, "invalid_field");
    assertProblem(first.post(API + "/lock", new JsonObject().put("key", "\u00e9".repeat(512) + "x").encode()), 400, "invalid_field");
    assertProblem(first.post(API + "/lock", "{\"key\": \"\"}"), 400, "invalid_field");
    assertProblem(first.post(API + "/lock", "{\"key\": \"a\\ud800\", \"waitTimeout\": 0}"), 400, "invalid_json");
    assertProblem(first.post(API + "/lock", "{\"key\": \"\\udfff\", \"waitTimeout\": 0}"), 400, "invalid_json");
    assertProblem(RawHttp.get(first.port(), API + "/locks/a%ED%B0%80"), 400, "invalid_field");
    assertThat(redisKeys()).noneMatch(key -> key.contains("?") || key.contains("\uFFFD"));
    // NUL is a Unicode character like any other: escaped in a path it names the key "a\0b"
    assertThat(first.get(API + "/locks/a%00b").json().getString("key")).isEqualTo("a\u0000b");
  }

  private static Map<String, String> lockAll(ServiceUnderTest service) {
    Map<String, String> lockKeys = new LinkedHashMap<>();
    Set<Long> tokens = new HashSet<>();
    for (String key : KEYS) {
      HttpResult locked = tryLock(service, key);
      assertThat(locked.status()).as("lock %s", printable(key)).isEqualTo(200);
      lockKeys.put(key, locked.json().getString("lockKey"));
      assertThat(tokens.add(locked.json().getLong("fencingToken"))).as("a fencing token of its own").isTrue();
    }
    return lockKeys;
  }

  private static HttpResult tryLock(ServiceUnderTest service, String key) {
    return service.post(API + "/lock", new JsonObject().put("key", key).put("ttl", 120).put("waitTimeout", 0).encode());
  }

  @SuppressWarnings("unchecked")
  private static List<String> redisKeys() {
    return new ArrayList<>((List<String>) redis.call("KEYS", "*"));
  }

  private static String pathSegment(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String printable(String key) {
    String shown = key.length() > 20 ? key.substring(0, 20) + "... (" + key.length() + " chars)" : key;
    return shown.replace("\n", "\\n").replace("\r", "\\r").replace("\u0000", "\\0");
  }
}
