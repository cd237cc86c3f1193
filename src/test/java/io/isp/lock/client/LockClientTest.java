package io.isp.lock.client;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockException;
import io.isp.lock.engine.LockVerticle;
import io.isp.lock.support.TestConfigs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("LockClient: the typed event-bus client for co-deployed verticles")
@ExtendWith(VertxExtension.class)
class LockClientTest {

  private Vertx vertx;
  private LockClient locks;

  /** The verticle under test's neighbour: a LockVerticle in the test's own Vert.x, as an application would deploy it. */
  @BeforeEach
  void deployLockVerticle(Vertx vertx, VertxTestContext test) {
    this.vertx = vertx;
    this.locks = LockClient.create(vertx);
    vertx.deployVerticle(new LockVerticle(TestConfigs.lockNode())).onComplete(test.succeedingThenComplete());
  }

  /** Waits on the test thread (never an event loop) for {@code future}; its failure is thrown as it is. */
  private static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
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
  @DisplayName("lockAll: one lockKey and fencing token for the set, all or nothing, extend and unlock the set; kept alive past its TTL; close releases it")
  void lockAll() {
    java.util.List<String> keys = java.util.List.of("{client-all}a", "{client-all}b");
    MultiLock set = await(locks.lockAll(keys, Duration.ofSeconds(5), Duration.ofSeconds(1)));
    assertThat(set.keys()).isEqualTo(keys);
    assertThat(set.fencingToken()).isPositive();
    for (String key : keys) {
      assertThat(await(locks.status(key)).fencingToken()).isEqualTo(set.fencingToken());
    }
    LockException held = catchThrowableOfType(LockException.class, () -> await(
      locks.lockAll(java.util.List.of("{client-all}b", "{client-all}c"), Duration.ofSeconds(5), Duration.ZERO)));
    assertThat(held.error()).isEqualTo(ErrorCode.LOCK_HELD);
    assertThat(await(locks.status("{client-all}c")).locked()).as("all or nothing").isFalse();

    MultiLock extended = await(set.extend(Duration.ofSeconds(30)));
    assertThat(extended.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(extended.fencingToken()).isEqualTo(set.fencingToken());
    await(extended.unlock());
    assertThat(await(locks.status("{client-all}a")).locked()).isFalse();
    LockException notHeld = catchThrowableOfType(LockException.class, () -> await(set.unlock()));
    assertThat(notHeld.error()).isEqualTo(ErrorCode.NOT_HELD);

    MultiLock kept = await(locks.lockAll(keys, Duration.ofMillis(300), Duration.ZERO, LockOptions.KEEP_ALIVE));
    await(vertx.timer(1000));
    assertThat(await(locks.status("{client-all}b")).locked()).as("renewed past its TTL").isTrue();
    assertThat(kept.keptAlive()).isTrue();
    await(locks.close());
    assertThat(await(locks.status("{client-all}a")).locked()).as("released by close").isFalse();
  }

  @Test
  @DisplayName("acquirePermit: permits up to the size, then lock_held; another size permits_mismatch; extend, status, release")
  void permits() {
    Permit first = await(locks.acquirePermit("client-semaphore", 2, Duration.ofSeconds(30), Duration.ZERO));
    Permit second = await(locks.acquirePermit("client-semaphore", 2, Duration.ofSeconds(30), Duration.ofSeconds(1)));
    assertThat(first.holders()).isEqualTo(1);
    assertThat(second.holders()).isEqualTo(2);
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());

    LockException full = catchThrowableOfType(LockException.class,
      () -> await(locks.acquirePermit("client-semaphore", 2, Duration.ofSeconds(30), Duration.ZERO)));
    assertThat(full.error()).isEqualTo(ErrorCode.LOCK_HELD);
    LockException mismatch = catchThrowableOfType(LockException.class,
      () -> await(locks.acquirePermit("client-semaphore", 3, Duration.ofSeconds(30), Duration.ZERO)));
    assertThat(mismatch.error()).isEqualTo(ErrorCode.PERMITS_MISMATCH);

    Permit extended = await(first.extend(Duration.ofSeconds(60)));
    assertThat(extended.ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(extended.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(await(locks.semaphoreStatus("client-semaphore")))
      .isEqualTo(new io.isp.lock.api.SemaphoreStatus("client-semaphore", 2, 2, 0));

    await(first.release());
    await(second.release());
    assertThat(await(locks.semaphoreStatus("client-semaphore")).holders()).isZero();
    LockException notHeld = catchThrowableOfType(LockException.class, () -> await(first.release()));
    assertThat(notHeld.error()).isEqualTo(ErrorCode.NOT_HELD);
  }

  @Test
  @DisplayName("list pages through held locks; forceUnlock removes one whoever holds it, then not_held")
  void listAndForceUnlock() {
    Lock a = await(locks.lock("client-list-a", Duration.ofSeconds(30), Duration.ZERO));
    await(locks.lock("client-list-b", Duration.ofSeconds(30), Duration.ZERO));
    java.util.List<String> keys = new java.util.ArrayList<>();
    String cursor = null;
    do {
      io.isp.lock.api.LockPage page = await(locks.list("client-list-", 1, cursor));
      page.locks().forEach(entry -> keys.add(entry.key()));
      cursor = page.cursor();
    } while (cursor != null);
    assertThat(keys).containsExactlyInAnyOrder("client-list-a", "client-list-b");

    io.isp.lock.api.ForceReleased forced = await(locks.forceUnlock("client-list-a"));
    assertThat(forced.fencingToken()).isEqualTo(a.fencingToken());
    assertThat(await(locks.status("client-list-a")).locked()).isFalse();
    LockException notHeld = catchThrowableOfType(LockException.class, () -> await(locks.forceUnlock("client-list-a")));
    assertThat(notHeld.error()).isEqualTo(ErrorCode.NOT_HELD);
    LockException gone = catchThrowableOfType(LockException.class, () -> await(a.unlock()));
    assertThat(gone.error()).isEqualTo(ErrorCode.NOT_HELD);
  }

  @Test
  @DisplayName("withLock runs the action holding the lock and unlocks after success")
  void withLockSuccess(VertxTestContext test) {
    locks.withLock("with", Duration.ofSeconds(30),
        () -> locks.status("with").map(status -> status.locked() ? "ran locked" : "ran unlocked"))
      .compose(result -> locks.status("with").map(after -> result + ", then " + (after.locked() ? "still locked" : "unlocked")))
      .onComplete(test.succeeding(outcome -> test.verify(() -> {
        assertThat(outcome).isEqualTo("ran locked, then unlocked");
        test.completeNow();
      })));
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
      locks.withLock("lost", Duration.ofMillis(100), () -> vertx.timer(400).map("too late"))));
    assertThat(lost.error()).isEqualTo(ErrorCode.NOT_HELD);
  }
}
