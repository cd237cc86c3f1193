package io.isp.lock.metrics;

import java.util.Locale;

/** The {@code kind} label of {@code isp_lock_redis_errors_total}. */
public enum RedisErrorKind {
  /** No answer within {@code redis.commandTimeout} (or the readiness PING's second). */
  TIMEOUT,
  /** Refused, reset or closed connection, exhausted pool, failed TLS handshake. */
  CONNECTION,
  /** {@code READONLY} or {@code MASTERDOWN}: the node is no (longer a) writable master, as in a failover. */
  READONLY,
  /** {@code NOSCRIPT}: Redis had forgotten a script (restart, failover, SCRIPT FLUSH); retried with EVAL. */
  NOSCRIPT,
  /** Any other error reply ({@code LOADING}, {@code BUSY}, {@code WRONGPASS}, a script error...). */
  OTHER;

  /** The label value: the constant's name in lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
