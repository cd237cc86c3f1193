package io.isp.lock.client;

import io.isp.lock.api.LockMode;

import java.util.Objects;

/**
 * How {@link LockClient} takes and holds a lock. Immutable; {@link #DEFAULT} takes a write lock (the
 * mutex) and holds it for its TTL, {@link #KEEP_ALIVE} until it is unlocked, {@link #READ} takes a
 * read lock (shared with other readers):
 *
 * <pre>{@code
 * locks.lock("nightly-report", Duration.ofSeconds(30), Duration.ZERO, LockOptions.KEEP_ALIVE)
 *   .compose(lock -> report.run(lock.onLost(lost -> report.abort())).eventually(lock::unlock));
 * locks.lock("catalogue", Duration.ofSeconds(30), Duration.ofSeconds(5), LockOptions.READ.withKeepAlive(true))
 *   .compose(lock -> catalogue.read().eventually(lock::unlock));
 * }</pre>
 */
public final class LockOptions {

  /** A write lock that lives for its TTL unless extended: the service's plain semantics. */
  public static final LockOptions DEFAULT = new LockOptions(false, LockMode.WRITE);
  /** A write lock renewed to its TTL at about a third of the TTL until it is unlocked (see {@link #keepAlive()}). */
  public static final LockOptions KEEP_ALIVE = new LockOptions(true, LockMode.WRITE);
  /** A read lock that lives for its TTL unless extended: held beside other readers, never beside a writer. */
  public static final LockOptions READ = new LockOptions(false, LockMode.READ);

  private final boolean keepAlive;
  private final LockMode mode;

  private LockOptions(boolean keepAlive, LockMode mode) {
    this.keepAlive = keepAlive;
    this.mode = mode;
  }

  /**
   * Whether the client renews the lock (EXTEND to its TTL) at about a third of its TTL, from when
   * it was granted or last extended, until {@link Lock#unlock()} or the client closes. A renewal
   * that fails with a 5xx (Redis or the lock verticle away for a moment) or gets no answer is
   * retried; one that finds the lock gone ({@code not_held}, {@code not_owner}) stops the renewals
   * and calls the lock's {@link Lock#onLost} handlers. The TTL is then only the backstop for a
   * holder that dies without unlocking: keep it short.
   */
  public boolean keepAlive() {
    return keepAlive;
  }

  /**
   * {@link LockMode#WRITE} (the default): one holder at a time; {@link LockMode#READ}: any number of
   * readers at once, while no writer holds the key or waits for it.
   */
  public LockMode mode() {
    return mode;
  }

  public LockOptions withKeepAlive(boolean keepAlive) {
    return keepAlive == this.keepAlive ? this : new LockOptions(keepAlive, mode);
  }

  public LockOptions withMode(LockMode mode) {
    return Objects.requireNonNull(mode, "mode") == this.mode ? this : new LockOptions(keepAlive, mode);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LockOptions options && options.keepAlive == keepAlive && options.mode == mode;
  }

  @Override
  public int hashCode() {
    return Objects.hash(keepAlive, mode);
  }

  @Override
  public String toString() {
    return "LockOptions[keepAlive=" + keepAlive + ", mode=" + mode.text() + "]";
  }
}
