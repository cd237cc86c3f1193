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

  private final Vertx vertx;
  private final LockStore store;
  private final LockTokens tokens = new LockTokens();
  private final Map<String, KeyQueue> queues = new HashMap<>();
  private boolean stopping;

  LockService(Vertx vertx, LockStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  Future<LockGrant> lock(LockCommand command) {
    if (stopping) {
      return Future.failedFuture(new LockException(ErrorCode.SHUTTING_DOWN, "the service is shutting down"));
    }
    String token = tokens.next();
    if (command.waitMs() == 0) {
      return store.tryAcquire(command.key(), token, command.ttlMs())
        .compose(attempt -> attempt.acquired()
          ? Future.succeededFuture(new LockGrant(command.key(), token, command.ttlMs()))
          : Future.failedFuture(lockHeld(command)));
    }
    Waiter waiter = new Waiter(command, token, System.nanoTime());
    KeyQueue queue = queues.computeIfAbsent(command.key(), KeyQueue::new);
    queue.waiters.addLast(waiter);
    if (queue.busy || queue.waiters.size() > 1) {
      armDeadline(queue, waiter);
    }
    pump(queue);
    return waiter.future();
  }

  Future<LockStore.Release> unlock(UnlockCommand command) {
    KeyQueue queue = queues.get(command.key());
    Waiter next = queue == null || queue.busy ? null : queue.head();
    if (next == null) {
      return store.release(command.key(), command.lockKey());
    }
    queue.busy = true;
    return store.handOver(command.key(), command.lockKey(), next.token, next.command.ttlMs())
      .onComplete(outcome -> {
        queue.busy = false;
        if (outcome.succeeded() && outcome.result() == LockStore.Release.HANDED_OVER) {
          queue.waiters.remove(next);
          granted(queue, next);
        } else if (queue.releasedMeanwhile || outcome.succeeded() && outcome.result() == LockStore.Release.NOT_HELD) {
          pump(queue);
        }
      });
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
    LockException shuttingDown = new LockException(ErrorCode.SHUTTING_DOWN, "the service is shutting down");
    for (KeyQueue queue : queues.values()) {
      vertx.cancelTimer(queue.recheckTimer);
      for (Waiter waiter : queue.waiters) {
        vertx.cancelTimer(waiter.deadlineTimer);
        waiter.fail(shuttingDown);
      }
    }
    queues.clear();
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
        pump(queue);
      } else if (outcome.result().acquired()) {
        queue.waiters.remove(head);
        granted(queue, head);
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
  private void granted(KeyQueue queue, Waiter waiter) {
    vertx.cancelTimer(waiter.deadlineTimer);
    if (!waiter.grant()) {
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
    waiter.deadlineTimer = vertx.setTimer(remainingMs, id -> {
      waiter.fail(lockHeld(waiter.command));
      queue.waiters.remove(waiter);
      if (!queue.busy && queue.head() == null) {
        drop(queue);
      }
    });
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
