package io.isp.lock.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import io.isp.lock.config.ClusterConfig;
import io.isp.lock.config.ConfigException;
import io.isp.lock.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.FileNotFoundException;
import java.nio.file.Files;

/**
 * Starts a clustered Vert.x on Hazelcast from {@code cluster.*}: TCP/IP join, no multicast. A node
 * opens two cluster ports, both on {@code cluster.host}: Hazelcast's ({@code cluster.port}) and the
 * event bus's ({@code cluster.eventBusPort}), and announces both under {@code cluster.publicHost}.
 */
public final class ClusteredVertx {

  private ClusteredVertx() {
  }

  /**
   * Builds the clustered Vert.x ({@code options} plus the cluster's event-bus address, with
   * {@code metrics}' SPI when on); reads the Hazelcast file.
   */
  public static Future<Vertx> start(ClusterConfig cluster, VertxOptions options, ServiceMetrics metrics) {
    Config hazelcast;
    try {
      hazelcast = hazelcastConfig(cluster);
    } catch (FileNotFoundException | RuntimeException e) {
      return Future.failedFuture(e);
    }
    VertxBuilder builder = Vertx.builder()
      .with(new VertxOptions(options)
        // the copy constructor turns MicrometerMetricsOptions into plain MetricsOptions, losing the
        // registry name: every clustered instance of a JVM then wrote into the first one's registry
        .setMetricsOptions(options.getMetricsOptions())
        .setEventBusOptions(eventBusOptions(cluster)))
      .withClusterManager(new HazelcastClusterManager(hazelcast));
    metrics.vertxMetricsFactory().ifPresent(builder::withMetrics);
    return builder.buildClustered();
  }

  /**
   * Binds {@code cluster.host:cluster.eventBusPort} (0: a free port) and tells the other members
   * to connect to {@code cluster.publicHost} on the same port: the public port is left unset, which
   * Vert.x reads as "the port actually bound", so a NAT must map the port one to one.
   */
  static EventBusOptions eventBusOptions(ClusterConfig cluster) {
    return new EventBusOptions()
      .setHost(cluster.host())
      .setPort(cluster.eventBusPort())
      .setClusterPublicHost(cluster.publicHost());
  }

  static Config hazelcastConfig(ClusterConfig cluster) throws FileNotFoundException {
    if (!Files.isReadable(cluster.configFile())) {
      throw new ConfigException("cluster.configFile: " + cluster.configFile() + " does not exist or is not readable");
    }
    Config config = new FileSystemXmlConfig(cluster.configFile().toFile());
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // into SLF4J (Logback), the service's one log backend, whatever the file says (its default is JUL)
    config.setProperty("hazelcast.logging.type", "slf4j");
    // bind exactly cluster.host, not whichever interface Hazelcast would pick; announce cluster.publicHost
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.getNetworkConfig()
      .setPort(cluster.port())
      .setPortAutoIncrement(false)
      .setPublicAddress(cluster.publicHost() + ":" + cluster.port());
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }
}
