package io.isp.lock.engine;

import io.isp.lock.api.LockException;
import io.isp.lock.api.MultiExtendCommand;
import io.isp.lock.api.MultiLockCommand;
import io.isp.lock.api.MultiLockGrant;
import io.isp.lock.api.MultiUnlockCommand;
import io.isp.lock.api.Released;
import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.metrics.Primitive;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Locks on several keys, with blocking waits, on top of a {@link MultiLockStore}; the one place that
 * decides their outcomes. A waiter never holds some keys while it waits for others: each attempt
 * takes the whole set or nothing, so waiters cannot deadlock. A waiter tries at arrival; then again
 * when a release notice for any of its keys arrives, when the longest remaining TTL it was told runs
 * out, or at once if a notice came while its attempt was in flight; it gives up at its deadline.
 *
 * <p>Order: on a notice for a key, the waiters on that key try in arrival order, each with at most
 * one attempt in flight; the attempts go out in that order on one connection (one slot, in a
 * cluster), so Redis runs them in that order and an earlier waiter takes what it can first. Single-key
 * waiters ({@link WaitQueues}) are not ordered against these: either may take a key first, and a
 * single-key unlock hands its key to its own queue's next waiter before a waiter here sees it. No
 * hand-over inside a multi-key unlock: its notices wake the waiters. Runs on one event loop.
 */
final class MultiKeyWaits {

  private final MultiLockStore store;
  private final Timers timers;
  private final LockKeyGenerator lockKeys = new LockKeyGenerator();
  private final GrantReclaimer<List<String>> reclaimer;
  /** Told whenever a call starts waiting (the waiter counts and, in a cluster, the subscribed slots). */
  private final Runnable waitingChanged;
  private final OutageWatch outages;
  private final LockMetrics metrics;
  private final HoldTimes holds;
  /** Every waiter, in arrival order. */
  private final Set<MultiWaiter> waiters = new LinkedHashSet<>();
  /** The waiters on each key, in arrival order. */
  private final Map<String, Set<MultiWaiter>> byKey = new HashMap<>();
  /** Waiters that may be cancelled, by request id. */
  private final Map<String, MultiWaiter> cancellable = new HashMap<>();
  private boolean stopping;

  MultiKeyWaits(MultiLockStore store, Timers timers, long probePeriodMs, Runnable waitingChanged) {
    this(store, timers, probePeriodMs, waitingChanged, LockMetrics.NONE);
  }

  /** {@code metrics}: waits, waiters and hold times, under {@link Primitive#MULTI_LOCK}. */
  MultiKeyWaits(MultiLockStore store, Timers timers, long probePeriodMs, Runnable waitingChanged, LockMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
    this.holds = new HoldTimes(metrics, timers);
    this.timers = timers;
    this.reclaimer = new GrantReclaimer<>(store::releaseAll, timers);
    this.outages = new OutageWatch(store::probe, timers, probePeriodMs, () -> !waiters.isEmpty(), this::failEveryWaiter);
    this.waitingChanged = waitingChanged;
  }

  /** {@code requestId} (may be null) lets {@link #cancel} end this call's wait. */
  Future<MultiLockGrant> lock(MultiLockCommand command, String requestId) {
    return holds.measured(Primitive.MULTI_LOCK, command.ttlMs(), () -> acquire(command, requestId), MultiLockGrant::lockKey);
  }

  private Future<MultiLockGrant> acquire(MultiLockCommand command, String requestId) {
    if (stopping) {
      return Future.failedFuture(Outcomes.shuttingDown());
    }
    store.checkOneStep(command.keys());
    String lockKey = lockKeys.next();
    if (command.waitMs() == 0) {
      return outages.watched(store.tryAcquireAll(command.keys(), lockKey, command.ttlMs()))
        .onFailure(error -> reclaimer.reclaim(command.keys(), lockKey, command.ttlMs()))
        .compose(attempt -> attempt.acquired()
          ? Future.succeededFuture(new MultiLockGrant(command.keys(), lockKey, command.ttlMs(), attempt.fencingToken()))
          : Future.failedFuture(Outcomes.lockHeld(command)));
    }
    MultiWaiter waiter = new MultiWaiter(command, lockKey, timers);
    metrics.waiters(Primitive.MULTI_LOCK, 1);
    waiter.future().onComplete(done -> metrics.waiters(Primitive.MULTI_LOCK, -1));
    if (requestId != null) {
      cancellable.put(requestId, waiter);
      waiter.future().onComplete(done -> cancellable.remove(requestId, waiter));
    }
    waiters.add(waiter);
    command.keys().forEach(key -> byKey.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(waiter));
    attempt(waiter);
    outages.arm();
    waitingChanged.run();
    return waiter.future();
  }

