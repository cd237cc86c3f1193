package io.isp.lock.bench;

/** The measured part of a row, in {@link System#nanoTime()}: after the warm-up, before the end. */
record Window(long startNanos, long endNanos) {

  static Window after(long warmupMs, long durationMs) {
    long start = System.nanoTime() + warmupMs * 1_000_000;
    return new Window(start, start + durationMs * 1_000_000);
  }

  boolean contains(long nanos) {
    return nanos >= startNanos && nanos < endNanos;
  }

  double seconds() {
    return (endNanos - startNanos) / 1e9;
  }

  static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, left / 1_000_000));
    }
  }
}
