package io.isp.lock.engine;

import io.vertx.core.Vertx;

/**
 * The clock and timers of the wait queues. Vert.x's in production; a hand-driven fake in the
 * scheduler's unit tests, which then need neither sleeps nor a running Vert.x.
 */
interface Timers {

  /** Runs {@code action} once after {@code delayMs} (at least 1 ms); returns an id for {@link #cancel}. */
  long schedule(long delayMs, Runnable action);

  /** Cancels a timer; unknown or fired ids, and -1, are ignored. */
  void cancel(long id);

  /** A monotonic clock, in nanoseconds. */
  long nanoTime();

  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long schedule(long delayMs, Runnable action) {
        return vertx.setTimer(Math.max(1, delayMs), id -> action.run());
      }

      @Override
      public void cancel(long id) {
        if (id >= 0) {
          vertx.cancelTimer(id);
        }
      }

      @Override
      public long nanoTime() {
        return System.nanoTime();
      }
    };
  }
}
