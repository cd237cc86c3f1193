package io.isp.lock.engine;

import io.isp.lock.api.LockException;
import io.vertx.core.Future;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns an outage of the store into an answer for every waiter at once, not at each one's
 * waitTimeout: every store call a queue makes passes through {@link #watched}, and while calls wait
 * the store is probed every {@code periodMs}, so that waiters whose head makes no call (it waits for
 * a notice or for the holder's TTL) still hear of it. Shared by the lock and the semaphore queues.
 * One event loop.
 */
final class OutageWatch {

  private final Supplier<Future<Void>> probe;
  private final Timers timers;
  private final long periodMs;
  private final BooleanSupplier anyWaiting;
  private final Consumer<LockException> failEveryWaiter;
  private long timer = -1;
  private boolean probing;
  private boolean stopped;

  OutageWatch(Supplier<Future<Void>> probe, Timers timers, long periodMs, BooleanSupplier anyWaiting,
              Consumer<LockException> failEveryWaiter) {
    this.probe = probe;
    this.timers = timers;
    this.periodMs = periodMs;
    this.anyWaiting = anyWaiting;
    this.failEveryWaiter = failEveryWaiter;
  }

  /** {@code call}, after failing every waiter if its failure says the store is unavailable. */
  <T> Future<T> watched(Future<T> call) {
    return call.onFailure(error -> {
      if (Outcomes.isOutage(error)) {
        // no waiter can be granted until the store is back: answer them now, not at their waitTimeout
        failEveryWaiter.accept((LockException) error);
      }
    });
  }

  /** A call started waiting: probe from now on, while any waits. */
  void arm() {
    if (timer < 0 && !stopped) {
      timer = timers.schedule(periodMs, this::probe);
    }
  }

  void stop() {
    stopped = true;
    timers.cancel(timer);
  }

  /** One probe at a time. */
  private void probe() {
    timer = -1;
    if (!anyWaiting.getAsBoolean()) {
      return;
    }
    arm();
    if (!probing) {
      probing = true;
      watched(probe.get()).onComplete(done -> probing = false);
    }
  }
}
