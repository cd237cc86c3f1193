package io.isp.lock.client;

/**
 * How {@link LockClient} holds a lock it takes. Immutable; {@link #DEFAULT} holds it for its TTL,
 * {@link #KEEP_ALIVE} until it is unlocked:
 *
 * <pre>{@code
 * locks.lock("nightly-report", Duration.ofSeconds(30), Duration.ZERO, LockOptions.KEEP_ALIVE)
 *   .compose(lock -> report.run(lock.onLost(lost -> report.abort())).eventually(lock::unlock));
 * }</pre>
 */
public final class LockOptions {

  /** The lock lives for its TTL unless extended: the service's plain semantics. */
  public static final LockOptions DEFAULT = new LockOptions(false);
  /** The lock is renewed to its TTL at about a third of the TTL until it is unlocked (see {@link #keepAlive()}). */
  public static final LockOptions KEEP_ALIVE = new LockOptions(true);

  private final boolean keepAlive;

  private LockOptions(boolean keepAlive) {
    this.keepAlive = keepAlive;
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

  public LockOptions withKeepAlive(boolean keepAlive) {
    return keepAlive ? KEEP_ALIVE : DEFAULT;
  }

  @Override
  public String toString() {
    return "LockOptions[keepAlive=" + keepAlive + "]";
  }
}
