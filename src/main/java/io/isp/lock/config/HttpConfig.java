package io.isp.lock.config;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP front end.
 *
 * @param tokens accepted {@code X-Application-Token} values; empty means no authentication
 * @param adminTokens tokens that may also force-unlock (and are accepted wherever {@code tokens} are); empty: nobody may
 * @param shutdownTimeout how long SIGTERM waits for in-flight requests before closing connections
 * @param idleTimeout how long a connection may go without a request in progress, and how long a request's
 *   header, then its body, may take to arrive, before the connection is closed
 * @param maxConnections open client connections at most; resolved (never 0): {@code http.maxConnections: 0}
 *     is {@link #defaultMaxConnections} of this process's file-descriptor limit
 * @param tls HTTPS ({@code http.tls.*}); empty: plain HTTP
 */
public record HttpConfig(String host, int port, List<String> tokens, Duration shutdownTimeout, Duration idleTimeout,
                         int maxConnections, List<String> adminTokens, Optional<HttpTls> tls) {

  /** What {@link #fileDescriptorLimit()} assumes where the JVM cannot tell. */
  static final long UNKNOWN_FD_LIMIT = 10_000;

  public HttpConfig {
    tokens = List.copyOf(tokens);
    adminTokens = List.copyOf(adminTokens);
  }

  /**
   * Three quarters of the file-descriptor limit less 64, at least 16: every connection holds a
   * descriptor, and the rest is left for Redis connections, Hazelcast, the jar files and the
   * connections that are over the limit until they are answered and closed.
   */
  public static int defaultMaxConnections(long fdLimit) {
    long limit = fdLimit > Long.MAX_VALUE / 3 ? Long.MAX_VALUE : fdLimit * 3 / 4 - 64;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(16, limit));
  }

  /** This process's limit on open file descriptors ({@code ulimit -n}), or 10000 where the JVM cannot tell. */
  public static long fileDescriptorLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      if (limit > 0) {
        return limit;
      }
    }
    return UNKNOWN_FD_LIMIT;
  }
}
