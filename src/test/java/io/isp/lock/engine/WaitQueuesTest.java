package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockGrant;
import io.isp.lock.api.LockMode;
import io.isp.lock.api.Released;
import io.isp.lock.api.UnlockCommand;
import io.isp.lock.engine.FakeLockStore.Call;
import io.isp.lock.engine.FakeLockStore.Op;
import io.isp.lock.engine.LockStore.Outcome;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("WaitQueues against a fake store: every interleaving forced by hand, no Redis, no sleeps")
class WaitQueuesTest {

  private static final long TTL_MS = 30_000;
  private static final long PROBE_MS = 250;
  /** Most tests are not about the outage probe: it stays out of their way. */
  private static final long NO_PROBE_MS = 86_400_000;

  private final FakeLockStore store = new FakeLockStore();
  private final FakeTimers timers = new FakeTimers();
  private WaitQueues queues = new WaitQueues(store, timers, NO_PROBE_MS, () -> { });

  /** Whatever a test did, nothing may be left behind once its calls are answered: no queue, no timer, no call. */
  @AfterEach
  void nothingLeftBehind() {
    if (queues.waiting() == 0) {
      assertThat(queues.queuedKeys()).as("queues").isZero();
      timers.advance(NO_PROBE_MS); // a probe timer armed while calls waited disarms itself
      assertThat(timers.pending()).as("timers").isZero();
      assertThat(store.untaken()).as("store calls nobody answered").isZero();
    }
  }

  private Future<LockGrant> lock(String key, long waitMs, String requestId) {
    return queues.lock(new LockCommand(key, TTL_MS, waitMs), requestId);
  }

  private Future<LockGrant> lock(String key) {
    return lock(key, 10_000, null);
  }

  /** A lock call that found {@code key} held and now waits. */
  private Future<LockGrant> waitingHead(String key) {
    Future<LockGrant> waiter = lock(key);
    store.next(Op.ACQUIRE, key).held(TTL_MS);
    return waiter;
  }

  private static ErrorCode error(Future<?> future) {
    assertThat(future.failed()).as("failed: %s", future).isTrue();
    return ((LockException) future.cause()).error();
  }

  @Nested
  @DisplayName("order and wake-ups")
  class Order {

    @Test
    @DisplayName("the first call tries at once; later ones queue without a store call")
    void onlyTheHeadTalksToTheStore() {
      waitingHead("k");
      lock("k");
      lock("k");
      assertThat(store.untaken()).isZero();
      assertThat(queues.waiting()).isEqualTo(3);
      queues.stop();
    }

    @Test
    @DisplayName("a release notice wakes exactly the head, and waiters are granted in arrival order")
    void fifoOneWakePerRelease() {
      List<Future<LockGrant>> waiters = new ArrayList<>(List.of(waitingHead("k"), lock("k"), lock("k")));

      for (int turn = 0; turn < 3; turn++) {
        queues.released("k");
        Call attempt = store.next(Op.ACQUIRE, "k");
        assertThat(store.untaken()).as("one wake per release").isZero();
        attempt.granted(100 + turn);
        assertThat(waiters.get(turn).result().fencingToken()).isEqualTo(100 + turn);
        assertThat(waiters.subList(turn + 1, 3)).noneMatch(Future::isComplete);
      }
    }

    @Test
    @DisplayName("a holder whose TTL runs out without a notice: the head looks again at that TTL")
    void recheckAtTheHoldersExpiry() {
      Future<LockGrant> waiter = lock("k");
      store.next(Op.ACQUIRE, "k").held(500);

      timers.advance(499);
      assertThat(store.untaken()).isZero();
      timers.advance(1);
      store.next(Op.ACQUIRE, "k").granted(7);
      assertThat(waiter.succeeded()).isTrue();
    }

