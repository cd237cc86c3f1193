package io.isp.lock.engine;

import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockGrant;
import io.isp.lock.api.LockStatus;
import io.isp.lock.api.Released;
import io.isp.lock.api.StatusQuery;
import io.isp.lock.api.UnlockCommand;
import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.metrics.Primitive;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The lock operations with blocking waits, on top of a {@link LockStore}, and the one place that
 * decides their outcomes. Waiters queue per key in arrival order; the head is retried when a release
 * notice arrives, when the holder's TTL runs out, or, if the unlock comes through this instance,
 * gets the lock handed over inside the unlock's own store call. When the store is unavailable every
 * waiter is answered at once. Runs on one event loop (or one test thread): no locking needed.
 */
final class WaitQueues {

  /** Re-check period when the holder's key has no TTL (set by someone else): notices still wake us. */
  static final long NO_TTL_RECHECK_MS = 1000;

  private final LockStore store;
  private final Timers timers;
  private final LockKeyGenerator lockKeys = new LockKeyGenerator();
  private final GrantReclaimer<String> reclaimer;
  /** Told whenever a call starts waiting (see {@link WaiterCounts}). */
  private final Runnable waitingChanged;
  private final LockMetrics metrics;
  private final HoldTimes holds;
  private final KeyQueues<Waiter> queues;
  /** Waiters that may be cancelled, by request id. */
  private final Map<String, Waiter> cancellable = new HashMap<>();
  private final OutageWatch outages;
  private boolean stopping;

  /**
   * While calls wait, the store is probed every {@code probePeriodMs}: a waiter whose head makes no
   * call (it waits for a notice or for the holder's TTL) still hears of an outage.
   */
  WaitQueues(LockStore store, Timers timers, long probePeriodMs, Runnable waitingChanged) {
    this(store, timers, probePeriodMs, waitingChanged, LockMetrics.NONE);
  }

  /** {@code metrics}: waits, hold times, waiters and hand-overs are recorded here, where they are decided. */
  WaitQueues(LockStore store, Timers timers, long probePeriodMs, Runnable waitingChanged, LockMetrics metrics) {
    this.store = store;
    this.timers = timers;
    this.reclaimer = new GrantReclaimer<>(store::release, timers);
    this.queues = new KeyQueues<>(timers);
    this.outages = new OutageWatch(store::probe, timers, probePeriodMs, () -> !queues.isEmpty(), queues::failAll);
    this.waitingChanged = waitingChanged;
    this.metrics = metrics;
    this.holds = new HoldTimes(metrics, timers);
  }

  /** {@code requestId} (may be null) lets {@link #cancel} end this call's wait. */
  Future<LockGrant> lock(LockCommand command, String requestId) {
    return holds.measured(primitiveOf(command), command.ttlMs(), () -> acquire(command, requestId), LockGrant::lockKey);
  }

  private Future<LockGrant> acquire(LockCommand command, String requestId) {
    if (stopping) {
      return Future.failedFuture(Outcomes.shuttingDown());
    }
    String lockKey = lockKeys.next();
    if (command.waitMs() == 0) {
      Future<LockStore.Attempt> once = command.read()
        ? store.tryAcquireRead(command.key(), lockKey, command.ttlMs())
        : store.tryAcquire(command.key(), lockKey, command.ttlMs());
      return outages.watched(once)
        .onFailure(error -> reclaimer.reclaim(command.key(), lockKey, command.ttlMs()))
        .compose(attempt -> attempt.acquired()
          ? Future.succeededFuture(new LockGrant(command.key(), lockKey, command.ttlMs(), attempt.fencingToken()))
          : Future.failedFuture(Outcomes.lockHeld(command)));
    }
    Waiter waiter = new Waiter(command, lockKey, timers);
    Primitive primitive = primitiveOf(command);
    metrics.waiters(primitive, 1);
    waiter.future().onComplete(done -> metrics.waiters(primitive, -1));
    if (requestId != null) {
      cancellable.put(requestId, waiter);
      waiter.future().onComplete(done -> cancellable.remove(requestId, waiter));
    }
    KeyQueue<Waiter> queue = queues.of(command.key());
    queue.add(waiter);
    if (queue.size() > 1 || queue.busy()) {
      // the head already has its wake-up pending (a recheck timer, a release notice or a hand-over),
      // or a call for this key is in flight: trying now would cost a store call per arrival and
      // could not succeed ahead of the head
      waiter.armDeadline(() -> giveUp(queue, waiter, Outcomes.lockHeld(command)));
    } else {
      pump(queue);
    }
    outages.arm();
    waitingChanged.run();
    return waiter.future();
  }

