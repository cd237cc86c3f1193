package io.isp.lock.engine;

import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockGrant;
import io.isp.lock.api.PermitGrant;
import io.isp.lock.api.Released;
import io.isp.lock.api.SemaphoreCommand;
import io.isp.lock.api.SemaphoreStatus;
import io.isp.lock.api.StatusQuery;
import io.isp.lock.api.UnlockCommand;
import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.metrics.Primitive;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The semaphore operations with blocking waits, on top of a {@link SemaphoreStore}: the semaphore
 * twin of {@link WaitQueues}, on the same {@link KeyQueue}s. Waiters queue per semaphore key in
 * arrival order and only the head asks the store, so one release (its notice) lets one waiter in. The
 * head tries again when a release notice for the key arrives, when the earliest permit expires (the
 * store says when: an expiry sends no notice), and right after a grant (more permits may be free).
 * A permit taken for a waiter that gave up meanwhile is given back. Runs on one event loop.
 */
final class SemaphoreQueues {

  private final SemaphoreStore store;
  private final Timers timers;
  private final LockKeyGenerator lockKeys = new LockKeyGenerator();
  /** Told whenever a call starts waiting (waiter counts, the cluster's notice subscriptions). */
  private final Runnable waitingChanged;
  private final KeyQueues<PermitWaiter> queues;
  /** Waiters that may be cancelled, by request id. */
  private final Map<String, PermitWaiter> cancellable = new HashMap<>();
  private final OutageWatch outages;
  private final LockMetrics metrics;
  private final HoldTimes holds;
  private boolean stopping;

  /** While calls wait, the store is probed every {@code probePeriodMs}, as {@link WaitQueues} does. */
  SemaphoreQueues(SemaphoreStore store, Timers timers, long probePeriodMs, Runnable waitingChanged) {
    this(store, timers, probePeriodMs, waitingChanged, LockMetrics.NONE);
  }

  /** {@code metrics}: waits, hold times, waiters and hand-overs, under {@link Primitive#SEMAPHORE}. */
  SemaphoreQueues(SemaphoreStore store, Timers timers, long probePeriodMs, Runnable waitingChanged, LockMetrics metrics) {
    this.store = store;
    this.timers = timers;
    this.queues = new KeyQueues<>(timers);
    this.outages = new OutageWatch(store::probe, timers, probePeriodMs, () -> !queues.isEmpty(), queues::failAll);
    this.waitingChanged = waitingChanged;
    this.metrics = metrics;
    this.holds = new HoldTimes(metrics, timers);
  }

  /** {@code requestId} (may be null) lets {@link #cancel} end this call's wait. */
  Future<PermitGrant> acquire(SemaphoreCommand command, String requestId) {
    return holds.measured(Primitive.SEMAPHORE, command.ttlMs(), () -> take(command, requestId), PermitGrant::lockKey);
  }

  private Future<PermitGrant> take(SemaphoreCommand command, String requestId) {
    if (stopping) {
      return Future.failedFuture(Outcomes.shuttingDown());
    }
    String lockKey = lockKeys.next();
    if (command.waitMs() == 0) {
      return outages.watched(store.tryAcquirePermit(command.key(), lockKey, command.permits(), command.ttlMs()))
        .onFailure(error -> giveBack(command.key(), lockKey))
        .compose(attempt -> switch (attempt.kind()) {
          case TAKEN -> Future.succeededFuture(
            new PermitGrant(command.key(), lockKey, command.ttlMs(), attempt.fencingToken(), attempt.holders()));
          case FULL -> Future.failedFuture(Outcomes.permitsHeld(command));
          case MISMATCH -> Future.failedFuture(Outcomes.permitsMismatch(command, attempt.heldPermits()));
        });
    }
    PermitWaiter waiter = new PermitWaiter(command, lockKey, timers);
    metrics.waiters(Primitive.SEMAPHORE, 1);
    waiter.future().onComplete(done -> metrics.waiters(Primitive.SEMAPHORE, -1));
    if (requestId != null) {
      cancellable.put(requestId, waiter);
      waiter.future().onComplete(done -> cancellable.remove(requestId, waiter));
    }
    KeyQueue<PermitWaiter> queue = queues.of(command.key());
    queue.add(waiter);
    if (queue.size() > 1 || queue.busy()) {
      // the head has its wake-up pending, or a call for this key is in flight: see WaitQueues#lock
      waiter.armDeadline(() -> queues.giveUp(queue, waiter, Outcomes.permitsHeld(command)));
    } else {
      pump(queue);
    }
    outages.arm();
    waitingChanged.run();
    return waiter.future();
  }

