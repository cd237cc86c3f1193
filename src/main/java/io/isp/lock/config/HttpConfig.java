package io.isp.lock.config;

import java.time.Duration;
import java.util.List;

/**
 * The HTTP front end.
 *
 * @param tokens accepted {@code X-Application-Token} values; empty means no authentication
 * @param shutdownTimeout how long SIGTERM waits for in-flight requests before closing connections
 * @param idleTimeout how long a connection may go without a request in progress, and how long a request's
 *   header, then its body, may take to arrive, before the connection is closed
 * @param maxConnections open connections (all HTTP verticles of the process together) beyond which new
 *   ones are turned away; the resolved value, never 0
 */
public record HttpConfig(String host, int port, List<String> tokens, Duration shutdownTimeout, Duration idleTimeout,
                         int maxConnections) {

  public HttpConfig {
    tokens = List.copyOf(tokens);
  }

  /**
   * {@code http.maxConnections: 0}: three quarters of the process's file descriptors, less 64, at least 16.
   * The rest is for the JVM itself (jars, epoll), Redis connections, and the connections turned away.
   */
  public static int defaultMaxConnections(long fdLimit) {
    long derived = fdLimit > Long.MAX_VALUE / 3 ? Long.MAX_VALUE : fdLimit * 3 / 4 - 64; // no overflow
    return (int) Math.min(Integer.MAX_VALUE, Math.max(16, derived));
  }
}
