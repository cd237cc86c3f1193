package io.isp.lock.lock;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * Lock and unlock with blocking waits, on top of {@link LockStore}. Waiters queue per key in arrival
 * order; the head is retried when a release notice arrives, when the holder's TTL runs out, or — if
 * the unlock comes through this instance — gets the lock handed over inside the unlock script, with
 * no extra round trip. Runs on one event loop: no locking needed.
 */
final class LockService {

  /** Re-check period when the holder's key has no TTL (set by someone else): notices still wake us. */
  private static final long NO_TTL_RECHECK_MS = 1000;
  /** How often a grant of unknown fate is released again while Redis cannot be reached. */
  private static final long RECLAIM_RETRY_MS = 1000;

  private final Vertx vertx;
  private final LockStore store;
  private final LockTokens tokens = new LockTokens();
  private final Map<String, KeyQueue> queues = new HashMap<>();
  /** Waiters that may be cancelled, by request id. */
  private final Map<String, Waiter> cancellable = new HashMap<>();
  private final long probeTimer;
  private boolean probing;
  private boolean stopping;

  /**
   * {@code commandTimeoutMs} sets how often Redis is PINGed while calls wait here: a waiter whose
   * head makes no Redis call (it waits for a notice or the holder's TTL) still hears of an outage
   * within about the command timeout.
   */
  LockService(Vertx vertx, LockStore store, long commandTimeoutMs) {
    this.vertx = vertx;
    this.store = store;
    store.onOutage(this::outage);
    this.probeTimer = vertx.setPeriodic(Math.max(50, Math.min(250, commandTimeoutMs / 2)), id -> probe());
  }

  /** {@code requestId} (may be null) lets {@link #cancel} end this call's wait. */
  Future<LockGrant> lock(LockCommand command, String requestId) {
    if (stopping) {
      return Future.failedFuture(new LockException(ErrorCode.SHUTTING_DOWN, "the service is shutting down"));
    }
    String token = tokens.next();
    if (command.waitMs() == 0) {
      return store.tryAcquire(command.key(), token, command.ttlMs())
        .onFailure(error -> reclaim(command.key(), token, command.ttlMs()))
        .compose(attempt -> attempt.acquired()
          ? Future.succeededFuture(new LockGrant(command.key(), token, command.ttlMs(), attempt.fencingToken()))
          : Future.failedFuture(lockHeld(command)));
    }
    Waiter waiter = new Waiter(command, token, System.nanoTime());
    if (requestId != null) {
      cancellable.put(requestId, waiter);
      waiter.future().onComplete(done -> cancellable.remove(requestId, waiter));
    }
    KeyQueue queue = queues.computeIfAbsent(command.key(), KeyQueue::new);
    queue.waiters.addLast(waiter);
    if (queue.waiters.size() > 1 || queue.busy) {
      // the head already has its wake-up pending (a recheck timer, a release notice or a hand-over),
      // or a call for this key is in flight: trying again now would cost a Redis call per arrival
      // and could not succeed ahead of the head
      armDeadline(queue, waiter);
    } else {
      pump(queue);
    }
    return waiter.future();
  }

  Future<LockStore.OwnerReply> unlock(UnlockCommand command) {
    KeyQueue queue = queues.get(command.key());
    Waiter next = queue == null || queue.busy || !store.handsOver() ? null : queue.head();
    if (next == null) {
      return store.release(command.key(), command.lockKey());
    }
    queue.busy = true;
    return store.handOver(command.key(), command.lockKey(), next.token, next.command.ttlMs())
      .onComplete(outcome -> {
        queue.busy = false;
        LockStore.Outcome result = outcome.succeeded() ? outcome.result().outcome() : null;
        if (result == LockStore.Outcome.HANDED_OVER) {
          queue.waiters.remove(next);
          granted(queue, next, outcome.result().fencingToken());
        } else if (outcome.failed()) {
          // the script may still run in Redis and hand the lock to next's token
          reclaim(command.key(), next.token, next.command.ttlMs());
          pump(queue);
        } else if (queue.releasedMeanwhile || result == LockStore.Outcome.NOT_HELD) {
          pump(queue);
        }
      });
  }

  Future<LockStore.OwnerReply> extend(ExtendCommand command) {
    return store.extend(command.key(), command.lockKey(), command.ttlMs())
      .onSuccess(reply -> {
        KeyQueue queue = queues.get(command.key());
        if (reply.outcome() == LockStore.Outcome.EXTENDED && queue != null && !queue.busy) {
          // our waiters planned to look again at the old expiry
          scheduleRecheck(queue, command.ttlMs());
        }
      });
  }

  Future<LockStatus> status(String key) {
    return store.status(key);
  }

  /** Ends the wait of the request {@code requestId} if it waits here; a lock taken for it meanwhile is released. */
  void cancel(String requestId) {
    Waiter waiter = cancellable.remove(requestId);
    if (waiter != null) {
      giveUp(queues.get(waiter.command.key()), waiter,
        new LockException(ErrorCode.CANCELLED, "the client went away"));
    }
  }

  /** A release notice for {@code key}, from this or any other instance. */
  void released(String key) {
    KeyQueue queue = queues.get(key);
    if (queue == null) {
      return;
    }
    if (queue.busy) {
      queue.releasedMeanwhile = true;
    } else {
      pump(queue);
    }
  }