    @Test
    @DisplayName("a release notice that arrives while the head's attempt is in flight makes it try again at once")
    void releasedWhileInFlight() {
      Future<LockGrant> waiter = lock("k");
      Call attempt = store.next(Op.ACQUIRE, "k");
      queues.released("k");
      assertThat(store.untaken()).as("no second call while one is in flight").isZero();

      attempt.held(TTL_MS); // it lost the race with the release
      store.next(Op.ACQUIRE, "k").granted(8);
      assertThat(waiter.result().fencingToken()).isEqualTo(8);
    }

    @Test
    @DisplayName("extend by the holder moves the waiters' look-again to the new expiry")
    void extendMovesTheRecheck() {
      Future<LockGrant> waiter = lock("k");
      store.next(Op.ACQUIRE, "k").held(1000);
      Future<LockGrant> extended = queues.extend(new ExtendCommand("k", "holder", 5000));
      store.next(Op.EXTEND, "k").replied(Outcome.EXTENDED, 3L);
      assertThat(extended.result().fencingToken()).isEqualTo(3L);

      timers.advance(1000);
      assertThat(store.untaken()).as("no look at the old expiry").isZero();
      timers.advance(4000);
      store.next(Op.ACQUIRE, "k").granted(9);
      assertThat(waiter.succeeded()).isTrue();
    }
  }

  @Nested
  @DisplayName("unlock and hand-over")
  class HandOver {

    @Test
    @DisplayName("an unlock through this instance hands the lock to the head in its own store call")
    void handOverToTheHead() {
      Future<LockGrant> first = waitingHead("k");
      Future<LockGrant> second = lock("k");

      Future<Released> unlocked = queues.unlock(new UnlockCommand("k", "holder"));
      Call handOver = store.next(Op.HAND_OVER, "k");
      assertThat(handOver.lockKey).isEqualTo("holder");
      handOver.replied(Outcome.HANDED_OVER, 11L);

      assertThat(unlocked.succeeded()).isTrue();
      assertThat(first.result().fencingToken()).isEqualTo(11L);
      assertThat(first.result().lockKey()).isEqualTo(handOver.nextLockKey);
      assertThat(second.isComplete()).isFalse();
      assertThat(store.untaken()).as("the hand-over cost no other call").isZero();
      queues.stop();
    }

    @Test
    @DisplayName("without waiters an unlock is a plain release; not held and not owner are refused")
    void plainReleaseAndRefusals() {
      Future<Released> released = queues.unlock(new UnlockCommand("k", "a"));
      store.next(Op.RELEASE, "k").replied(Outcome.RELEASED, null);
      Future<Released> notHeld = queues.unlock(new UnlockCommand("k", "a"));
      store.next(Op.RELEASE, "k").replied(Outcome.NOT_HELD, null);
      Future<Released> notOwner = queues.unlock(new UnlockCommand("k", "a"));
      store.next(Op.RELEASE, "k").replied(Outcome.NOT_OWNER, null);

      assertThat(released.succeeded()).isTrue();
      assertThat(error(notHeld)).isEqualTo(ErrorCode.NOT_HELD);
      assertThat(error(notOwner)).isEqualTo(ErrorCode.NOT_OWNER);
    }

    @Test
    @DisplayName("a hand-over that finds the lock not held lets the head take it")
    void handOverFindsItFree() {
      Future<LockGrant> waiter = waitingHead("k");
      Future<Released> unlocked = queues.unlock(new UnlockCommand("k", "expired-holder"));
      store.next(Op.HAND_OVER, "k").replied(Outcome.NOT_HELD, null);

      assertThat(error(unlocked)).isEqualTo(ErrorCode.NOT_HELD);
      store.next(Op.ACQUIRE, "k").granted(12);
      assertThat(waiter.succeeded()).isTrue();
    }

