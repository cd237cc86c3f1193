package io.isp.lock.session;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.SessionClient;
import io.isp.lock.support.SessionHolder;
import io.isp.lock.support.SilentPeer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How long a session's locks outlive it, with clients that really die: a killed process, a peer
 * that falls silent, and a Redis restart that loses the lock under a live session.
 */
@DisplayName("Session lifetime: released within 1 s of a kill, within idleTimeout + 1 s of silence; lost after a Redis restart")
class SessionLifetimeTest {

  @RegisterExtension
  final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  final ServiceUnderTest service = ServiceUnderTest.on(redis, new JsonObject()
    .put("redis", new JsonObject().put("commandTimeout", "500ms")));

  private CompletableFuture<HttpResult> waiter(String key) {
    return service.waitFor(key, 5, 30);
  }

  @Test
  @DisplayName("the client process is SIGKILLed: the next waiter has the lock within 1 s of the kill")
  void releasedWithinOneSecondOfAKill() throws Exception {
    try (SessionHolder holder = SessionHolder.start(service.port(), "killed", 30)) {
      JsonObject grant = holder.grant();
      assertThat(grant.getBoolean("ok")).as(grant.encode()).isTrue();
      CompletableFuture<HttpResult> next = waiter("killed");

      long killed = System.nanoTime();
      holder.kill();
      HttpResult granted = next.get(30, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
      System.out.println("kill -9 to the next waiter's grant: " + tookMs + " ms (lock TTL 30 s)");
      assertThat(tookMs).isLessThan(1000);
    }
  }

  @Test
  @DisplayName("the peer stops reading and writing without closing: released within session.idleTimeout (3 s) + 1 s")
  void releasedWhenThePeerFallsSilent() throws Exception {
    try (SilentPeer peer = SilentPeer.upgrade(service.port(), SessionClient.PATH)) {
      peer.sendText("{\"id\": 1, \"op\": \"lock\", \"key\": \"silent\", \"ttl\": 2, \"waitTimeout\": 0}");
      JsonObject grant = new JsonObject(peer.readText());
      long silentSince = System.nanoTime();
      assertThat(grant.getBoolean("ok")).as(grant.encode()).isTrue();
      CompletableFuture<HttpResult> next = waiter("silent");

      HttpResult granted = next.get(30, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentSince);
      assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
      System.out.println("silent peer to the next waiter's grant: " + tookMs + " ms (idleTimeout 3000 ms, lock TTL 2 s, renewed meanwhile)");
      assertThat(tookMs).as("renewed while the session was open").isGreaterThan(2500);
      assertThat(tookMs).isLessThan(3000 + 1000);
    }
  }

  @Test
  @DisplayName("Redis restarts and loses the key: 'lost' within about one renewal period of Redis being back")
  void lostAfterARedisRestart() {
    try (SessionClient session = SessionClient.open(service.port())) {
      JsonObject grant = session.lock("restart", 3, 0);
      assertThat(grant.getBoolean("ok")).as(grant.encode()).isTrue();
      redis.restart();
      long back = System.nanoTime();
      JsonObject lost = session.nextUnsolicited(15);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
      assertThat(lost).isNotNull();
      assertThat(lost.getString("event")).isEqualTo("lost");
      assertThat(lost.getString("key")).isEqualTo("restart");
      assertThat(lost.getLong("fencingToken")).isEqualTo(grant.getLong("fencingToken"));
      System.out.println("Redis back to 'lost': " + tookMs + " ms (renewal period 1000 ms)");
      // one renewal period, plus the reconnection to the new Redis (a slow machine's margin)
      assertThat(tookMs).isLessThan(1000 + 2000);

      // the session goes on: the key can be taken again
      await().atMost(Duration.ofSeconds(10)).until(() -> session.lock("restart", 3, 0).getBoolean("ok"));
    }
  }
}