  /** Notices may have been missed while unsubscribed: let every head look again. */
  void recheckAll() {
    new ArrayList<>(queues.values()).forEach(this::pump);
  }

  /** Answers every waiter 503 and refuses new locks; used on shutdown. */
  void stop() {
    stopping = true;
    vertx.cancelTimer(probeTimer);
    failEveryWaiter(new LockException(ErrorCode.SHUTTING_DOWN, "the service is shutting down"));
  }

  /**
   * Redis did not answer a call in time, or cannot be reached: no waiter here can be granted until
   * it is back, so every one is answered now (503) instead of at its waitTimeout.
   */
  private void outage(LockException why) {
    failEveryWaiter(why);
  }

  private void failEveryWaiter(LockException why) {
    for (KeyQueue queue : queues.values()) {
      vertx.cancelTimer(queue.recheckTimer);
      for (Waiter waiter : queue.waiters) {
        vertx.cancelTimer(waiter.deadlineTimer);
        waiter.fail(why);
      }
      queue.waiters.clear();
    }
    queues.clear();
  }

  /** While calls wait, PING Redis (one at a time): its failure is reported as an outage. */
  private void probe() {
    if (probing || queues.isEmpty()) {
      return;
    }
    probing = true;
    store.probe().onComplete(done -> probing = false);
  }

  /**
   * A call that could have granted {@code token} the lock failed without saying whether it did
   * (Redis answered too late, or the connection dropped), and its caller has been answered: give
   * that grant back. The release is pipelined behind the call on the same connection, so it runs
   * after it; while Redis cannot be reached it is retried until the lock would have expired anyway.
   */
  private void reclaim(String key, String token, long ttlMs) {
    long deadline = System.nanoTime() + ttlMs * 1_000_000;
    store.release(key, token).onFailure(error -> {
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (!stopping && remainingMs > RECLAIM_RETRY_MS) {
        vertx.setTimer(RECLAIM_RETRY_MS, id -> reclaim(key, token, remainingMs - RECLAIM_RETRY_MS));
      }
    });
  }

  int waiting() {
    return queues.values().stream().mapToInt(queue -> queue.waiters.size()).sum();
  }

  private void pump(KeyQueue queue) {
    if (queue.busy) {
      return;
    }
    Waiter head = queue.head();
    if (head == null) {
      drop(queue);
      return;
    }
    vertx.cancelTimer(queue.recheckTimer);
    queue.busy = true;
    queue.releasedMeanwhile = false;
    store.tryAcquire(queue.key, head.token, head.command.ttlMs()).onComplete(outcome -> {
      queue.busy = false;
      if (outcome.failed()) {
        queue.waiters.remove(head);
        vertx.cancelTimer(head.deadlineTimer);
        head.fail(outcome.cause());
        reclaim(queue.key, head.token, head.command.ttlMs());
        pump(queue);
      } else if (outcome.result().acquired()) {
        queue.waiters.remove(head);
        granted(queue, head, outcome.result().fencingToken());
      } else if (queue.head() == null) {
        drop(queue);
      } else {
        armDeadline(queue, head);
        if (queue.releasedMeanwhile) {
          pump(queue);
        } else {
          long holderTtl = outcome.result().holderTtlMs();
          scheduleRecheck(queue, holderTtl > 0 ? holderTtl : NO_TTL_RECHECK_MS);
        }
      }
    });
  }

  /** {@code waiter} now holds the lock in Redis. */
  private void granted(KeyQueue queue, Waiter waiter, long fencingToken) {
    vertx.cancelTimer(waiter.deadlineTimer);
    if (!waiter.grant(fencingToken)) {
      // it gave up while the lock was being taken for it: give the lock straight back
      store.release(queue.key, waiter.token).onComplete(ignored -> pump(queue));
      return;
    }
    if (queue.head() == null) {
      drop(queue);
    } else {
      scheduleRecheck(queue, waiter.command.ttlMs());
    }
  }

  private void armDeadline(KeyQueue queue, Waiter waiter) {
    if (waiter.deadlineTimer >= 0) {
      return;
    }
    long remainingMs = Math.max(1, (waiter.deadlineNanos - System.nanoTime()) / 1_000_000);
    waiter.deadlineTimer = vertx.setTimer(remainingMs, id -> giveUp(queue, waiter, lockHeld(waiter.command)));
  }

  /**
   * Answers a waiter that stops waiting. If an attempt for it is in flight, the attempt's
   * completion sees it settled and gives back any lock it took.
   */
  private void giveUp(KeyQueue queue, Waiter waiter, LockException why) {
    vertx.cancelTimer(waiter.deadlineTimer);
    waiter.fail(why);
    if (queue != null) {
      queue.waiters.remove(waiter);
      if (!queue.busy && queue.head() == null) {
        drop(queue);
      }
    }
  }

  private void scheduleRecheck(KeyQueue queue, long delayMs) {
    vertx.cancelTimer(queue.recheckTimer);
    queue.recheckTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
      queue.recheckTimer = -1;
      pump(queue);
    });
  }

  private void drop(KeyQueue queue) {
    vertx.cancelTimer(queue.recheckTimer);
    queues.remove(queue.key, queue);
  }

  private static LockException lockHeld(LockCommand command) {
    return new LockException(ErrorCode.LOCK_HELD, "'" + command.key() + "' is held by another owner"
      + (command.waitMs() > 0 ? " after waiting " + command.waitMs() / 1000.0 + " s" : ""));
  }
}
