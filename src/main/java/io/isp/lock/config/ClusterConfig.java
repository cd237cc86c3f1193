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
 * @param eventBusPort the event bus's TCP port (members send each other messages on it); 0: a free one
 * @param publicHost the address other members reach this one by, for Hazelcast and the event bus;
 *     {@code host} unless {@code cluster.publicHost} says otherwise (NAT, a container's published port)
 */
public record ClusterConfig(boolean enabled, String host, int port, List<String> members, Path configFile,
                            int eventBusPort, String publicHost) {

  public ClusterConfig {
    members = List.copyOf(members);
  }
}
