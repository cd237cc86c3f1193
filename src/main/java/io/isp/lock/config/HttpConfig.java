package io.isp.lock.config;

import java.time.Duration;
import java.util.List;

/**
 * The HTTP front end.
 *
 * @param tokens accepted {@code X-Application-Token} values; empty means no authentication
 * @param shutdownTimeout how long SIGTERM waits for in-flight requests before closing connections
 */
public record HttpConfig(String host, int port, List<String> tokens, Duration shutdownTimeout) {

  public HttpConfig {
    tokens = List.copyOf(tokens);
  }
}
