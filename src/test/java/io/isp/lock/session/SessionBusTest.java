package io.isp.lock.session;

import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockGrant;
import io.isp.lock.api.PermitGrant;
import io.isp.lock.api.Released;
import io.isp.lock.api.UnlockCommand;
import io.isp.lock.config.ConfigReader;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.http.HttpAdmission;
import io.isp.lock.http.HttpVerticle;
import io.isp.lock.support.FreePorts;
import io.isp.lock.support.SessionClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session against the HTTP verticle alone: the test plays the LockVerticle on the event bus, so it
 * decides when a grant arrives and what a renewal finds.
 */
@DisplayName("Sessions and the event bus: a grant after the end is given back; a failed renewal is retried, a gone lock is lost")
@ExtendWith(VertxExtension.class)
class SessionBusTest {

  private int port;

  @BeforeEach
  void deployHttpVerticle(Vertx vertx, VertxTestContext test) {
    port = FreePorts.next();
    ServiceConfig config = ConfigReader.read(new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
      .put("redis", new JsonObject().put("server", "127.0.0.1:1")));
    vertx.deployVerticle(new HttpVerticle(config, HttpAdmission.create(config.http()))).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the session closes while its lock call waits: the wait is cancelled, and the grant that arrives anyway is unlocked")
  void grantAfterTheEnd(Vertx vertx) {
    AtomicReference<Message<Object>> waiting = new AtomicReference<>();
    AtomicReference<String> cancelled = new AtomicReference<>();
    CompletableFuture<Object> unlocked = new CompletableFuture<>();
    vertx.eventBus().consumer(LockAddresses.LOCK, waiting::set);
    vertx.eventBus().<JsonObject>consumer(LockAddresses.CANCEL, cancel -> {
      cancelled.set(cancel.body().getString("requestId"));
      waiting.get().reply(new LockGrant("late", "granted-late", 30_000, 5L));
    });
    vertx.eventBus().consumer(LockAddresses.UNLOCK, unlock -> {
      unlocked.complete(unlock.body());
      unlock.reply(Released.INSTANCE);
    });

    SessionClient session = SessionClient.open(port);
    session.call(new JsonObject().put("op", "lock").put("key", "late").put("ttl", 30).put("waitTimeout", 60));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiting.get() != null);
    assertThat(waiting.get().body()).isEqualTo(new LockCommand("late", 30_000, 60_000));
    session.close();

    assertThat(SessionClient.get(unlocked)).isEqualTo(new UnlockCommand("late", "granted-late"));
    assertThat(cancelled.get()).isEqualTo(waiting.get().headers().get(LockAddresses.REQUEST_ID_HEADER));
  }

  @Test
  @DisplayName("a renewal failing with 503 is retried within 0.5 s; one finding the lock gone sends 'lost' and stops renewing")
  void renewalRetriedThenLost(Vertx vertx) {
    vertx.eventBus().<Object>consumer(LockAddresses.LOCK, lock -> lock.reply(new LockGrant("renew", "mine", 3_000, 9L)));
    List<Long> renewals = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Object>consumer(LockAddresses.EXTEND, extend -> {
      assertThat(extend.body()).isEqualTo(new ExtendCommand("renew", "mine", 3_000));
      renewals.add(System.nanoTime());
      switch (renewals.size()) {
        case 1 -> extend.reply(new LockGrant("renew", "mine", 3_000, 9L));
        case 2 -> extend.fail(503, "redis_unavailable: Redis is away");
        default -> extend.fail(409, "not_held: the lock is not held");
      }
    });

    try (SessionClient session = SessionClient.open(port)) {
      long granted = System.nanoTime();
      assertThat(session.request(new JsonObject().put("op", "lock").put("key", "renew").put("ttl", 3)).getBoolean("ok")).isTrue();
      JsonObject lost = session.nextUnsolicited(10);
      assertThat(lost).isEqualTo(new JsonObject().put("event", "lost").put("key", "renew").put("fencingToken", 9));
      assertThat(renewals).hasSize(3);
      // renewals at a third of the TTL (1 s), the retry after the 503 within 0.5 s
      assertThat(Duration.ofNanos(renewals.get(0) - granted)).isBetween(Duration.ofMillis(900), Duration.ofMillis(1500));
      assertThat(Duration.ofNanos(renewals.get(2) - renewals.get(1))).isBetween(Duration.ofMillis(400), Duration.ofMillis(900));
      // forgotten: no more renewals, and unlock says so without asking the bus
      assertThat(session.request(new JsonObject().put("op", "unlock").put("key", "renew")).getString("code")).isEqualTo("not_held");
      assertThat(renewals).hasSize(3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Primitive.class)
  @DisplayName("no renewal gets through for the lock's (or permit's) TTL: 'lost' at the TTL, not once Redis is back; a renewal answered later is given back")
  void lostAtTheDeadlineWhenRenewalsCannotGetThrough(Primitive primitive, Vertx vertx) {
    boolean lock = primitive == Primitive.LOCK;
    JsonObject acquire = lock ? new JsonObject().put("op", "lock")
      : new JsonObject().put("op", "semaphore.acquire").put("permits", 2);
    Object grant = lock ? new LockGrant("frozen", "mine", 1_200, 7L) : new PermitGrant("frozen", "mine", 1_200, 7L, 1);
    vertx.eventBus().<Object>consumer(lock ? LockAddresses.LOCK : LockAddresses.SEMAPHORE_ACQUIRE, call -> call.reply(grant));
    List<Message<Object>> unanswered = new CopyOnWriteArrayList<>();
    List<Long> renewals = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Object>consumer(primitive.extendAddress(), extend -> {
      renewals.add(System.nanoTime());
      unanswered.add(extend); // Redis frozen: answered only after the deadline
    });
    CompletableFuture<Object> givenBack = new CompletableFuture<>();
    vertx.eventBus().consumer(primitive.releaseAddress(), release -> {
      givenBack.complete(release.body());
      release.reply(Released.INSTANCE);
    });

    try (SessionClient session = SessionClient.open(port)) {
      long asked = System.nanoTime();
      assertThat(session.request(acquire.put("key", "frozen").put("ttl", 1.2)).getBoolean("ok")).isTrue();
      JsonObject lost = session.nextUnsolicited(10);
      long lostAfter = System.nanoTime() - asked;
      JsonObject expected = new JsonObject().put("event", "lost").put("key", "frozen").put("fencingToken", 7);
      assertThat(lost).isEqualTo(lock ? expected : expected.put("primitive", "semaphore"));
      // the TTL counted from the acquire request: never later, and not much earlier
      assertThat(Duration.ofNanos(lostAfter)).isBetween(Duration.ofMillis(750), Duration.ofMillis(1200 + 800));
      int renewalsAtLost = renewals.size();
      assertThat(renewalsAtLost).as("a renewal was sent (and is still unanswered)").isGreaterThanOrEqualTo(1);
      assertThat(unanswered.get(0).body()).isEqualTo(new ExtendCommand("frozen", "mine", 1_200));

      // Redis answers the frozen renewal at last: it lives again in Redis, so it is released
      unanswered.get(0).reply(new LockGrant("frozen", "mine", 1_200, 7L));
      assertThat(SessionClient.get(givenBack)).isEqualTo(new UnlockCommand("frozen", "mine"));
      assertThat(renewals).hasSize(renewalsAtLost);
    }
  }
}
