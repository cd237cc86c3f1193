package io.isp.lock.session;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.SessionClient;
import io.vertx.core.Future;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.isp.lock.support.ServiceUnderTest.API;
import static io.isp.lock.support.SessionClient.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("WebSocket sessions: the protocol, renewal, lost locks, and what ends a session")
class SessionProtocolTest {

  private static final String CLIENT = "client-token";
  private static final String ADMIN = "admin-token";

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis(new JsonObject()
    .put("http", new JsonObject().put("tokens", new JsonArray().add(CLIENT)).put("adminTokens", new JsonArray().add(ADMIN))));

  private static SessionClient open() {
    return SessionClient.open(service.port(), "X-Application-Token", CLIENT);
  }

  private static JsonObject lockFrame(String key, double ttl, double wait) {
    return new JsonObject().put("op", "lock").put("key", key).put("ttl", ttl).put("waitTimeout", wait);
  }

  private static HttpResult httpLock(String key, double ttl, double wait) {
    return service.post(API + "/lock", new JsonObject().put("key", key).put("ttl", ttl).put("waitTimeout", wait).encode(),
      "Content-Type", "application/json", "X-Application-Token", CLIENT);
  }

  private static CompletableFuture<HttpResult> httpLockAsync(String key, double ttl, double wait) {
    return service.postAsync(API + "/lock", new JsonObject().put("key", key).put("ttl", ttl).put("waitTimeout", wait).encode(),
      "Content-Type", "application/json", "X-Application-Token", CLIENT);
  }

  private static HttpResult httpUnlock(String key, String lockKey) {
    return service.post(API + "/unlock", new JsonObject().put("key", key).put("lockKey", lockKey).encode(),
      "Content-Type", "application/json", "X-Application-Token", CLIENT);
  }

  private static JsonObject httpStatus(String key) {
    return service.get(API + "/locks/" + key, "X-Application-Token", CLIENT).json();
  }

  @Test
  @DisplayName("the upgrade needs a token: none or a wrong one is 401 before the upgrade; the header or a subprotocol works")
  void upgradeNeedsAToken() {
    Future<SessionClient> none = SessionClient.connect(service.port(), List.of());
    Throwable refused = none.toCompletionStage().toCompletableFuture().handle((ok, error) -> error).join();
    assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(401);

    Throwable wrong = SessionClient.connect(service.port(), List.of(), "X-Application-Token", "nope")
      .toCompletionStage().toCompletableFuture().handle((ok, error) -> error).join();
    assertThat(((UpgradeRejectedException) wrong).getStatus()).isEqualTo(401);

    String offered = "isp-lock.token." + Base64.getUrlEncoder().withoutPadding().encodeToString(CLIENT.getBytes(StandardCharsets.UTF_8));
    try (SessionClient browserLike = ServiceUnderTest.await(SessionClient.connect(service.port(), List.of("isp-lock.v1", offered)))) {
      assertThat(browserLike.request(new JsonObject().put("op", "status").put("key", "auth")).getBoolean("ok")).isTrue();
    }
    // a plain GET is not a session
    HttpResult plain = service.get(API + "/session", "X-Application-Token", CLIENT);
    assertThat(plain.status()).isEqualTo(400);
    assertThat(plain.code()).isEqualTo("bad_request");
  }

  @Test
  @DisplayName("lock, status, extend and unlock answer like HTTP, with the request's id and ok")
  void operations() {
    try (SessionClient session = open()) {
      JsonObject granted = session.lock("ops", 10, 0);
      assertThat(granted.getBoolean("ok")).isTrue();
      assertThat(granted.getString("lockKey")).isNotBlank();
      assertThat(granted.getLong("fencingToken")).isPositive();
      assertThat(granted.getDouble("ttl")).isEqualTo(10.0);

      JsonObject status = session.request(new JsonObject().put("op", "status").put("key", "ops"));
      assertThat(status.getBoolean("ok")).isTrue();
      assertThat(status.getBoolean("locked")).isTrue();
      assertThat(status.getLong("fencingToken")).isEqualTo(granted.getLong("fencingToken"));

      JsonObject extended = session.request(new JsonObject().put("op", "extend").put("key", "ops").put("ttl", 20));
      assertThat(extended.getBoolean("ok")).isTrue();
      assertThat(extended.getDouble("ttl")).isEqualTo(20.0);
      assertThat(extended.getString("lockKey")).isEqualTo(granted.getString("lockKey"));

      JsonObject held = session.lock("ops", 10, 0);
      assertThat(held.getBoolean("ok")).isFalse();
      assertThat(held.getInteger("status")).isEqualTo(409);
      assertThat(held.getString("code")).isEqualTo("lock_held");

      JsonObject wrongOwner = session.request(new JsonObject().put("op", "unlock").put("key", "ops").put("lockKey", "not-mine"));
      assertThat(wrongOwner.getString("code")).isEqualTo("not_owner");

      JsonObject released = session.request(new JsonObject().put("op", "unlock").put("key", "ops"));
      assertThat(released.getBoolean("ok")).isTrue();
      assertThat(httpStatus("ops").getBoolean("locked")).isFalse();

      JsonObject notHeld = session.request(new JsonObject().put("op", "unlock").put("key", "ops"));
      assertThat(notHeld.getInteger("status")).isEqualTo(409);
      assertThat(notHeld.getString("code")).isEqualTo("not_held");

      // a lock taken over HTTP can be released in a session by naming its lockKey
      String viaHttp = httpLock("ops-http", 10, 0).json().getString("lockKey");
      JsonObject named = session.request(new JsonObject().put("op", "unlock").put("key", "ops-http").put("lockKey", viaHttp));
      assertThat(named.getBoolean("ok")).isTrue();
    }
  }