    @Test
    @DisplayName("a hand-over refused (not the owner) after its waiter gave up leaves no queue and no timer behind")
    void refusedHandOverAfterTheWaiterLeft() {
      // found by WaitQueuesPropertyTest: the queue and its recheck timer lingered until the holder's TTL
      Future<LockGrant> waiter = lock("k", 100, null);
      store.next(Op.ACQUIRE, "k").held(TTL_MS);
      Future<Released> unlocked = queues.unlock(new UnlockCommand("k", "stale-lockKey"));
      Call handOver = store.next(Op.HAND_OVER, "k");
      timers.advance(100);
      assertThat(error(waiter)).isEqualTo(ErrorCode.LOCK_HELD);

      handOver.replied(Outcome.NOT_OWNER, 5L);
      assertThat(error(unlocked)).isEqualTo(ErrorCode.NOT_OWNER);
      assertThat(queues.queuedKeys()).as("queues").isZero();
      assertThat(timers.pending()).as("timers: the outage probe's only, no recheck").isEqualTo(1);
    }

    @Test
    @DisplayName("grants made while replicas must confirm are never handed over")
    void noHandOverWhenReplicasConfirm() {
      store.handsOver = false;
      Future<LockGrant> waiter = waitingHead("k");
      queues.unlock(new UnlockCommand("k", "holder"));
      store.next(Op.RELEASE, "k").replied(Outcome.RELEASED, null);
      queues.released("k");
      store.next(Op.ACQUIRE, "k").granted(13);
      assertThat(waiter.succeeded()).isTrue();
    }
  }

  @Nested
  @DisplayName("giving up while a call is in flight: the lock taken meanwhile is given back")
  class GiveUp {

    @Test
    @DisplayName("the wait runs out during the head's attempt, which then succeeds")
    void deadlineDuringAttempt() {
      Future<LockGrant> waiter = lock("k", 1000, null);
      store.next(Op.ACQUIRE, "k").held(TTL_MS);
      queues.released("k");
      Call attempt = store.next(Op.ACQUIRE, "k");

      timers.advance(1000);
      assertThat(error(waiter)).isEqualTo(ErrorCode.LOCK_HELD);
      attempt.granted(14);

      Call giveBack = store.next(Op.RELEASE, "k");
      assertThat(giveBack.lockKey).isEqualTo(attempt.lockKey);
      giveBack.replied(Outcome.RELEASED, null);
    }

    @Test
    @DisplayName("the wait runs out during the head's attempt, which then finds the lock held: no give-back")
    void deadlineDuringFailedAttempt() {
      Future<LockGrant> waiter = lock("k", 1000, null);
      Call attempt = store.next(Op.ACQUIRE, "k");
      timers.advance(1000);
      assertThat(waiter.isComplete()).as("no deadline armed before the first attempt says held").isFalse();
      attempt.held(TTL_MS);
      timers.advance(1);
      assertThat(error(waiter)).isEqualTo(ErrorCode.LOCK_HELD);
    }

    @Test
    @DisplayName("the client disconnects during a hand-over to it, which then succeeds")
    void cancelDuringHandOver() {
      Future<LockGrant> waiter = lock("k", 10_000, "req-1");
      store.next(Op.ACQUIRE, "k").held(TTL_MS);
      queues.unlock(new UnlockCommand("k", "holder"));
      Call handOver = store.next(Op.HAND_OVER, "k");

      queues.cancel("req-1");
      assertThat(error(waiter)).isEqualTo(ErrorCode.CANCELLED);
      handOver.replied(Outcome.HANDED_OVER, 15L);

      Call giveBack = store.next(Op.RELEASE, "k");
      assertThat(giveBack.lockKey).isEqualTo(handOver.nextLockKey);
      giveBack.replied(Outcome.RELEASED, null);
    }

    @Test
    @DisplayName("a cancelled waiter behind the head is skipped: the next release goes to the one after it")
    void cancelBehindTheHead() {
      Future<LockGrant> head = waitingHead("k");
      Future<LockGrant> gone = lock("k", 10_000, "req-2");
      Future<LockGrant> third = lock("k");
      queues.cancel("req-2");
      assertThat(error(gone)).isEqualTo(ErrorCode.CANCELLED);

      queues.released("k");
      store.next(Op.ACQUIRE, "k").granted(16);
      queues.released("k");
      Call next = store.next(Op.ACQUIRE, "k");
      next.granted(17);
      assertThat(head.succeeded()).isTrue();
      assertThat(third.result().lockKey()).isEqualTo(next.lockKey);
    }
  }

