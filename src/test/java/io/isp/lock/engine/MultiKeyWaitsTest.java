package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockException;
import io.isp.lock.api.MultiExtendCommand;
import io.isp.lock.api.MultiLockCommand;
import io.isp.lock.api.MultiLockGrant;
import io.isp.lock.api.MultiUnlockCommand;
import io.isp.lock.api.Released;
import io.isp.lock.engine.FakeLockStore.Call;
import io.isp.lock.engine.FakeLockStore.Op;
import io.isp.lock.engine.LockStore.Outcome;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("MultiKeyWaits against a fake store: wake-ups, order and races forced by hand, no Redis, no sleeps")
class MultiKeyWaitsTest {

  private static final long TTL_MS = 30_000;
  private static final long NO_PROBE_MS = 86_400_000;

  private final FakeLockStore store = new FakeLockStore();
  private final FakeTimers timers = new FakeTimers();
  private int waitingChanges;
  private final MultiKeyWaits waits = new MultiKeyWaits(store, timers, NO_PROBE_MS, () -> waitingChanges++);

  /** Once every call is answered nothing may be left: no waiter on any key, no timer, no store call. */
  @AfterEach
  void nothingLeftBehind() {
    if (waits.waiting() == 0) {
      assertThat(waits.waitingByKey()).as("waiters by key").isEmpty();
      timers.advance(NO_PROBE_MS);
      assertThat(timers.pending()).as("timers").isZero();
      assertThat(store.untaken()).as("store calls nobody answered").isZero();
    }
  }

  private Future<MultiLockGrant> lock(List<String> keys, long waitMs, String requestId) {
    return waits.lock(new MultiLockCommand(keys, TTL_MS, waitMs), requestId);
  }

  /** A call on {@code keys} that found one held (for {@code holderTtlMs} more) and now waits. */
  private Future<MultiLockGrant> waiting(List<String> keys, long holderTtlMs) {
    Future<MultiLockGrant> waiter = lock(keys, 10_000, null);
    store.next(Op.ACQUIRE_ALL, String.join(",", keys)).held(holderTtlMs);
    return waiter;
  }

  private static ErrorCode error(Future<?> future) {
    assertThat(future.failed()).as("failed: %s", future).isTrue();
    return ((LockException) future.cause()).error();
  }

  @Test
  @DisplayName("a call tries the whole set at once, and is granted with one fencing token")
  void grantedAtOnce() {
    Future<MultiLockGrant> grant = lock(List.of("a", "b"), 10_000, null);
    store.next(Op.ACQUIRE_ALL, "a,b").granted(5);
    assertThat(grant.result().keys()).containsExactly("a", "b");
    assertThat(grant.result().fencingToken()).isEqualTo(5);
    assertThat(waits.waiting()).isZero();
  }

  @Test
  @DisplayName("waitTimeout 0: one attempt, lock_held if any key is held, nothing left waiting")
  void tryOnce() {
    Future<MultiLockGrant> grant = lock(List.of("a", "b"), 0, null);
    store.next(Op.ACQUIRE_ALL, "a,b").held(TTL_MS);
    assertThat(error(grant)).isEqualTo(ErrorCode.LOCK_HELD);
    assertThat(waitingChanges).isZero();
  }

  @Test
  @DisplayName("a notice for any of its keys wakes a waiter; a notice for another key does not")
  void noticeOnAnyKey() {
    Future<MultiLockGrant> waiter = waiting(List.of("a", "b"), TTL_MS);
    assertThat(waits.waitingByKey()).containsEntry("a", 1).containsEntry("b", 1);
    waits.released("c");
    assertThat(store.untaken()).isZero();
    waits.released("b");
    store.next(Op.ACQUIRE_ALL, "a,b").granted(9);
    assertThat(waiter.result().fencingToken()).isEqualTo(9);
  }

  @Test
  @DisplayName("a member that expires sends no notice: the waiter looks again at the longest TTL it was told")
  void recheckAtLongestTtl() {
    Future<MultiLockGrant> waiter = waiting(List.of("a", "b"), 700);
    timers.advance(699);
    assertThat(store.untaken()).isZero();
    timers.advance(1);
    store.next(Op.ACQUIRE_ALL, "a,b").granted(3);
    assertThat(waiter.succeeded()).isTrue();
  }

  @Test
  @DisplayName("on a notice, overlapping waiters try in arrival order, one attempt each; the later one tries again when the first is refused a race")
  void fifoWhereTheyOverlap() {
    Future<MultiLockGrant> first = waiting(List.of("a", "b"), TTL_MS);
    Future<MultiLockGrant> second = waiting(List.of("b", "c"), TTL_MS);
    waits.released("b");
    Call firstTry = store.next(Op.ACQUIRE_ALL, "a,b");
    Call secondTry = store.next(Op.ACQUIRE_ALL, "b,c");
    waits.released("b");
    assertThat(store.untaken()).as("one attempt in flight per waiter").isZero();
    firstTry.granted(10);
    secondTry.held(TTL_MS);
    assertThat(first.result().fencingToken()).isEqualTo(10);
    // the notice came while its attempt was in flight: it tries again at once
    store.next(Op.ACQUIRE_ALL, "b,c").held(TTL_MS);
    assertThat(second.isComplete()).isFalse();
    waits.released("c");
    store.next(Op.ACQUIRE_ALL, "b,c").granted(11);
    assertThat(second.result().fencingToken()).isEqualTo(11);
  }

