package io.isp.lock.session;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.SessionClient;
import io.isp.lock.support.SilentPeer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.isp.lock.support.ServiceUnderTest.API;
import static io.isp.lock.support.SessionClient.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("WebSocket sessions: semaphore permits, renewed while connected, 'lost' when gone, released when the session ends")
class SessionSemaphoreTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis();

  private static SessionClient open() {
    return SessionClient.open(service.port());
  }

  private static JsonObject acquireFrame(String key, int permits, double ttl, double wait) {
    return new JsonObject().put("op", "semaphore.acquire").put("key", key).put("permits", permits).put("ttl", ttl).put("waitTimeout", wait);
  }

  private static JsonObject frame(String op, String key) {
    return new JsonObject().put("op", op).put("key", key);
  }

  private static HttpResult httpAcquire(String key, int permits, double ttl, double wait) {
    return service.post(API + "/semaphore/acquire", acquireFrame(key, permits, ttl, wait).encode());
  }

  private static CompletableFuture<HttpResult> httpAcquireAsync(String key, int permits, double ttl, double wait) {
    return service.postAsync(API + "/semaphore/acquire", acquireFrame(key, permits, ttl, wait).encode());
  }

  private static JsonObject httpStatus(String key) {
    HttpResult result = service.get(API + "/semaphores/" + key);
    assertThat(result.status()).as("status of %s: %s", key, result).isEqualTo(200);
    return result.json();
  }

  /** Every Redis key of the semaphore {@code key} (its holders, its tokens; with a cluster's {T}: too). */
  private static List<String> semaphoreKeys(ServiceUnderTest on, String key) {
    String found = on.redis("KEYS", on.config().redis().prefix() + ":fence-semaphore*" + key);
    return found.isBlank() ? List.of() : List.of(found.split("\\s+"));
  }

  @Test
  @DisplayName("semaphore.acquire, status, extend and release answer like HTTP; the semaphore k and the lock k are apart")
  void operations() {
    double acquiresBefore = semaphoreAcquires();
    try (SessionClient session = open()) {
      JsonObject granted = session.request(acquireFrame("ops", 3, 10, 0));
      assertThat(granted.getBoolean("ok")).as(granted.encode()).isTrue();
      assertThat(granted.getString("lockKey")).isNotBlank();
      assertThat(granted.getLong("fencingToken")).isPositive();
      assertThat(granted.getDouble("ttl")).isEqualTo(10.0);
      assertThat(granted.getInteger("holders")).isEqualTo(1);

      String viaHttp = httpAcquire("ops", 3, 10, 0).json().getString("lockKey");
      JsonObject status = session.request(frame("semaphore.status", "ops"));
      assertThat(status.getBoolean("ok")).isTrue();
      assertThat(status.getString("key")).isEqualTo("ops");
      assertThat(status.getInteger("permits")).isEqualTo(3);
      assertThat(status.getInteger("holders")).isEqualTo(2);
      assertThat(status.getInteger("waiters")).isZero();

      JsonObject extended = session.request(frame("semaphore.extend", "ops").put("ttl", 20));
      assertThat(extended.getBoolean("ok")).as(extended.encode()).isTrue();
      assertThat(extended.getDouble("ttl")).isEqualTo(20.0);
      assertThat(extended.getString("lockKey")).isEqualTo(granted.getString("lockKey"));
      assertThat(Long.parseLong(service.redis("ZSCORE", semaphoreKeys(service, "ops").stream()
        .filter(name -> !name.contains("-tokens") && !name.contains("-waiters")).findFirst().orElseThrow(), granted.getString("lockKey"))))
        .as("the permit's expiry moved to about 20 s from now").isGreaterThan(System.currentTimeMillis() + 15_000);

      // one permit per semaphore key and session, at once even with a wait
      JsonObject twice = session.request(acquireFrame("ops", 3, 10, 5));
      assertThat(twice.getInteger("status")).isEqualTo(409);
      assertThat(twice.getString("code")).isEqualTo("lock_held");
      assertThat(httpStatus("ops").getInteger("holders")).isEqualTo(2);

      // the lock 'ops' is another thing: the session may hold it too, and unlock leaves the permit alone
      assertThat(session.lock("ops", 10, 0).getBoolean("ok")).isTrue();
      assertThat(session.request(frame("unlock", "ops")).getBoolean("ok")).isTrue();
      assertThat(httpStatus("ops").getInteger("holders")).isEqualTo(2);

      JsonObject wrongOwner = session.request(frame("semaphore.release", "ops").put("lockKey", "not-mine"));
      assertThat(wrongOwner.getString("code")).isEqualTo("not_owner");

      JsonObject released = session.request(frame("semaphore.release", "ops"));
      assertThat(released.getBoolean("ok")).as(released.encode()).isTrue();
      assertThat(httpStatus("ops").getInteger("holders")).isEqualTo(1);

      JsonObject notHeld = session.request(frame("semaphore.release", "ops"));
      assertThat(notHeld.getInteger("status")).isEqualTo(409);
      assertThat(notHeld.getString("code")).isEqualTo("not_held");
      assertThat(session.request(frame("semaphore.extend", "ops")).getString("code")).isEqualTo("not_held");

      // a permit taken over HTTP can be extended and released in a session by naming its lockKey
      assertThat(session.request(frame("semaphore.extend", "ops").put("lockKey", viaHttp).put("ttl", 5)).getDouble("ttl"))
        .isEqualTo(5.0);
      assertThat(session.request(frame("semaphore.release", "ops").put("lockKey", viaHttp)).getBoolean("ok")).isTrue();
      JsonObject idle = httpStatus("ops");
      assertThat(idle.getValue("permits")).isNull();
      assertThat(idle.getInteger("holders")).isZero();
    }
    assertThat(semaphoreAcquires()).as("the session's acquire and the HTTP one, counted as the semaphore's")
      .isEqualTo(acquiresBefore + 2);
  }

  private static double semaphoreAcquires() {
    return service.metrics().value("isp_lock_requests_total", "primitive", "semaphore", "op", "semaphore_acquire", "outcome", "ok");
  }

  @Test
  @DisplayName("semaphore ops validate their fields as HTTP does, naming the field; nothing is taken")
  void validation() {
    try (SessionClient session = open()) {
      String[][] cases = {
        {"{\"op\": \"semaphore.acquire\", \"key\": \"v\"}", "permits"},
        {"{\"op\": \"semaphore.acquire\", \"key\": \"v\", \"permits\": 0}", "permits"},
        {"{\"op\": \"semaphore.acquire\", \"key\": \"v\", \"permits\": 10001}", "permits"},
        {"{\"op\": \"semaphore.acquire\", \"key\": \"v\", \"permits\": \"2\"}", "permits"},
        {"{\"op\": \"semaphore.acquire\", \"permits\": 2}", "key"},
        {"{\"op\": \"semaphore.acquire\", \"key\": \"v\", \"permits\": 2, \"ttl\": 0}", "ttl"},
        {"{\"op\": \"semaphore.acquire\", \"key\": \"v\", \"permits\": 2, \"waitTimeout\": -1}", "waitTimeout"},
        {"{\"op\": \"semaphore.release\", \"key\": \"v\", \"lockKey\": 7}", "lockKey"},
        {"{\"op\": \"semaphore.release\"}", "key"},
        {"{\"op\": \"semaphore.extend\", \"key\": \"v\", \"lockKey\": \"x\", \"ttl\": -1}", "ttl"},
        {"{\"op\": \"semaphore.status\", \"key\": 3}", "key"},
        {"{\"op\": \"semaphore.steal\", \"key\": \"v\"}", "op"},
      };
      for (String[] invalid : cases) {
        JsonObject reply = session.request(new JsonObject(invalid[0]));
        assertThat(reply.getBoolean("ok")).as(invalid[0]).isFalse();
        assertThat(reply.getInteger("status")).as(invalid[0]).isEqualTo(400);
        assertThat(reply.getString("code")).as(invalid[0]).isEqualTo("invalid_field");
        assertThat(reply.getString("field")).as(invalid[0]).isEqualTo(invalid[1]);
      }
      assertThat(session.request(frame("nope", "v")).getString("detail")).as("the known ops are listed")
        .contains("semaphore.acquire", "semaphore.status");
      assertThat(semaphoreKeys(service, "v")).isEmpty();
      assertThat(session.closed()).isNotDone();
    }
  }

  @Test
  @DisplayName("the permit is released when the WebSocket closes: an HTTP caller waiting for it gets it at once, not at the TTL")
  void releasedOnClose() throws Exception {
    SessionClient session = open();
    assertThat(session.request(acquireFrame("close", 1, 30, 0)).getBoolean("ok")).isTrue();
    CompletableFuture<HttpResult> waiting = httpAcquireAsync("close", 1, 5, 60);
    await().atMost(Duration.ofSeconds(10)).until(() -> waiting.isDone() || httpStatus("close").getInteger("waiters") >= 1);
    assertThat(waiting).isNotDone();

    long start = System.nanoTime();
    session.close();
    HttpResult granted = waiting.get(20, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
    assertThat(granted.json().getInteger("holders")).isEqualTo(1);
    System.out.println("permit handed to the HTTP waiter " + tookMs + " ms after the session closed (TTL 30 s)");
    assertThat(tookMs).as("released at the close, far from the 30 s TTL").isLessThan(5_000);
  }

  @Test
  @DisplayName("the peer falls silent without closing: its permit is released within session.idleTimeout (3 s) + 1 s, renewed until then")
  void releasedWhenThePeerFallsSilent() throws Exception {
    try (SilentPeer peer = SilentPeer.upgrade(service.port(), SessionClient.PATH)) {
      peer.sendText(acquireFrame("silent", 1, 2, 0).put("id", 1).encode());
      JsonObject grant = new JsonObject(peer.readText());
      long silentSince = System.nanoTime();
      assertThat(grant.getBoolean("ok")).as(grant.encode()).isTrue();
      CompletableFuture<HttpResult> next = httpAcquireAsync("silent", 1, 5, 30);

      HttpResult granted = next.get(30, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentSince);
      assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
      System.out.println("silent peer to the next waiter's permit: " + tookMs + " ms (idleTimeout 3000 ms, permit TTL 2 s, renewed meanwhile)");
      assertThat(tookMs).as("renewed while the session was open").isGreaterThan(2500);
      assertThat(tookMs).isLessThan(3000 + 1000);
    }
  }

  @Test
  @DisplayName("a permit with a 1 s TTL is renewed past 3x its TTL; removed behind the session's back: 'lost' with primitive 'semaphore' within a renewal period")
  void renewedThenLost() {
    try (SessionClient session = open()) {
      JsonObject granted = session.request(acquireFrame("renewed", 2, 1, 0));
      assertThat(granted.getBoolean("ok")).isTrue();
      long start = System.nanoTime();
      await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> httpStatus("renewed").getInteger("holders") == 1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(3));
      assertThat(session.unsolicited()).as("no lost event while renewed").isEmpty();

      // a longer TTL, so that a renewal period is long enough to time the event against it
      assertThat(session.request(frame("semaphore.extend", "renewed").put("ttl", 3)).getBoolean("ok")).isTrue();
      List<String> keys = semaphoreKeys(service, "renewed");
      assertThat(keys).hasSize(2);
      keys.forEach(name -> service.redis("DEL", name));
      long removed = System.nanoTime();
      JsonObject lost = session.nextUnsolicited(10);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - removed);
      assertThat(lost).as("a lost event").isNotNull();
      assertThat(lost).isEqualTo(new JsonObject().put("event", "lost").put("key", "renewed")
        .put("fencingToken", granted.getLong("fencingToken")).put("primitive", "semaphore"));
      System.out.println("semaphore permit lost after its keys were deleted: " + tookMs + " ms (renewal period 1000 ms)");
      assertThat(tookMs).as("one renewal period (1 s), with a margin for a slow machine").isLessThan(1000 + 500);

      assertThat(session.request(frame("semaphore.release", "renewed")).getString("code")).as("forgotten").isEqualTo("not_held");
      assertThat(session.request(acquireFrame("renewed", 2, 3, 0)).getBoolean("ok")).as("may be taken again").isTrue();
    }
  }

  @Test
  @DisplayName("permits count toward the 1000 keys of a session: 999 locks and a permit, then lock and semaphore.acquire are 429 too_many_locks")
  void permitsCountTowardTheLimit() {
    try (SessionClient session = open()) {
      List<CompletableFuture<JsonObject>> calls = new ArrayList<>();
      for (int i = 0; i < Session.MAX_LOCKS - 1; i++) {
        calls.add(session.call(new JsonObject().put("op", "lock").put("key", "limit-" + i).put("ttl", 30)));
      }
      calls.add(session.call(acquireFrame("limit-permit", 5, 30, 0)));
      calls.forEach(call -> assertThat(get(call).getBoolean("ok")).isTrue());
      JsonObject lock = session.lock("limit-over", 30, 0);
      assertThat(lock.getInteger("status")).isEqualTo(429);
      assertThat(lock.getString("code")).isEqualTo("too_many_locks");
      JsonObject permit = session.request(acquireFrame("limit-over", 5, 30, 0));
      assertThat(permit.getString("code")).isEqualTo("too_many_locks");
      assertThat(httpStatus("limit-over").getInteger("holders")).isZero();
      // the permit given back, one more key may be taken
      assertThat(session.request(frame("semaphore.release", "limit-permit")).getBoolean("ok")).isTrue();
      assertThat(session.request(acquireFrame("limit-over", 5, 30, 0)).getBoolean("ok")).isTrue();
    }
  }

  @Test
  @DisplayName("shutdown: the session closes with 1001 and its permit is released")
  void shutdownReleasesPermits() throws Exception {
    try (ServiceUnderTest own = ServiceUnderTest.start(new JsonObject());
         SessionClient session = SessionClient.open(own.port())) {
      assertThat(session.request(acquireFrame("shutdown", 2, 30, 0)).getBoolean("ok")).isTrue();
      assertThat(semaphoreKeys(own, "shutdown")).isNotEmpty();
      ServiceUnderTest.await(own.stopDeployment());
      assertThat(session.closed().get(10, TimeUnit.SECONDS)).isEqualTo((short) 1001);
      assertThat(semaphoreKeys(own, "shutdown")).as("released: the last release deletes the semaphore's keys").isEmpty();
    }
  }
}