  @Nested
  @DisplayName("outages: every waiter hears of them, and grants of unknown fate are given back")
  class Outages {

    @Test
    @DisplayName("the head's attempt fails: every waiter of every key is answered 503 at once")
    void attemptFailureReachesEveryWaiter() {
      Future<LockGrant> otherKey = waitingHead("other");
      Future<LockGrant> head = lock("k");
      Call attempt = store.next(Op.ACQUIRE, "k");
      Future<LockGrant> behind = lock("k");

      attempt.unavailable();

      assertThat(List.of(head, behind, otherKey)).allSatisfy(w -> assertThat(error(w)).isEqualTo(ErrorCode.REDIS_UNAVAILABLE));
      store.next(Op.RELEASE, "k").replied(Outcome.NOT_HELD, null); // the failed attempt's grant, if any, given back
    }

    @Test
    @DisplayName("a hand-over that fails (as if it ran late) answers everyone 503 and gives the next waiter's grant back")
    void failedHandOver() {
      Future<LockGrant> waiter = waitingHead("h");
      Future<Released> unlocked = queues.unlock(new UnlockCommand("h", "holder"));
      Call handOver = store.next(Op.HAND_OVER, "h");

      handOver.unavailable();

      assertThat(error(unlocked)).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
      assertThat(error(waiter)).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
      Call giveBack = store.next(Op.RELEASE, "h");
      assertThat(giveBack.lockKey).isEqualTo(handOver.nextLockKey);
      giveBack.replied(Outcome.RELEASED, null);
    }

    @Test
    @DisplayName("a give-back that cannot reach the store is retried every second until the lock would have expired")
    void giveBackRetriedWhileUnavailable() {
      Future<LockGrant> tryOnce = lock("k", 0, null);
      store.next(Op.ACQUIRE, "k").unavailable();
      assertThat(error(tryOnce)).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);

      for (long elapsed = 0; elapsed + GrantReclaimer.RETRY_MS < TTL_MS; elapsed += GrantReclaimer.RETRY_MS) {
        store.next(Op.RELEASE, "k").unavailable();
        timers.advance(GrantReclaimer.RETRY_MS);
      }
      store.next(Op.RELEASE, "k").unavailable();
      timers.advance(GrantReclaimer.RETRY_MS);
      assertThat(store.untaken()).as("no retry past the lock's TTL").isZero();
    }

    @Test
    @DisplayName("waiters that make no store call hear of an outage through the probe")
    void probeFindsTheOutage() {
      queues = new WaitQueues(store, timers, PROBE_MS, () -> { });
      Future<LockGrant> head = waitingHead("k");
      Future<LockGrant> behind = lock("k");

      timers.advance(PROBE_MS);
      Call probe = store.next(Op.PROBE, "");
      timers.advance(PROBE_MS);
      assertThat(store.untaken()).as("one probe at a time").isZero();
      probe.unavailable();

      assertThat(error(head)).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
      assertThat(error(behind)).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
    }