  /** What {@code command} takes, in metrics: a read lock or a lock (a write lock is the mutex). */
  static Primitive primitiveOf(LockCommand command) {
    return command.read() ? Primitive.READ_LOCK : Primitive.LOCK;
  }

  /** Releases the lock, handing it to this instance's next waiter in the same store call when there is one. */
  Future<Released> unlock(UnlockCommand command) {
    KeyQueue<Waiter> queue = queues.get(command.key());
    Waiter head = queue == null || queue.busy() ? null : queue.head();
    // the lock is handed to a writer only
    Waiter next = head == null || head.reads() || !store.handsOver() ? null : head;
    if (next == null) {
      Future<LockStore.OwnerReply> release = outages.watched(store.release(command.key(), command.lockKey()));
      if (head != null && head.reads()) {
        // a reader next in line tries as soon as the release is done, not when its notice comes back
        release.onSuccess(reply -> {
          if (reply.outcome() == LockStore.Outcome.RELEASED && queues.get(command.key()) == queue) {
            pump(queue);
          }
        });
      }
      return release.compose(reply -> released(command.key(), command.lockKey(), reply));
    }
    queue.beginCall();
    return outages.watched(store.handOver(command.key(), command.lockKey(), next.lockKey(), next.ttlMs()))
      .onComplete(outcome -> {
        queue.endCall();
        LockStore.Outcome result = outcome.succeeded() ? outcome.result().outcome() : null;
        if (result == LockStore.Outcome.HANDED_OVER) {
          metrics.handoff(Primitive.LOCK);
          queue.remove(next);
          granted(queue, next, outcome.result().fencingToken());
        } else if (outcome.failed()) {
          // the call may still run in the store and hand the lock to next, whose caller has been answered
          reclaimer.reclaim(command.key(), next.lockKey(), next.ttlMs());
          pump(queue);
        } else if (queue.releasedMeanwhile() || result == LockStore.Outcome.NOT_HELD) {
          pump(queue);
        } else if (queue.idle()) {
          // refused (not the owner) after the waiter it was meant for gave up: nobody is left to wake
          queues.drop(queue);
        }
      })
      .compose(reply -> released(command.key(), command.lockKey(), reply));
  }

  Future<LockGrant> extend(ExtendCommand command) {
    return outages.watched(store.extend(command.key(), command.lockKey(), command.ttlMs())).compose(reply -> {
      if (reply.outcome() != LockStore.Outcome.EXTENDED) {
        return Future.failedFuture(refusal(command.key(), reply));
      }
      holds.extended(command.lockKey(), command.ttlMs());
      KeyQueue<Waiter> queue = queues.get(command.key());
      if (queue != null && !queue.busy()) {
        // our waiters planned to look again at the old expiry
        queue.recheckIn(command.ttlMs(), () -> pump(queue));
      }
      return Future.succeededFuture(new LockGrant(command.key(), command.lockKey(), command.ttlMs(), reply.fencingToken()));
    });
  }

  Future<LockStatus> status(StatusQuery query) {
    return outages.watched(store.status(query.key()));
  }

  /** Ends the wait of the request {@code requestId} if it waits here; a lock taken for it meanwhile is given back. */
  void cancel(String requestId) {
    Waiter waiter = cancellable.remove(requestId);
    if (waiter != null) {
      giveUp(queues.get(waiter.key()), waiter, Outcomes.cancelled());
    }
  }

  /** A release notice for {@code key}, from this or any other instance. */
  void released(String key) {
    KeyQueue<Waiter> queue = queues.get(key);
    if (queue != null && queue.noticeRelease()) {
      pump(queue);
    }
  }

  /** Notices may have been missed (while unsubscribed): let every head look again. */
  void recheckAll() {
    queues.matching(key -> true).forEach(this::pump);
  }

  /** Notices for some keys may have been missed (their channel was only now subscribed): let those heads look again. */
  void recheck(Predicate<String> keys) {
    queues.matching(keys).forEach(this::pump);
  }

  /** Answers every waiter 503 and refuses new locks; used on shutdown. */
  void stop() {
    stopping = true;
    outages.stop();
    reclaimer.stop();
    queues.failAll(Outcomes.shuttingDown());
  }

