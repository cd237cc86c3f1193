package io.isp.lock.client;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockException;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.isp.lock.support.ServiceUnderTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("LockClient: the typed event-bus client for co-deployed verticles")
class LockClientTest {

  private static ServiceUnderTest service;
  private static LockClient locks;

  @BeforeAll
  static void start() {
    service = ServiceUnderTest.start(new JsonObject());
    locks = LockClient.create(service.vertx());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  @DisplayName("lock, extend, status and unlock")
  void lifecycle() {
    Lock lock = await(locks.lock("client", Duration.ofSeconds(5), Duration.ofSeconds(1)));
    assertThat(lock.fencingToken()).isPositive();
    assertThat(lock.ttl()).isEqualTo(Duration.ofSeconds(5));

    Lock extended = await(lock.extend(Duration.ofSeconds(30)));
    assertThat(extended.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(extended.fencingToken()).isEqualTo(lock.fencingToken());
    assertThat(await(locks.status("client")).locked()).isTrue();

    LockException held = catchThrowableOfType(LockException.class,
      () -> await(locks.tryLock("client", Duration.ofSeconds(5))));
    assertThat(held.error()).isEqualTo(ErrorCode.LOCK_HELD);

    await(extended.unlock());
    assertThat(await(locks.status("client")).locked()).isFalse();
    LockException notHeld = catchThrowableOfType(LockException.class, () -> await(lock.unlock()));
    assertThat(notHeld.error()).isEqualTo(ErrorCode.NOT_HELD);
  }

  @Test
  @DisplayName("withLock runs the action holding the lock and unlocks after success")
  void withLockSuccess() {
    String result = await(locks.withLock("with", Duration.ofSeconds(30),
      () -> locks.status("with").map(status -> status.locked() ? "ran locked" : "ran unlocked")));
    assertThat(result).isEqualTo("ran locked");
    assertThat(await(locks.status("with")).locked()).isFalse();
  }

  @Test
  @DisplayName("withLock unlocks after the action fails or throws, and passes the failure on")
  void withLockFailure() {
    IllegalStateException failed = catchThrowableOfType(IllegalStateException.class, () -> await(
      locks.withLock("with-fail", Duration.ofSeconds(30), () -> Future.failedFuture(new IllegalStateException("boom")))));
    assertThat(failed).hasMessage("boom");
    assertThat(await(locks.status("with-fail")).locked()).isFalse();

    IllegalArgumentException thrown = catchThrowableOfType(IllegalArgumentException.class, () -> await(
      locks.<String>withLock("with-throw", Duration.ofSeconds(30), () -> {
        throw new IllegalArgumentException("thrown");
      })));
    assertThat(thrown).hasMessage("thrown");
    assertThat(await(locks.status("with-throw")).locked()).isFalse();
  }

  @Test
  @DisplayName("withLock reports a lock lost during the action instead of the action's value")
  void withLockLostLock() {
    LockException lost = catchThrowableOfType(LockException.class, () -> await(
      locks.withLock("lost", Duration.ofMillis(100), () -> service.vertx().timer(400).map("too late"))));
    assertThat(lost.error()).isEqualTo(ErrorCode.NOT_HELD);
  }
}