    @Test
    @DisplayName("a probe that succeeds changes nothing; probing stops when nobody waits")
    void probeStopsWithTheLastWaiter() {
      queues = new WaitQueues(store, timers, PROBE_MS, () -> { });
      Future<LockGrant> waiter = lock("k", 600, null);
      store.next(Op.ACQUIRE, "k").held(TTL_MS);
      timers.advance(PROBE_MS);
      store.next(Op.PROBE, "").answered();
      assertThat(waiter.isComplete()).isFalse();
      timers.advance(PROBE_MS);
      store.next(Op.PROBE, "").answered();
      timers.advance(PROBE_MS);
      assertThat(error(waiter)).isEqualTo(ErrorCode.LOCK_HELD);
    }
  }

  @Nested
  @DisplayName("read-write: readers and writers in one FIFO per key")
  class ReadWrite {

    private Future<LockGrant> read(String key, long waitMs, String requestId) {
      return queues.lock(new LockCommand(key, TTL_MS, waitMs, LockMode.READ), requestId);
    }

    @Test
    @DisplayName("a reader granted at the head lets the readers right behind it try at once, one call at a time, up to the next writer")
    void readersBehindAReaderGetInAtOnce() {
      Future<LockGrant> first = read("k", 10_000, null);
      store.next(Op.ACQUIRE_READ, "k").held(TTL_MS);
      Future<LockGrant> second = read("k", 10_000, null);
      Future<LockGrant> writer = lock("k");
      Future<LockGrant> afterWriter = read("k", 10_000, null);
      assertThat(store.untaken()).isZero();

      queues.released("k");
      store.next(Op.ACQUIRE_READ, "k").granted(21);
      Call next = store.next(Op.ACQUIRE_READ, "k");
      assertThat(store.untaken()).as("one call in flight per key").isZero();
      next.granted(22);

      assertThat(first.result().fencingToken()).isEqualTo(21);
      assertThat(second.result().fencingToken()).isEqualTo(22);
      Call writerTry = store.next(Op.ACQUIRE, "k");
      assertThat(writerTry.waitLeftMs).as("the writer tries at once, to register behind the readers").isPositive();
      writerTry.heldByReaders(TTL_MS);
      assertThat(store.untaken()).as("the writer waits for a notice or the readers' TTL; the reader behind it waits too").isZero();
      assertThat(writer.isComplete()).isFalse();
      assertThat(afterWriter.isComplete()).isFalse();
      queues.stop();
    }

    @Test
    @DisplayName("an unlock hands over to a writer only: with a reader at the head it is a plain release, after which the reader tries at once")
    void noHandOverToAReader() {
      Future<LockGrant> reader = read("k", 10_000, null);
      store.next(Op.ACQUIRE_READ, "k").held(TTL_MS);

      Future<Released> unlocked = queues.unlock(new UnlockCommand("k", "holder"));
      store.next(Op.RELEASE, "k").replied(Outcome.RELEASED, null);
      assertThat(unlocked.succeeded()).isTrue();
      Call attempt = store.next(Op.ACQUIRE_READ, "k");
      queues.released("k");
      assertThat(store.untaken()).as("the notice, arriving during the attempt, costs no second call yet").isZero();
      attempt.granted(23);
      assertThat(reader.result().fencingToken()).isEqualTo(23);
    }

    @Test
    @DisplayName("a writer registered behind readers that is cancelled withdraws, so the readers it held back may go on")
    void cancelledWriterWithdraws() {
      Future<LockGrant> writer = lock("k", 10_000, "req-w");
      Call attempt = store.next(Op.ACQUIRE, "k");
      attempt.heldByReaders(TTL_MS);

      queues.cancel("req-w");
      assertThat(error(writer)).isEqualTo(ErrorCode.CANCELLED);
      Call withdraw = store.next(Op.WITHDRAW_WRITER, "k");
      assertThat(withdraw.lockKey).isEqualTo(attempt.lockKey);
      withdraw.answered();
    }

    @Test
    @DisplayName("a writer cancelled while the attempt that registers it is in flight withdraws when the reply comes")
    void cancelledWhileRegistering() {
      Future<LockGrant> writer = lock("k", 10_000, "req-w");
      Call attempt = store.next(Op.ACQUIRE, "k");
      queues.cancel("req-w");
      assertThat(error(writer)).isEqualTo(ErrorCode.CANCELLED);
      assertThat(store.untaken()).as("nothing registered yet: nothing to withdraw").isZero();

      attempt.heldByReaders(TTL_MS);
      Call withdraw = store.next(Op.WITHDRAW_WRITER, "k");
      assertThat(withdraw.lockKey).isEqualTo(attempt.lockKey);
      withdraw.answered();
    }

    @Test
    @DisplayName("a registered writer whose wait runs out withdraws; one that is granted does not (the grant removed it)")
    void deadlineWithdrawsGrantDoesNot() {
      Future<LockGrant> late = lock("late", 1000, null);
      store.next(Op.ACQUIRE, "late").heldByReaders(TTL_MS);
      timers.advance(1000);
      assertThat(error(late)).isEqualTo(ErrorCode.LOCK_HELD);
      store.next(Op.WITHDRAW_WRITER, "late").answered();

      Future<LockGrant> served = lock("served", 10_000, null);
      store.next(Op.ACQUIRE, "served").heldByReaders(TTL_MS);
      queues.released("served");
      store.next(Op.ACQUIRE, "served").granted(24);
      assertThat(served.result().fencingToken()).isEqualTo(24);
      assertThat(store.untaken()).isZero();
    }

    @Test
    @DisplayName("a reader queued behind a registered writer tries when the writer's withdrawal notice comes")
    void readerBehindAWithdrawnWriter() {
      Future<LockGrant> writer = lock("k", 3000, null);
      store.next(Op.ACQUIRE, "k").heldByReaders(TTL_MS);
      Future<LockGrant> reader = read("k", 20_000, null);
      assertThat(store.untaken()).isZero();

      timers.advance(3000);
      assertThat(error(writer)).isEqualTo(ErrorCode.LOCK_HELD);
      store.next(Op.WITHDRAW_WRITER, "k").answered();
      queues.released("k");
      store.next(Op.ACQUIRE_READ, "k").granted(28);
      assertThat(reader.result().fencingToken()).isEqualTo(28);
    }

    @Test
    @DisplayName("a read try-lock is one read attempt: refused is lock_held, nothing queues")
    void readTryOnce() {
      Future<LockGrant> refused = read("k", 0, null);
      store.next(Op.ACQUIRE_READ, "k").held(500);
      assertThat(error(refused)).isEqualTo(ErrorCode.LOCK_HELD);
      Future<LockGrant> granted = read("k", 0, null);
      store.next(Op.ACQUIRE_READ, "k").granted(25);
      assertThat(granted.result().fencingToken()).isEqualTo(25);
    }

    @Test
    @DisplayName("a reader cancelled while its read attempt is in flight: the read lock is given back, and the reader behind tries next")
    void cancelledReaderGivesBack() {
      Future<LockGrant> gone = read("k", 10_000, "req-r");
      store.next(Op.ACQUIRE_READ, "k").held(TTL_MS);
      Future<LockGrant> behind = read("k", 10_000, null);
      queues.released("k");
      Call attempt = store.next(Op.ACQUIRE_READ, "k");
      queues.cancel("req-r");
      attempt.granted(26);
      assertThat(error(gone)).isEqualTo(ErrorCode.CANCELLED);

      Call giveBack = store.next(Op.RELEASE, "k");
      assertThat(giveBack.lockKey).isEqualTo(attempt.lockKey);
      giveBack.replied(Outcome.RELEASED, null);
      store.next(Op.ACQUIRE_READ, "k").granted(27);
      assertThat(behind.result().fencingToken()).isEqualTo(27);
    }
  }

  @Test
  @DisplayName("tryLock (waitTimeout 0) tries once and never queues")
  void tryOnce() {
    Future<LockGrant> attempt = lock("k", 0, null);
    store.next(Op.ACQUIRE, "k").held(TTL_MS);
    assertThat(error(attempt)).isEqualTo(ErrorCode.LOCK_HELD);
    assertThat(queues.queuedKeys()).isZero();
  }

  @Test
  @DisplayName("shutdown answers every waiter 503 shutting_down and refuses new calls")
  void shutdown() {
    Future<LockGrant> head = waitingHead("k");
    Future<LockGrant> behind = lock("k");

    queues.stop();

    assertThat(error(head)).isEqualTo(ErrorCode.SHUTTING_DOWN);
    assertThat(error(behind)).isEqualTo(ErrorCode.SHUTTING_DOWN);
    assertThat(error(lock("k"))).isEqualTo(ErrorCode.SHUTTING_DOWN);
  }
}