  /**
   * Gives a permit back, handing it to this instance's next waiter in the same store call when there
   * is one (as {@link WaitQueues#unlock}); otherwise the store's notice wakes the waiters, here and
   * on every other instance.
   */
  Future<Released> release(UnlockCommand command) {
    KeyQueue<PermitWaiter> queue = queues.get(command.key());
    PermitWaiter next = queue == null || queue.busy() || !store.handsOver() ? null : queue.head();
    if (next == null) {
      return outages.watched(store.releasePermit(command.key(), command.lockKey()))
        .compose(reply -> released(command.key(), command.lockKey(), reply));
    }
    SemaphoreCommand wanted = next.command();
    queue.beginCall();
    return outages.watched(store.handOverPermit(command.key(), command.lockKey(), next.lockKey(), wanted.permits(), wanted.ttlMs()))
      .onComplete(outcome -> {
        queue.endCall();
        LockStore.Outcome result = outcome.succeeded() ? outcome.result().outcome() : null;
        if (result == LockStore.Outcome.HANDED_OVER) {
          metrics.handoff(Primitive.SEMAPHORE);
          queue.remove(next);
          if (!next.grant(outcome.result().fencingToken(), outcome.result().holders())) {
            // it gave up while the permit was being handed to it
            giveBack(command.key(), next.lockKey());
          }
          if (queue.releasedMeanwhile()) {
            pump(queue);
          } else if (queue.idle()) {
            queues.drop(queue);
          }
        } else if (outcome.failed()) {
          // the call may still run in the store and hand the permit to next, whose caller has been answered
          giveBack(command.key(), next.lockKey());
          pump(queue);
        } else if (queue.releasedMeanwhile() || result == LockStore.Outcome.RELEASED) {
          // released without a hand-over (the sizes differ): the head tries like any waiter
          pump(queue);
        } else if (queue.idle()) {
          queues.drop(queue);
        }
      })
      .compose(reply -> released(command.key(), command.lockKey(), reply));
  }

  private Future<Released> released(String key, String lockKey, SemaphoreStore.Release reply) {
    return switch (reply.outcome()) {
      case RELEASED, HANDED_OVER -> {
        holds.released(lockKey);
        yield Future.succeededFuture(Released.INSTANCE);
      }
      default -> Future.failedFuture(reply.outcome() == LockStore.Outcome.NOT_HELD
        ? Outcomes.noPermitHeld(key) : Outcomes.notPermitOwner(key));
    };
  }

  Future<LockGrant> extend(ExtendCommand command) {
    return outages.watched(store.extendPermit(command.key(), command.lockKey(), command.ttlMs())).compose(reply -> {
      if (reply.outcome() != LockStore.Outcome.EXTENDED) {
        return Future.failedFuture(refusal(command.key(), reply));
      }
      holds.extended(command.lockKey(), command.ttlMs());
      return Future.succeededFuture(new LockGrant(command.key(), command.lockKey(), command.ttlMs(), reply.fencingToken()));
    });
  }

  Future<SemaphoreStatus> status(StatusQuery query) {
    return outages.watched(store.semaphoreStatus(query.key()));
  }

  /** Ends the wait of the request {@code requestId} if it waits here; a permit taken for it meanwhile is given back. */
  void cancel(String requestId) {
    PermitWaiter waiter = cancellable.remove(requestId);
    if (waiter != null) {
      queues.giveUp(queues.get(waiter.command().key()), waiter, Outcomes.cancelled());
    }
  }

  /** A release notice for {@code key} (a lock's or a semaphore's: a needless look costs one call). */
  void released(String key) {
    KeyQueue<PermitWaiter> queue = queues.get(key);
    if (queue != null && queue.noticeRelease()) {
      pump(queue);
    }
  }

  /** Notices may have been missed: let the heads of the keys {@code keys} accepts look again. */
  void recheck(Predicate<String> keys) {
    queues.matching(keys).forEach(this::pump);
  }

  /** Answers every waiter 503 and refuses new acquires; used on shutdown. */
  void stop() {
    stopping = true;
    outages.stop();
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

  private void pump(KeyQueue<PermitWaiter> queue) {
    if (queue.busy()) {
      return;
    }
    PermitWaiter head = queue.head();
    if (head == null) {
      queues.drop(queue);
      return;
    }
    SemaphoreCommand command = head.command();
    queue.cancelRecheck();
    queue.beginCall();
    outages.watched(store.tryAcquirePermit(queue.key(), head.lockKey(), command.permits(), command.ttlMs())).onComplete(outcome -> {
      queue.endCall();
      if (outcome.failed()) {
        queue.remove(head);
        head.fail(outcome.cause());
        giveBack(queue.key(), head.lockKey());
        pump(queue);
        return;
      }
      SemaphoreStore.PermitAttempt attempt = outcome.result();
      switch (attempt.kind()) {
        case TAKEN -> {
          queue.remove(head);
          if (!head.grant(attempt.fencingToken(), attempt.holders())) {
            // it gave up while the permit was being taken for it
            giveBack(queue.key(), head.lockKey());
          }
          // another permit may be free: the next head asks at once (a full semaphore says until when)
          pump(queue);
        }
        case MISMATCH -> {
          queue.remove(head);
          head.fail(Outcomes.permitsMismatch(command, attempt.heldPermits()));
          pump(queue);
        }
        case FULL -> {
          if (queue.head() == null) {
            queues.drop(queue);
          } else {
            head.armDeadline(() -> queues.giveUp(queue, head, Outcomes.permitsHeld(command)));
            if (queue.releasedMeanwhile()) {
              pump(queue);
            } else {
              queue.recheckIn(attempt.retryMs(), () -> pump(queue));
            }
          }
        }
      }
    });
  }

  /**
   * Releases a permit nobody will be told of (best effort, once: it expires at its TTL anyway). Sent
   * right after the call that may have taken it, on the same connection, so it runs after it.
   */
  private void giveBack(String key, String lockKey) {
    store.releasePermit(key, lockKey);
  }

  private static LockException refusal(String key, LockStore.OwnerReply reply) {
    return reply.outcome() == LockStore.Outcome.NOT_HELD ? Outcomes.noPermitHeld(key) : Outcomes.notPermitOwner(key);
  }
}
