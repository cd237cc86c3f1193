package io.isp.lock.support;

/** Where a Redis server listens. */
public record RedisEndpointInfo(String host, int port) {

  /** {@code host:port}. */
  public String server() {
    return host + ":" + port;
  }

  /** {@code redis://host:port}. */
  public String uri() {
    return "redis://" + server();
  }
}
