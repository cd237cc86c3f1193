package io.isp.lock.cluster;

import com.hazelcast.config.Config;
import io.isp.lock.config.ClusterConfig;
import io.vertx.core.eventbus.EventBusOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("cluster.* behind a firewall or NAT: fixed ports, bound on cluster.host, announced as cluster.publicHost")
class ClusteredVertxTest {

  private static final ClusterConfig BEHIND_NAT = new ClusterConfig(true, "10.0.0.5", 5701,
    List.of("lock-2.example:5701"), Path.of("conf/hazelcast.xml"), 5702, "lock-1.example");

  @Test
  @DisplayName("the event bus binds cluster.host:cluster.eventBusPort and announces cluster.publicHost on that port")
  void eventBus() {
    EventBusOptions options = ClusteredVertx.eventBusOptions(BEHIND_NAT);
    assertThat(options.getHost()).isEqualTo("10.0.0.5");
    assertThat(options.getPort()).isEqualTo(5702);
    assertThat(options.getClusterPublicHost()).isEqualTo("lock-1.example");
    // unset: Vert.x announces the port it bound
    assertThat(options.getClusterPublicPort()).isEqualTo(EventBusOptions.DEFAULT_CLUSTER_PUBLIC_PORT);
  }

  @Test
  @DisplayName("Hazelcast binds cluster.host:cluster.port and announces cluster.publicHost:cluster.port")
  void hazelcast() throws Exception {
    Config config = ClusteredVertx.hazelcastConfig(BEHIND_NAT);
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.0.0.5");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("lock-1.example:5701");
  }
}