  @Test
  @DisplayName("malformed frames get an error reply, with the id when it could be read, and the session goes on")
  void malformedFrames() {
    try (SessionClient session = open()) {
      session.sendText("not json");
      JsonObject notJson = session.nextUnsolicited(10);
      assertThat(notJson).isNotNull();
      assertThat(notJson.getBoolean("ok")).isFalse();
      assertThat(notJson.getInteger("status")).isEqualTo(400);
      assertThat(notJson.getString("code")).isEqualTo("invalid_json");
      assertThat(notJson.containsKey("id")).isFalse();

      session.sendText("[1, 2]");
      assertThat(session.nextUnsolicited(10).getString("code")).isEqualTo("invalid_json");

      session.sendText("{\"op\": \"lock\", \"key\": \"m\"}");
      JsonObject noId = session.nextUnsolicited(10);
      assertThat(noId.getString("code")).isEqualTo("invalid_field");
      assertThat(noId.getString("field")).isEqualTo("id");

      JsonObject unknownOp = session.request(new JsonObject().put("op", "steal").put("key", "m"));
      assertThat(unknownOp.getString("code")).isEqualTo("invalid_field");
      assertThat(unknownOp.getString("field")).isEqualTo("op");
      assertThat(unknownOp.getValue("id")).isNotNull();

      JsonObject noKey = session.request(new JsonObject().put("op", "lock"));
      assertThat(noKey.getString("code")).isEqualTo("invalid_field");
      assertThat(noKey.getString("field")).isEqualTo("key");

      JsonObject badTtl = session.request(new JsonObject().put("op", "lock").put("key", "m").put("ttl", "20"));
      assertThat(badTtl.getInteger("status")).isEqualTo(400);
      assertThat(badTtl.getString("field")).isEqualTo("ttl");
      assertThat(badTtl.getString("detail")).startsWith("ttl: ");

      session.sendText("{\"id\": \"text-id\", \"op\": \"status\", \"key\": \"\\ud800\"}");
      assertThat(session.nextUnsolicited(10).getString("code")).isEqualTo("invalid_json");

      // still open and serving
      assertThat(session.lock("m", 5, 0).getBoolean("ok")).isTrue();
      assertThat(session.closed()).isNotDone();
    }
  }

  @Test
  @DisplayName("a binary frame closes the session with 1003, a frame or a fragmented message over 64 KiB with 1009; their locks are released")
  void binaryAndOversizedFramesClose() throws Exception {
    try (SessionClient session = open()) {
      assertThat(session.lock("binary", 30, 0).getBoolean("ok")).isTrue();
      session.sendBinary(new byte[] {1, 2, 3});
      assertThat(session.closed().get(10, TimeUnit.SECONDS)).isEqualTo((short) 1003);
      await().atMost(Duration.ofSeconds(5)).until(() -> !httpStatus("binary").getBoolean("locked"));
    }
    try (SessionClient session = open()) {
      assertThat(session.lock("oversized", 30, 0).getBoolean("ok")).isTrue();
      session.sendText("{\"id\": 1, \"op\": \"status\", \"key\": \"" + "x".repeat(70 * 1024) + "\"}");
      assertThat(session.closed().get(10, TimeUnit.SECONDS)).isEqualTo((short) 1009);
      await().atMost(Duration.ofSeconds(5)).until(() -> !httpStatus("oversized").getBoolean("locked"));
    }
    try (SessionClient session = open()) {
      assertThat(session.lock("fragmented", 30, 0).getBoolean("ok")).isTrue();
      // 64 KiB exactly, in 8 KiB frames: still served
      String atLimit = "{\"id\": \"limit\", \"op\": \"status\", \"key\": \"fragmented\", \"pad\": \"";
      atLimit = atLimit + "x".repeat(64 * 1024 - atLimit.length() - 2) + "\"}";
      assertThat(atLimit.length()).isEqualTo(64 * 1024);
      session.sendFragmented(atLimit, 8 * 1024);
      JsonObject served = session.nextUnsolicited(10); // an id the client did not hand out: it lands here
      assertThat(served.getString("id")).isEqualTo("limit");
      assertThat(served.getBoolean("locked")).as(served.encode()).isTrue();
      session.sendFragmented("{\"id\": 1, \"op\": \"status\", \"key\": \"" + "x".repeat(70 * 1024) + "\"}", 8 * 1024);
      assertThat(session.closed().get(10, TimeUnit.SECONDS)).isEqualTo((short) 1009);
      await().atMost(Duration.ofSeconds(5)).until(() -> !httpStatus("fragmented").getBoolean("locked"));
    }
  }

