package io.isp.lock.soak;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resource the soak's locks protect: one counter per lock key, which every holder increments by
 * a read, a pause of 1-3 ms and a write, so that two holders inside at once lose an update. It is
 * deliberately not atomic: the lock alone must keep the increments apart.
 *
 * <p>It also plays a fenced resource that only watches: a write whose fencing token is below one it
 * has already seen for the key is counted as stale (a resource that checks tokens would have
 * refused it) but still applied, so that lost updates show what an unfenced resource would suffer.
 */
final class ProtectedCounters {

  private static final class Cell {
    long value;
    long highestToken;
  }

  private final Map<String, Cell> cells = new ConcurrentHashMap<>();
  private final AtomicLong committed = new AtomicLong();
  private final AtomicLong abandoned = new AtomicLong();
  private final AtomicLong staleWrites = new AtomicLong();

  /**
   * One increment by the holder of {@code key} with {@code token}, if its TTL (on the monotonic
   * clock, {@code deadlineNanos}) has not run out by the time it writes; a holder past its deadline
   * no longer counts on the lock and abandons the write, as a careful client would.
   */
  void increment(String key, long token, long deadlineNanos) throws InterruptedException {
    Cell cell = cells.computeIfAbsent(key, k -> new Cell());
    long read;
    synchronized (cell) {
      read = cell.value;
    }
    Thread.sleep(1 + ThreadLocalRandom.current().nextInt(3));
    synchronized (cell) {
      if (System.nanoTime() >= deadlineNanos) {
        abandoned.incrementAndGet();
        return;
      }
      if (token < cell.highestToken) {
        staleWrites.incrementAndGet();
      }
      cell.highestToken = Math.max(cell.highestToken, token);
      cell.value = read + 1;
      committed.incrementAndGet();
    }
  }

  /** Increments written (each meant to add one). */
  long committed() {
    return committed.get();
  }

  /** Increments given up because the holder's TTL ran out between its read and its write. */
  long abandoned() {
    return abandoned.get();
  }

  /** Writes carrying a fencing token below one already written for the key. */
  long staleWrites() {
    return staleWrites.get();
  }

  /** The sum of the counters: equal to {@link #committed()} unless two holders overlapped. */
  long total() {
    return cells.values().stream().mapToLong(cell -> {
      synchronized (cell) {
        return cell.value;
      }
    }).sum();
  }
}
