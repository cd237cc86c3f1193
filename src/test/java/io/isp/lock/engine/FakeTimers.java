package io.isp.lock.engine;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Timers on a clock that moves only when the test says so: {@link #advance} fires what falls due, in order. */
final class FakeTimers implements Timers {

  private record Timer(long id, long dueNanos, Runnable action) {
  }

  private final Map<Long, Timer> timers = new HashMap<>();
  private long nowNanos = 1_000_000_000L;
  private long nextId;

  @Override
  public long schedule(long delayMs, Runnable action) {
    long id = nextId++;
    timers.put(id, new Timer(id, nowNanos + Math.max(1, delayMs) * 1_000_000, action));
    return id;
  }

  @Override
  public void cancel(long id) {
    timers.remove(id);
  }

  @Override
  public long nanoTime() {
    return nowNanos;
  }

  /** Moves the clock {@code ms} forward, running each timer that falls due on the way (including ones those schedule). */
  void advance(long ms) {
    long target = nowNanos + ms * 1_000_000;
    while (true) {
      Optional<Timer> next = timers.values().stream()
        .filter(timer -> timer.dueNanos() <= target)
        .min(Comparator.comparingLong(Timer::dueNanos).thenComparingLong(Timer::id));
      if (next.isEmpty()) {
        break;
      }
      timers.remove(next.get().id());
      nowNanos = Math.max(nowNanos, next.get().dueNanos());
      next.get().action().run();
    }
    nowNanos = target;
  }

  /** Timers scheduled and not yet fired or cancelled. */
  int pending() {
    return timers.size();
  }
}
