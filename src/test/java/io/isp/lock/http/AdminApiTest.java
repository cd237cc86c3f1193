package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.LogCapture;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Operators: force-unlock (admin tokens only) and listing held locks")
class AdminApiTest {

  private static final String CLIENT = "client-token";
  private static final String ADMIN = "admin-token-0";
  private static final String OTHER_ADMIN = "admin-token-1";

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis(new JsonObject().put("http", new JsonObject()
    .put("tokens", new JsonArray().add(CLIENT))
    .put("adminTokens", new JsonArray().add(ADMIN).add(OTHER_ADMIN))));

  private static HttpResult forceUnlock(String key, String... headers) {
    return service.send("DELETE", API + "/locks/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"), null, headers);
  }

  private static HttpResult lock(String key, double ttl, double wait) {
    return service.post(API + "/lock", new JsonObject().put("key", key).put("ttl", ttl).put("waitTimeout", wait).encode(),
      "Content-Type", "application/json", "X-Application-Token", CLIENT);
  }

  private static HttpResult get(String path) {
    return service.get(path, "X-Application-Token", CLIENT);
  }

  @Nested
  @DisplayName("force-unlock")
  class ForceUnlock {

    @Test
    @DisplayName("auth: none or unknown 401, a client's token 403 forbidden, an admin token 200; the lock stays until then")
    void authMatrix() {
      assertThat(lock("auth", 60, 0).status()).isEqualTo(200);

      assertProblem(forceUnlock("auth"), 401, "unauthorized");
      assertProblem(forceUnlock("auth", "X-Application-Token", "nope"), 401, "unauthorized");
      assertProblem(forceUnlock("auth", "X-Application-Token", CLIENT), 403, "forbidden");
      assertThat(get(API + "/locks/auth").json().getBoolean("locked")).isTrue();

      HttpResult released = forceUnlock("auth", "X-Application-Token", OTHER_ADMIN);
      assertThat(released.status()).as(released.toString()).isEqualTo(200);
      assertThat(released.json().getBoolean("released")).isTrue();
      assertThat(get(API + "/locks/auth").json().getBoolean("locked")).isFalse();
      assertProblem(forceUnlock("auth", "X-Application-Token", ADMIN), 409, "not_held");
    }

    @Test
    @DisplayName("the waiter wakes, the old holder's unlock and extend are refused, fencing tokens keep increasing; one audit line")
    void effects() throws Exception {
      List<String> audit;
      try (LogCapture capture = LogCapture.of("audit", ch.qos.logback.classic.Level.INFO)) {
        HttpResult holder = lock("stuck", 3600, 0);
        long holderToken = holder.json().getLong("fencingToken");
        CompletableFuture<HttpResult> waiter = service.postAsync(API + "/lock",
          new JsonObject().put("key", "stuck").put("ttl", 30).put("waitTimeout", 30).encode(),
          "Content-Type", "application/json", "X-Application-Token", CLIENT);
        org.awaitility.Awaitility.await().until(() -> service.waiters() == 1);

        HttpResult released = forceUnlock("stuck", "X-Application-Token", ADMIN);
        assertThat(released.json()).isEqualTo(new JsonObject().put("released", true).put("fencingToken", holderToken));

        HttpResult granted = waiter.get(10, TimeUnit.SECONDS);
        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.json().getLong("fencingToken")).isGreaterThan(holderToken);
        String oldLockKey = holder.json().getString("lockKey");
        assertProblem(service.post(API + "/unlock", new JsonObject().put("key", "stuck").put("lockKey", oldLockKey).encode(),
          "Content-Type", "application/json", "X-Application-Token", CLIENT), 409, "not_owner");
        assertProblem(service.post(API + "/extend", new JsonObject().put("key", "stuck").put("lockKey", oldLockKey).encode(),
          "Content-Type", "application/json", "X-Application-Token", CLIENT), 409, "not_owner");
        audit = capture.events().stream().map(event -> event.getFormattedMessage()).toList();
      }
      assertThat(audit).filteredOn(line -> line.contains("'stuck'")).singleElement()
        .satisfies(line -> assertThat(line).contains("admin token #0").contains("released").doesNotContain(ADMIN));
    }

    @Test
    @DisplayName("with no admin tokens configured, force-unlock answers 403 to everyone")
    void offWithoutAdminTokens() {
      try (ServiceUnderTest plain = ServiceUnderTest.start(new JsonObject()
        .put("http", new JsonObject().put("tokens", new JsonArray().add(CLIENT))))) {
        assertProblem(plain.send("DELETE", API + "/locks/k", null, "X-Application-Token", CLIENT), 403, "forbidden");
        assertProblem(plain.send("DELETE", API + "/locks/k", null), 403, "forbidden");
      }
    }
  }

  @Nested
  @DisplayName("listing")
  class Listing {

    @Test
    @DisplayName("glob characters in the prefix are taken literally; lockKeys and internal keys never appear")
    void literalPrefix() {
      for (String key : List.of("glob-a*b", "glob-a?c", "glob-ab", "glob-a[x]", "other")) {
        assertThat(lock(key, 60, 0).status()).isEqualTo(200);
      }
      assertThat(keys(list("glob-a*", 100))).containsExactly("glob-a*b");
      assertThat(keys(list("glob-a[", 100))).containsExactly("glob-a[x]");
      JsonObject all = list("glob-", 100);
      assertThat(keys(all)).containsExactlyInAnyOrder("glob-a*b", "glob-a?c", "glob-ab", "glob-a[x]");
      JsonObject entry = all.getJsonArray("locks").getJsonObject(0);
      assertThat(entry.fieldNames()).containsExactlyInAnyOrder("key", "ttl", "fencingToken");
      assertThat(entry.getDouble("ttl")).isBetween(1.0, 60.0);
      assertThat(entry.getLong("fencingToken")).isPositive();
      assertThat(all.encode()).doesNotContain("lockKey").doesNotContain("fence");
    }

    @Test
    @DisplayName("a read-locked key is listed with its newest reader's fencing token, as its status gives it")
    void readLocked() {
      long newest = 0;
      for (int reader = 0; reader < 3; reader++) {
        HttpResult lock = service.post(API + "/lock", new JsonObject().put("key", "read-listed").put("ttl", 60)
          .put("mode", "read").encode(), "Content-Type", "application/json", "X-Application-Token", CLIENT);
        assertThat(lock.status()).as(lock.toString()).isEqualTo(200);
        assertThat(lock.json().getLong("fencingToken")).isGreaterThan(newest);
        newest = lock.json().getLong("fencingToken");
      }
      JsonArray listed = list("read-listed", 10).getJsonArray("locks");
      assertThat(listed.size()).isEqualTo(1);
      assertThat(listed.getJsonObject(0).getLong("fencingToken")).isEqualTo(newest);
      assertThat(get(API + "/locks/read-listed").json().getLong("fencingToken")).isEqualTo(newest);
    }

    @Test
    @DisplayName("pages through more than one page: every lock exactly once, then cursor null")
    void paging() {
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < 25; i++) {
        String key = "page-" + i;
        expected.add(key);
        assertThat(lock(key, 60, 0).status()).isEqualTo(200);
      }
      List<String> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        HttpResult page = get(API + "/locks?prefix=page-&limit=10" + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.json().getJsonArray("locks").size()).isLessThanOrEqualTo(10);
        seen.addAll(keys(page.json()));
        cursor = page.json().getString("cursor");
        pages++;
      } while (cursor != null && pages < 50);
      assertThat(pages).isGreaterThanOrEqualTo(3);
      assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    @DisplayName("bad limit or cursor is 400 naming the field")
    void badParameters() {
      assertProblem(get(API + "/locks?limit=0"), 400, "invalid_field");
      assertThat(get(API + "/locks?limit=1001").json().getString("field")).isEqualTo("limit");
      assertThat(get(API + "/locks?limit=ten").json().getString("field")).isEqualTo("limit");
      HttpResult badCursor = get(API + "/locks?cursor=not-ours");
      assertProblem(badCursor, 400, "invalid_field");
      assertThat(badCursor.json().getString("field")).isEqualTo("cursor");
      assertProblem(service.get(API + "/locks"), 401, "unauthorized");
    }

    /** Every page for {@code prefix}, merged into one (a page may stop early while more follow). */
    private static JsonObject list(String prefix, int limit) {
      JsonArray locks = new JsonArray();
      String cursor = null;
      do {
        HttpResult result = get(API + "/locks?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8) + "&limit=" + limit
          + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        locks.addAll(result.json().getJsonArray("locks"));
        cursor = result.json().getString("cursor");
      } while (cursor != null);
      return new JsonObject().put("locks", locks);
    }

    private static List<String> keys(JsonObject page) {
      return page.getJsonArray("locks").stream().map(entry -> ((JsonObject) entry).getString("key")).toList();
    }
  }
}