  /** Calls blocked here now. */
  int waiting() {
    return queues.waiting();
  }

  /** Calls blocked here now, per key. */
  Map<String, Integer> waitingByKey() {
    return queues.waitingByKey();
  }

  /** Keys with a queue (for tests: none once every waiter is answered). */
  int queuedKeys() {
    return queues.size();
  }

  private void pump(KeyQueue<Waiter> queue) {
    if (queue.busy()) {
      return;
    }
    Waiter head = queue.head();
    if (head == null) {
      queues.drop(queue);
      return;
    }
    queue.cancelRecheck();
    queue.beginCall();
    Future<LockStore.Attempt> attempt = head.reads()
      ? store.tryAcquireRead(queue.key(), head.lockKey(), head.ttlMs())
      : store.tryAcquireQueued(queue.key(), head.lockKey(), head.ttlMs(), head.waitLeftMs());
    outages.watched(attempt).onComplete(outcome -> {
      queue.endCall();
      if (outcome.failed()) {
        queue.remove(head);
        head.fail(outcome.cause());
        // a writer the lost call may have registered behind readers stays registered until its deadline
        reclaimer.reclaim(queue.key(), head.lockKey(), head.ttlMs());
        pump(queue);
      } else if (outcome.result().acquired()) {
        queue.remove(head);
        granted(queue, head, outcome.result().fencingToken());
      } else {
        refused(queue, head, outcome.result());
      }
    });
  }

  /** The head's attempt was refused: it waits on (if it still does) for a notice or the recheck. */
  private void refused(KeyQueue<Waiter> queue, Waiter head, LockStore.Attempt attempt) {
    if (attempt.queuedBehindReaders()) {
      head.queuedBehindReaders();
      if (head.settled()) {
        // it gave up while the call registered it: the readers it holds back must not wait for its deadline
        withdraw(head);
      }
    }
    if (queue.head() == null) {
      queues.drop(queue);
      return;
    }
    head.armDeadline(() -> giveUp(queue, head, Outcomes.lockHeld(head.command())));
    if (queue.releasedMeanwhile()) {
      pump(queue);
    } else {
      long holderTtl = attempt.holderTtlMs();
      queue.recheckIn(holderTtl > 0 ? holderTtl : NO_TTL_RECHECK_MS, () -> pump(queue));
    }
  }

  /** A writer registered behind readers leaves without the lock; if this fails, its registration ends at its deadline. */
  private void withdraw(Waiter writer) {
    store.withdrawWriter(writer.key(), writer.lockKey());
  }

  /** {@code waiter} now holds the lock in the store. */
  private void granted(KeyQueue<Waiter> queue, Waiter waiter, long fencingToken) {
    if (!waiter.grant(fencingToken)) {
      // it gave up while the lock was being taken for it: give the lock straight back
      reclaimer.reclaim(queue.key(), waiter.lockKey(), waiter.ttlMs()).onComplete(ignored -> pump(queue));
    } else if (queue.head() == null) {
      queues.drop(queue);
    } else if (waiter.reads()) {
      // readers share the lock: a reader next in line may get in beside this one at once; a writer
      // tries at once too, so that it registers behind the readers before more of them (from any
      // instance) get in
      pump(queue);
    } else {
      queue.recheckIn(waiter.ttlMs(), () -> pump(queue));
    }
  }

  /**
   * Answers a waiter that stops waiting. If a call for it is in flight, that call's completion sees
   * it settled and gives back any lock it took.
   */
  private void giveUp(KeyQueue<Waiter> queue, Waiter waiter, LockException why) {
    boolean wasWaiting = !waiter.settled();
    queues.giveUp(queue, waiter, why);
    if (wasWaiting && waiter.mayHoldBackReaders()) {
      withdraw(waiter);
    }
  }

  private Future<Released> released(String key, String lockKey, LockStore.OwnerReply reply) {
    if (reply.outcome() == LockStore.Outcome.NOT_HELD || reply.outcome() == LockStore.Outcome.NOT_OWNER) {
      return Future.failedFuture(refusal(key, reply));
    }
    holds.released(lockKey);
    return Future.succeededFuture(Released.INSTANCE);
  }

  private static LockException refusal(String key, LockStore.OwnerReply reply) {
    return reply.outcome() == LockStore.Outcome.NOT_HELD ? Outcomes.notHeld(key) : Outcomes.notOwner(key);
  }
}