  @Test
  @DisplayName("several locks and waiting calls at once in one session; a wait is granted when the holder unlocks")
  void concurrentCalls() {
    String holder = httpLock("busy", 30, 0).json().getString("lockKey");
    try (SessionClient session = open()) {
      CompletableFuture<JsonObject> waiting = session.call(lockFrame("busy", 10, 20));
      List<CompletableFuture<JsonObject>> locks = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        locks.add(session.call(lockFrame("many-" + i, 10, 0)));
      }
      Set<Long> tokens = locks.stream().map(SessionClient::get)
        .peek(reply -> assertThat(reply.getBoolean("ok")).as(reply.encode()).isTrue())
        .map(reply -> reply.getLong("fencingToken")).collect(Collectors.toSet());
      assertThat(tokens).hasSize(5);
      assertThat(waiting).isNotDone();

      assertThat(httpUnlock("busy", holder).status()).isEqualTo(200);
      JsonObject granted = get(waiting);
      assertThat(granted.getBoolean("ok")).as(granted.encode()).isTrue();
      assertThat(httpStatus("busy").getLong("fencingToken")).isEqualTo(granted.getLong("fencingToken"));
    }
    // the session closed: all six released
    await().atMost(Duration.ofSeconds(5)).until(() -> !httpStatus("busy").getBoolean("locked")
      && !httpStatus("many-4").getBoolean("locked"));
  }

  @Test
  @DisplayName("a waiting call is cancelled when its session closes: the key then goes to the next caller, not the dead session")
  void waitCancelledOnClose() {
    String holder = httpLock("wait-close", 30, 0).json().getString("lockKey");
    SessionClient session = open();
    CompletableFuture<JsonObject> waiting = session.call(lockFrame("wait-close", 30, 60));
    await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == 1);
    session.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> service.waiters() == 0);
    assertThat(waiting).isNotDone();

    assertThat(httpUnlock("wait-close", holder).status()).isEqualTo(200);
    assertThat(httpStatus("wait-close").getBoolean("locked")).as("nobody took it for the closed session").isFalse();
    assertThat(httpLock("wait-close", 5, 0).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("read locks in two sessions at once, both renewed past 3x their 1 s TTL; a writer is kept out until both sessions end")
  void readLocksRenewed() {
    CompletableFuture<HttpResult> writer;
    try (SessionClient first = open(); SessionClient second = open()) {
      for (SessionClient session : List.of(first, second)) {
        JsonObject granted = session.request(lockFrame("shared-read", 1, 0).put("mode", "read"));
        assertThat(granted.getBoolean("ok")).as("%s", granted).isTrue();
      }
      await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          JsonObject status = httpStatus("shared-read");
          return "read".equals(status.getString("mode")) && status.getInteger("readers") == 2;
        });
      assertThat(httpLock("shared-read", 10, 0).status()).as("a writer beside the readers").isEqualTo(409);
      writer = httpLockAsync("shared-read", 10, 30);
      await().atMost(Duration.ofSeconds(10)).until(() -> httpStatus("shared-read").getInteger("waiters") == 1);
      assertThat(first.unsolicited()).as("no lost event").isEmpty();
      assertThat(second.unsolicited()).as("no lost event").isEmpty();
    }
    HttpResult granted = SessionClient.get(writer);
    assertThat(granted.status()).as("the writer once both sessions ended: %s", granted).isEqualTo(200);
    assertThat(httpUnlock("shared-read", granted.json().getString("lockKey")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a session lock with a 1 s TTL is renewed past 3x its TTL while the client is idle but alive")
  void renewedWhileAlive() {
    try (SessionClient session = open()) {
      JsonObject granted = session.lock("renewed", 1, 0);
      assertThat(granted.getBoolean("ok")).isTrue();
      long fencing = granted.getLong("fencingToken");
      long start = System.nanoTime();
      await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          JsonObject status = httpStatus("renewed");
          return status.getBoolean("locked") && status.getLong("fencingToken") == fencing;
        });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(3));
      assertThat(session.unsolicited()).as("no lost event").isEmpty();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !httpStatus("renewed").getBoolean("locked"));
  }

  @Test
  @DisplayName("a force-unlocked lock: 'lost' within one renewal period, the lock forgotten, the session still open")
  void lostAfterForceUnlock() {
    try (SessionClient session = open()) {
      JsonObject granted = session.lock("forced", 3, 0);
      assertThat(granted.getBoolean("ok")).isTrue();
      HttpResult forced = service.send("DELETE", API + "/locks/forced", null, "X-Application-Token", ADMIN);
      assertThat(forced.status()).isEqualTo(200);
      long start = System.nanoTime();
      JsonObject lost = session.nextUnsolicited(10);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(lost).isNotNull();
      assertThat(lost.getString("event")).isEqualTo("lost");
      assertThat(lost.getString("key")).isEqualTo("forced");
      assertThat(lost.getLong("fencingToken")).isEqualTo(granted.getLong("fencingToken"));
      assertThat(lost.containsKey("primitive")).as("a lock's event is as it was before semaphores came to sessions").isFalse();
      System.out.println("lost after force-unlock: " + tookMs + " ms (renewal period 1000 ms)");
      assertThat(tookMs).as("one renewal period (1 s), with a margin for a slow machine").isLessThan(1000 + 500);

      assertThat(session.request(new JsonObject().put("op", "unlock").put("key", "forced")).getString("code")).isEqualTo("not_held");
      assertThat(session.lock("forced", 3, 0).getBoolean("ok")).isTrue();
    }
  }

  @Test
  @DisplayName("at most 1000 keys per session: the next lock is refused at once with 429 too_many_locks, and changes nothing")
  void tooManyLocks() {
    try (SessionClient session = open()) {
      List<CompletableFuture<JsonObject>> locks = new ArrayList<>();
      for (int i = 0; i < Session.MAX_LOCKS; i++) {
        locks.add(session.call(lockFrame("limit-" + i, 30, 0)));
      }
      locks.forEach(lock -> assertThat(get(lock).getBoolean("ok")).isTrue());
      JsonObject refused = session.lock("limit-over", 30, 0);
      assertThat(refused.getInteger("status")).isEqualTo(429);
      assertThat(refused.getString("code")).isEqualTo("too_many_locks");
      assertThat(httpStatus("limit-over").getBoolean("locked")).isFalse();
      // one released, one more may be taken
      assertThat(session.request(new JsonObject().put("op", "unlock").put("key", "limit-0")).getBoolean("ok")).isTrue();
      assertThat(session.lock("limit-over", 30, 0).getBoolean("ok")).isTrue();
    }
  }

  @Test
  @DisplayName("isp_lock_sessions counts the open sessions; their calls count in isp_lock_requests_total")
  void sessionsGauge() {
    double before = service.metrics().value("isp_lock_sessions");
    double statusCalls = service.metrics().value("isp_lock_requests_total", "op", "status", "outcome", "ok");
    try (SessionClient one = open(); SessionClient two = open()) {
      assertThat(one.request(new JsonObject().put("op", "status").put("key", "gauge")).getBoolean("ok")).isTrue();
      assertThat(two.request(new JsonObject().put("op", "status").put("key", "gauge")).getBoolean("ok")).isTrue();
      assertThat(service.metrics().value("isp_lock_sessions")).isEqualTo(before + 2);
      assertThat(service.metrics().value("isp_lock_requests_total", "op", "status", "outcome", "ok")).isEqualTo(statusCalls + 2);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> service.metrics().value("isp_lock_sessions") == before);
  }

  @Test
  @DisplayName("shutdown: sessions close with 1001 and their locks are released")
  void shutdownClosesWith1001() throws Exception {
    try (ServiceUnderTest own = ServiceUnderTest.start(new JsonObject());
         SessionClient session = SessionClient.open(own.port())) {
      assertThat(session.lock("shutdown", 30, 0).getBoolean("ok")).isTrue();
      assertThat(own.redis("EXISTS", own.redisKey("shutdown"))).isEqualTo("1");
      ServiceUnderTest.await(own.stopDeployment());
      assertThat(session.closed().get(10, TimeUnit.SECONDS)).isEqualTo((short) 1001);
      assertThat(own.redis("EXISTS", own.redisKey("shutdown"))).isEqualTo("0");
    }
  }
}
