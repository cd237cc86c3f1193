package io.isp.lock.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Vert.x clustering with Hazelcast.
 *
 * @param host address this node binds and announces, for Hazelcast and the event bus
 * @param port Hazelcast member port
 * @param members {@code host:port} of other members, for TCP/IP join (no multicast)
 * @param configFile Hazelcast XML; host, port and members from this config override its network part
 */
public record ClusterConfig(boolean enabled, String host, int port, List<String> members, Path configFile) {

  public ClusterConfig {
    members = List.copyOf(members);
  }
}
