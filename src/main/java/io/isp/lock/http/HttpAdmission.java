package io.isp.lock.http;

import io.isp.lock.config.HttpConfig;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a new connection or request may be served, for all HTTP verticles of the process at once:
 * the connection cap ({@code http.maxConnections}) and shutdown. Thread-safe; one per deployment.
 *
 * <p>Connections beyond the cap are still accepted for a moment, so that the client hears why
 * (503 {@code too_many_connections}) and a health probe is still answered, but only a bounded number
 * of them: each holds a file descriptor, and running out of those is what the cap is there to avoid.
 * Past the cap and that allowance a connection is closed at once.
 */
public final class HttpAdmission {

  /** What a new connection may do. */
  enum Verdict {
    /** Serve it. */
    ADMIT,
    /** It may carry one request within {@link ConnectionGuard#OVER_LIMIT_GRACE_MS}: health, or 503. */
    OVER_LIMIT,
    /** Close it now. */
    REFUSE
  }

  private final int maxConnections;
  private final int overLimitAllowance;
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean draining;

  private HttpAdmission(int maxConnections) {
    this.maxConnections = maxConnections;
    // a quarter more: with the derived cap (3/4 of the fd limit less 64) that stays within the fd limit
    this.overLimitAllowance = Math.max(8, maxConnections / 4);
  }

  public static HttpAdmission create(HttpConfig http) {
    return new HttpAdmission(http.maxConnections());
  }

  /** Counts a new connection in; every call must be matched by {@link #disconnected()}. */
  Verdict connected() {
    int now = open.incrementAndGet();
    return now <= maxConnections ? Verdict.ADMIT
      : now <= maxConnections + overLimitAllowance ? Verdict.OVER_LIMIT
      : Verdict.REFUSE;
  }

  void disconnected() {
    open.decrementAndGet();
  }

  /** Shutdown has begun: every request that arrives from now on is answered 503 {@code shutting_down}. */
  public void drain() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }

  int openConnections() {
    return open.get();
  }
}
