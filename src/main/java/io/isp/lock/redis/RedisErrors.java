package io.isp.lock.redis;

import io.isp.lock.metrics.RedisErrorKind;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.vertx.redis.client.impl.types.ErrorType;

import javax.net.ssl.SSLException;
import java.security.cert.CertificateException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Sorts Redis failures. An error <em>reply</em> from Redis ({@link ErrorType}) is either transient
 * (the node is loading, demoted, or we lost our credentials) or a bug in a script; anything else the
 * client reports (refused, reset or closed connection, exhausted pool, command timeout) means Redis
 * cannot be reached right now.
 */
public final class RedisErrors {

  private RedisErrors() {
  }

  /** True when the command may succeed later or elsewhere: the client should get 503, not 500. */
  public static boolean isUnavailable(Throwable error) {
    if (error instanceof ErrorType reply) {
      return isConnectionLost(reply) || isMasterMoved(reply) || reply.is("LOADING") || reply.is("BUSY")
        || reply.is("TRYAGAIN") || isAuthentication(reply) || isClusterMoving(reply);
    }
    return true;
  }

  /**
   * The connection failed or was closed under the command. The client reports a close as a
   * synthetic {@code CONNECTION_CLOSED} error reply, everything else as a plain exception.
   */
  public static boolean isConnectionLost(Throwable error) {
    return !(error instanceof ErrorType reply) || reply.is("CONNECTION_CLOSED");
  }

  /** A node that answers but is no longer (or not yet) a writable master, as after a failover. */
  public static boolean isMasterMoved(Throwable error) {
    return error instanceof ErrorType reply && (reply.is("READONLY") || reply.is("MASTERDOWN"));
  }

  /** A cluster that has no master for the slot right now, or keeps redirecting (a slot on the move). */
  public static boolean isClusterMoving(Throwable error) {
    return error instanceof ErrorType reply && (reply.is("CLUSTERDOWN") || reply.is("MOVED") || reply.is("ASK"));
  }

  public static boolean isAuthentication(Throwable error) {
    return error instanceof ErrorType reply && (reply.is("WRONGPASS") || reply.is("NOAUTH") || reply.is("NOPERM"));
  }

  /**
   * The TLS handshake failed: Redis's certificate did not verify (unknown CA, wrong name, expired),
   * it refused ours, or it answered in plain text (Netty's NotSslRecordException is not an
   * SSLException). Unlike an outage this does not go away by waiting. A handshake that timed out is
   * not among these: a frozen Redis does that too (and so may a plain-text one, which waits for the
   * rest of a "command"), so it counts as unreachable.
   */
  public static boolean isTls(Throwable error) {
    return tlsFailure(error).isPresent();
  }

  /**
   * The innermost TLS exception among {@code error} and its causes: its message says why ("PKIX path
   * building failed", "No subject alternative names matching IP address ..."), where the outer ones
   * only say "Failed to create SSL connection".
   */
  public static Optional<Throwable> tlsFailure(Throwable error) {
    Throwable found = null;
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SslHandshakeTimeoutException) {
        return Optional.empty();
      }
      if (cause instanceof SSLException || cause instanceof CertificateException || cause instanceof NotSslRecordException) {
        found = cause;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The {@code kind} a failed call is counted under in {@code isp_lock_redis_errors_total}. */
  public static RedisErrorKind kind(Throwable error) {
    if (error instanceof TimeoutException) {
      return RedisErrorKind.TIMEOUT;
    }
    if (isMasterMoved(error)) {
      return RedisErrorKind.READONLY;
    }
    if (isNoScript(error)) {
      return RedisErrorKind.NOSCRIPT;
    }
    return isConnectionLost(error) ? RedisErrorKind.CONNECTION : RedisErrorKind.OTHER;
  }

  public static boolean isNoScript(Throwable error) {
    return error instanceof ErrorType reply && reply.is("NOSCRIPT");
  }
}