  /** Frees every key of the set the lockKey holds; the notices it sends wake the waiters, here and elsewhere. */
  Future<Released> unlock(MultiUnlockCommand command) {
    store.checkOneStep(command.keys());
    return outages.watched(store.releaseAll(command.keys(), command.lockKey())).compose(reply -> {
      if (reply.outcome() != LockStore.Outcome.RELEASED) {
        return Future.failedFuture(Outcomes.refusal(command.keys(), reply.outcome(), false));
      }
      holds.released(command.lockKey());
      return Future.succeededFuture(Released.INSTANCE);
    });
  }

  Future<MultiLockGrant> extend(MultiExtendCommand command) {
    store.checkOneStep(command.keys());
    return outages.watched(store.extendAll(command.keys(), command.lockKey(), command.ttlMs())).compose(reply -> {
      if (reply.outcome() != LockStore.Outcome.EXTENDED) {
        return Future.failedFuture(Outcomes.refusal(command.keys(), reply.outcome(), true));
      }
      holds.extended(command.lockKey(), command.ttlMs());
      return Future.succeededFuture(new MultiLockGrant(command.keys(), command.lockKey(), command.ttlMs(), reply.fencingToken()));
    });
  }

  /** Ends the wait of the request {@code requestId} if it waits here; a set taken for it meanwhile is given back. */
  void cancel(String requestId) {
    MultiWaiter waiter = cancellable.remove(requestId);
    if (waiter != null) {
      giveUp(waiter, Outcomes.cancelled());
    }
  }

  /** A release notice for {@code key}: its waiters try, in arrival order. */
  void released(String key) {
    Set<MultiWaiter> onKey = byKey.get(key);
    if (onKey != null) {
      List.copyOf(onKey).forEach(this::wake);
    }
  }

  /** Notices for some keys may have been missed (their channel was only now subscribed): those waiters look again. */
  void recheck(Predicate<String> keys) {
    List.copyOf(waiters).stream().filter(waiter -> waiter.keys().stream().anyMatch(keys)).forEach(this::wake);
  }

  /** Answers every waiter 503 and refuses new locks; used on shutdown. */
  void stop() {
    stopping = true;
    outages.stop();
    reclaimer.stop();
    failEveryWaiter(Outcomes.shuttingDown());
  }

  /** Calls blocked here now. */
  int waiting() {
    return waiters.size();
  }

  /** Calls blocked here now, per key (a call counts on each of its keys). */
  Map<String, Integer> waitingByKey() {
    Map<String, Integer> counts = new HashMap<>();
    byKey.forEach((key, onKey) -> counts.put(key, onKey.size()));
    return counts;
  }

  private void wake(MultiWaiter waiter) {
    if (waiter.attempting()) {
      waiter.noticeMeanwhile();
    } else if (!waiter.settled()) {
      attempt(waiter);
    }
  }

  private void attempt(MultiWaiter waiter) {
    waiter.beginAttempt();
    outages.watched(store.tryAcquireAll(waiter.keys(), waiter.lockKey(), waiter.ttlMs())).onComplete(outcome -> {
      waiter.endAttempt();
      if (outcome.failed()) {
        leave(waiter);
        waiter.fail(outcome.cause());
        // the call may still have run in the store and taken the set
        reclaimer.reclaim(waiter.keys(), waiter.lockKey(), waiter.ttlMs());
      } else if (outcome.result().acquired()) {
        leave(waiter);
        if (!waiter.grant(outcome.result().fencingToken())) {
          // it gave up while the set was being taken for it: give the set straight back
          reclaimer.reclaim(waiter.keys(), waiter.lockKey(), waiter.ttlMs());
        }
      } else if (!waiter.settled()) {
        waiter.armDeadline(() -> giveUp(waiter, Outcomes.lockHeld(waiter.command())));
        if (waiter.releasedMeanwhile()) {
          attempt(waiter);
        } else {
          long holderTtl = outcome.result().holderTtlMs();
          waiter.recheckIn(holderTtl > 0 ? holderTtl : WaitQueues.NO_TTL_RECHECK_MS, () -> attempt(waiter));
        }
      }
    });
  }

  /** Answers a waiter that stops waiting; an attempt in flight for it then finds it answered and gives back what it took. */
  private void giveUp(MultiWaiter waiter, LockException why) {
    waiter.fail(why);
    leave(waiter);
  }

  private void leave(MultiWaiter waiter) {
    if (waiters.remove(waiter)) {
      for (String key : waiter.keys()) {
        Set<MultiWaiter> onKey = byKey.get(key);
        if (onKey != null && onKey.remove(waiter) && onKey.isEmpty()) {
          byKey.remove(key);
        }
      }
    }
  }

  private void failEveryWaiter(LockException why) {
    List.copyOf(waiters).forEach(waiter -> giveUp(waiter, why));
  }
}
