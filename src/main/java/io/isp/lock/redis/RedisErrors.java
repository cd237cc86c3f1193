package io.isp.lock.redis;

import io.vertx.redis.client.impl.types.ErrorType;

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
        || reply.is("TRYAGAIN") || isAuthentication(reply);
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

  public static boolean isAuthentication(Throwable error) {
    return error instanceof ErrorType reply && (reply.is("WRONGPASS") || reply.is("NOAUTH") || reply.is("NOPERM"));
  }

  public static boolean isNoScript(Throwable error) {
    return error instanceof ErrorType reply && reply.is("NOSCRIPT");
  }
}