  @Test
  @DisplayName("race: the deadline passes while an attempt grants the set; the caller gets lock_held and the set is given back")
  void giveUpWhileGranting() {
    Future<MultiLockGrant> waiter = waiting(List.of("a", "b"), TTL_MS);
    waits.released("a");
    Call attempt = store.next(Op.ACQUIRE_ALL, "a,b");
    timers.advance(10_000);
    assertThat(error(waiter)).isEqualTo(ErrorCode.LOCK_HELD);
    attempt.granted(12);
    Call giveBack = store.next(Op.RELEASE_ALL, "a,b");
    assertThat(giveBack.lockKey).isEqualTo(attempt.lockKey);
    giveBack.replied(Outcome.RELEASED, null);
    assertThat(waits.waiting()).isZero();
  }

  @Test
  @DisplayName("cancel by request id ends the wait (cancelled); an attempt in flight that grants is given back")
  void cancelWhileAttempting() {
    Future<MultiLockGrant> waiter = lock(List.of("a", "b"), 10_000, "req-1");
    Call attempt = store.next(Op.ACQUIRE_ALL, "a,b");
    waits.cancel("req-1");
    assertThat(error(waiter)).isEqualTo(ErrorCode.CANCELLED);
    attempt.granted(13);
    store.next(Op.RELEASE_ALL, "a,b").replied(Outcome.RELEASED, null);
  }

  @Test
  @DisplayName("an outage answers every waiter 503 at once, and a call in flight is given back")
  void outage() {
    Future<MultiLockGrant> one = waiting(List.of("a", "b"), TTL_MS);
    Future<MultiLockGrant> two = lock(List.of("c", "d"), 10_000, null);
    store.next(Op.ACQUIRE_ALL, "c,d").unavailable();
    assertThat(error(one)).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
    assertThat(error(two)).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
    store.next(Op.RELEASE_ALL, "c,d").replied(Outcome.NOT_HELD, null);
    assertThat(waits.waiting()).isZero();
  }

  @Test
  @DisplayName("while calls wait the store is probed: an outage found by the probe answers them")
  void probeFindsOutage() {
    MultiKeyWaits probing = new MultiKeyWaits(store, timers, 250, () -> { });
    Future<MultiLockGrant> waiter = probing.lock(new MultiLockCommand(List.of("a", "b"), TTL_MS, 10_000), null);
    store.next(Op.ACQUIRE_ALL, "a,b").held(TTL_MS);
    timers.advance(250);
    store.next(Op.PROBE, "").unavailable();
    assertThat(error(waiter)).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
    timers.advance(250);
  }

  @Test
  @DisplayName("unlock and extend: one store call each; refusals are not_held / not_owner")
  void unlockAndExtend() {
    Future<Released> released = waits.unlock(new MultiUnlockCommand(List.of("a", "b"), "lk"));
    store.next(Op.RELEASE_ALL, "a,b").replied(Outcome.RELEASED, null);
    assertThat(released.succeeded()).isTrue();

    Future<Released> refused = waits.unlock(new MultiUnlockCommand(List.of("a", "b"), "lk"));
    store.next(Op.RELEASE_ALL, "a,b").replied(Outcome.NOT_OWNER, null);
    assertThat(error(refused)).isEqualTo(ErrorCode.NOT_OWNER);

    Future<MultiLockGrant> extended = waits.extend(new MultiExtendCommand(List.of("a", "b"), "lk", 60_000));
    store.next(Op.EXTEND_ALL, "a,b").replied(Outcome.EXTENDED, 21L);
    assertThat(extended.result().fencingToken()).isEqualTo(21L);
    assertThat(extended.result().ttlMs()).isEqualTo(60_000);

    Future<MultiLockGrant> lost = waits.extend(new MultiExtendCommand(List.of("a", "b"), "lk", 60_000));
    store.next(Op.EXTEND_ALL, "a,b").replied(Outcome.NOT_HELD, null);
    assertThat(error(lost)).isEqualTo(ErrorCode.NOT_HELD);
  }

  @Test
  @DisplayName("a set the store cannot take in one step is refused before any store call (cross_slot)")
  void crossSlot() {
    store.otherSlot.add("far");
    assertThatThrownBy(() -> lock(List.of("a", "far"), 10_000, null))
      .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.CROSS_SLOT));
    assertThat(waits.waiting()).isZero();
  }

  @Test
  @DisplayName("stop answers every waiter shutting_down and refuses new calls")
  void stop() {
    Future<MultiLockGrant> waiter = waiting(List.of("a", "b"), TTL_MS);
    waits.stop();
    assertThat(error(waiter)).isEqualTo(ErrorCode.SHUTTING_DOWN);
    assertThat(error(lock(List.of("a"), 10_000, null))).isEqualTo(ErrorCode.SHUTTING_DOWN);
  }
}
