package io.isp.lock.client;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockException;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.engine.LockVerticle;
import io.isp.lock.support.RedisEndpointInfo;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.TestConfigs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

@DisplayName("LockClient: locks kept alive until unlocked, lost-lock notices, and locks released with their verticle")
@ExtendWith(VertxExtension.class)
class LockClientKeepAliveTest {

  private Vertx vertx;
  private ServiceConfig config;
  private LockClient locks;
  /** A second application instance: the one that would take the key next. */
  private LockClient other;
  private String lockVerticle;

  @BeforeEach
  void deployLockVerticle(Vertx vertx) {
    this.vertx = vertx;
    this.config = TestConfigs.lockNode();
    this.locks = LockClient.create(vertx);
    this.other = LockClient.create(vertx);
    lockVerticle = result(vertx.deployVerticle(new LockVerticle(config)));
  }

  /** The remaining TTL of {@code key}'s lock in milliseconds, read from Redis itself (redis-cli PTTL). */
  private long pttl(String key) throws Exception {
    RedisEndpointInfo redis = RedisFixture.shared();
    Process cli = new ProcessBuilder("redis-cli", "-h", redis.host(), "-p", Integer.toString(redis.port()),
      "PTTL", config.redis().prefix() + "::" + key).redirectErrorStream(true).start();
    String out = new String(cli.getInputStream().readAllBytes()).trim();
    assertThat(cli.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return Long.parseLong(out);
  }

  private static <T> T result(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
  }

  private boolean locked(String key) {
    return result(other.status(key)).locked();
  }

  @Test
  @DisplayName("a kept-alive lock is still held after 3.5x its TTL, idle, and is free right after unlock")
  void keptAlivePastItsTtl() {
    // 2 s: renewed every 667 ms, so a pause of over a second on a busy test machine does not lose it
    Lock lock = result(locks.lock("kept", Duration.ofSeconds(2), Duration.ZERO, LockOptions.KEEP_ALIVE));
    assertThat(lock.keptAlive()).isTrue();
    List<LockException> lost = new CopyOnWriteArrayList<>();
    lock.onLost(lost::add);

    // checked all along: never free, not for one poll, during 3.5 TTLs
    await().pollInterval(Duration.ofMillis(100)).during(Duration.ofMillis(7000)).atMost(Duration.ofSeconds(15))
      .until(() -> locked("kept"));
    LockException held = catchThrowableOfType(LockException.class, () -> result(other.tryLock("kept", Duration.ofSeconds(1))));
    assertThat(held.error()).isEqualTo(ErrorCode.LOCK_HELD);
    assertThat(result(other.status("kept")).fencingToken()).isEqualTo(lock.fencingToken());

    result(lock.unlock());
    assertThat(locked("kept")).isFalse();
    Lock next = result(other.tryLock("kept", Duration.ofSeconds(30)));
    assertThat(next.fencingToken()).isGreaterThan(lock.fencingToken());
    assertThat(lost).as("no lost notice after an unlock").isEmpty();
  }

  @Test
  @DisplayName("without keep-alive a lock still expires at its TTL")
  void plainLockExpires() {
    Lock lock = result(locks.lock("plain", Duration.ofMillis(300), Duration.ZERO));
    assertThat(lock.keptAlive()).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> !locked("plain"));
  }

  @Test
  @DisplayName("extend on a kept-alive lock changes the TTL it is renewed to")
  void extendChangesTheRenewedTtl() {
    Lock lock = result(locks.lock("renewed-to", Duration.ofMillis(900), Duration.ZERO, LockOptions.KEEP_ALIVE));
    Lock extended = result(lock.extend(Duration.ofSeconds(20)));
    assertThat(extended.keptAlive()).isTrue();
    assertThat(extended.ttl()).isEqualTo(Duration.ofSeconds(20));
    // renewed to 20 s, not back to 0.9 s: the remaining TTL stays well above 0.9 s
    await().pollInterval(Duration.ofMillis(200)).during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
      .until(() -> result(other.status("renewed-to")).ttlMs() > 5000);
    result(extended.unlock());
    assertThat(locked("renewed-to")).isFalse();
  }

