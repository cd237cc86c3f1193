package io.isp.lock.bench;

import org.HdrHistogram.Histogram;

import java.util.Arrays;

/**
 * Hot key: when each grant and each unlock answer arrived, across all clients, in one shared log.
 * Since the lock is exclusive, the k-th unlock (in time order) released the lock that the (k+1)-th
 * grant then got, so handoff k = grant[k+1] - unlock[k].
 *
 * <p>The service hands the lock to the next waiter inside the unlock's own Redis script, so the next
 * grant may reach its client before the unlock answer reaches the releasing client: such a handoff
 * counts as 0 and is counted in {@link Result#grantFirst()}. The log therefore also keeps when each
 * unlock was sent, giving the whole release → next grant time as a client sees it
 * ({@link Result#fromSendMicros()}).
 */
final class HandoffLog {

  private long[] grants = new long[1 << 16];
  private long[] unlocks = new long[1 << 16];
  private long[] sends = new long[1 << 16];
  private int grantCount;
  private int unlockCount;
  private int sendCount;

  synchronized void granted(long nanos) {
    if (grantCount == grants.length) {
      grants = Arrays.copyOf(grants, grants.length * 2);
    }
    grants[grantCount++] = nanos;
  }

  synchronized void unlockSent(long nanos) {
    if (sendCount == sends.length) {
      sends = Arrays.copyOf(sends, sends.length * 2);
    }
    sends[sendCount++] = nanos;
  }

  synchronized void unlocked(long nanos) {
    if (unlockCount == unlocks.length) {
      unlocks = Arrays.copyOf(unlocks, unlocks.length * 2);
    }
    unlocks[unlockCount++] = nanos;
  }

  /**
   * @param micros unlock answered → next grant answered (negative counted as 0)
   * @param fromSendMicros unlock sent → next grant answered
   */
  record Result(Histogram micros, Histogram fromSendMicros, long handoffs, long grantFirst) {
  }

  /** The handoffs whose unlock answer arrived inside {@code window}. */
  synchronized Result handoffs(Window window) {
    long[] g = Arrays.copyOf(grants, grantCount);
    long[] u = Arrays.copyOf(unlocks, unlockCount);
    long[] s = Arrays.copyOf(sends, sendCount);
    Arrays.sort(g);
    Arrays.sort(u);
    Arrays.sort(s);
    Histogram micros = new Histogram(PairClient.MAX_MICROS, 3);
    Histogram fromSendMicros = new Histogram(PairClient.MAX_MICROS, 3);
    long handoffs = 0;
    long grantFirst = 0;
    for (int k = 0; k < u.length && k + 1 < g.length; k++) {
      if (!window.contains(u[k])) {
        continue;
      }
      long gap = g[k + 1] - u[k];
      if (gap < 0) {
        grantFirst++;
      }
      micros.recordValue(Math.min(PairClient.MAX_MICROS, Math.max(0, gap) / 1000));
      if (k < s.length) {
        fromSendMicros.recordValue(Math.min(PairClient.MAX_MICROS, Math.max(0, g[k + 1] - s[k]) / 1000));
      }
      handoffs++;
    }
    return new Result(micros, fromSendMicros, handoffs, grantFirst);
  }
}