  @Test
  @DisplayName("onLost is called once, within one renewal period, after an operator's force-unlock; renewals stop")
  void lostAfterForceUnlock() {
    Duration ttl = Duration.ofMillis(1500);
    Lock lock = result(locks.lock("forced", ttl, Duration.ZERO, LockOptions.KEEP_ALIVE));
    List<LockException> lost = new CopyOnWriteArrayList<>();
    AtomicLong lostAt = new AtomicLong();
    lock.onLost(error -> {
      lostAt.set(System.nanoTime());
      lost.add(error);
    });

    long forcedAt = System.nanoTime();
    result(other.forceUnlock("forced"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !lost.isEmpty());
    long afterMs = TimeUnit.NANOSECONDS.toMillis(lostAt.get() - forcedAt);
    System.out.println("LockClient: onLost " + afterMs + " ms after the force-unlock (1.5 s TTL, renewed every 500 ms)");
    // a renewal is due every 500 ms; the margin is for a slow shared machine
    assertThat(afterMs).as("ms from force-unlock to onLost").isLessThan(ttl.toMillis() / 3 + 1000);
    assertThat(lost.get(0).error()).isEqualTo(ErrorCode.NOT_HELD);

    // the next holder keeps the key: the lost holder renews nothing any more
    Lock next = result(other.tryLock("forced", Duration.ofSeconds(30)));
    await().pollInterval(Duration.ofMillis(200)).during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(10))
      .until(() -> result(other.status("forced")).fencingToken() == next.fencingToken());
    assertThat(lost).hasSize(1);
    // registered after the loss: called at once
    List<LockException> late = new CopyOnWriteArrayList<>();
    lock.onLost(late::add);
    await().atMost(Duration.ofSeconds(5)).until(() -> late.size() == 1);
    LockException unlockAfterLoss = catchThrowableOfType(LockException.class, () -> result(lock.unlock()));
    assertThat(unlockAfterLoss.error()).isEqualTo(ErrorCode.NOT_OWNER);
  }

  @Test
  @DisplayName("a renewal that finds no lock verticle is retried: the lock survives the verticle's restart")
  void renewalRetriedWhileTheServiceIsAway() {
    Lock lock = result(locks.lock("retried", Duration.ofSeconds(6), Duration.ZERO, LockOptions.KEEP_ALIVE));
    List<LockException> lost = new CopyOnWriteArrayList<>();
    lock.onLost(lost::add);
    result(vertx.undeploy(lockVerticle));
    // renewed every 2 s, the remaining TTL stays above 4 s; below 3.5 s, at least one renewal found
    // no lock verticle (and its retries too); 3.5 s are left to deploy it again on a busy machine
    await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(10)).until(() -> pttl("retried") < 3500);
    result(vertx.deployVerticle(new LockVerticle(config)));

    await().pollInterval(Duration.ofMillis(200)).during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(20))
      .until(() -> locked("retried"));
    assertThat(lost).isEmpty();
    result(lock.unlock());
    assertThat(locked("retried")).isFalse();
  }

  @Test
  @DisplayName("no renewal gets through for the whole TTL (no lock service): onLost at the TTL, not once the service is back")
  void lostAtTheDeadline() {
    long asked = System.nanoTime();
    Lock lock = result(locks.lock("deadline", Duration.ofMillis(1500), Duration.ZERO, LockOptions.KEEP_ALIVE));
    java.util.concurrent.CompletableFuture<Long> lostAfter = new java.util.concurrent.CompletableFuture<>();
    lock.onLost(error -> lostAfter.complete(System.nanoTime() - asked));
    result(vertx.undeploy(lockVerticle));
    long nanos = lostAfter.orTimeout(10, TimeUnit.SECONDS).join();
    // the TTL counted from the lock request: not later (another client could hold it by then)
    assertThat(Duration.ofNanos(nanos)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1500 + 800));
    result(vertx.deployVerticle(new LockVerticle(config)));
    assertThat(locked("deadline")).as("expired in Redis as well").isFalse();
  }

  /** An application verticle that takes two locks when it starts and never unlocks them. */
  static final class Holder extends VerticleBase {
    @Override
    public Future<?> start() {
      LockClient mine = LockClient.create(vertx);
      return Future.all(
        mine.lock("held-by-verticle", Duration.ofSeconds(60), Duration.ZERO),
        mine.lock("kept-by-verticle", Duration.ofSeconds(60), Duration.ZERO, LockOptions.KEEP_ALIVE));
    }
  }

  @Test
  @DisplayName("undeploying a verticle releases the locks it took: the next client gets them at once, not at the TTL")
  void undeployReleases() {
    String holder = result(vertx.deployVerticle(new Holder()));
    assertThat(locked("held-by-verticle")).isTrue();
    assertThat(locked("kept-by-verticle")).isTrue();

    result(vertx.undeploy(holder));
    // no wait at all: the 60 s locks must be free when undeploy completes
    assertThat(result(other.tryLock("held-by-verticle", Duration.ofSeconds(30)))).isNotNull();
    assertThat(result(other.tryLock("kept-by-verticle", Duration.ofSeconds(30)))).isNotNull();
  }

  @Test
  @DisplayName("close() unlocks what the client holds; a lock asked for afterwards fails")
  void closeReleases() {
    result(locks.lock("closed-a", Duration.ofSeconds(60), Duration.ZERO));
    result(locks.lock("closed-b", Duration.ofSeconds(60), Duration.ZERO, LockOptions.KEEP_ALIVE));
    result(locks.close());
    assertThat(locked("closed-a")).isFalse();
    assertThat(locked("closed-b")).isFalse();
    IllegalStateException refused = catchThrowableOfType(IllegalStateException.class,
      () -> result(locks.lock("closed-c", Duration.ofSeconds(60), Duration.ZERO)));
    assertThat(refused).hasMessageContaining("closed");
  }
}
