package io.isp.lock.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.MetricsNaming;

/**
 * Vert.x's metrics as vertx-micrometer-metrics makes them, except the two families that are written
 * on every request: the HTTP server's per-request meters and the event bus's per-message meters.
 * vertx-micrometer looks those meters up in the registry by their tags on every request and every
 * message (building the tags and the meter id each time); here each label set's meters are looked
 * up once and kept, so a request or a message costs a map read and the increments. Same names,
 * labels, types and meanings as vertx-micrometer's; everything else (connections, bytes, pools, the
 * Redis client, JVM) is vertx-micrometer's own. The registry's clock ({@link CoarseClock}) is ticked
 * by the Vert.x these metrics are created for.
 */
final class CachingVertxMetrics implements VertxMetrics {

  private final VertxMetrics micrometer;
  private final CachedHttpServerMeters httpServer;
  private final MeterRegistry registry;
  private final MetricsNaming naming;
  private final CoarseClock clock;

  /** {@code clock}: {@code registry}'s, to be kept ticking by the Vert.x these metrics are for. */
  CachingVertxMetrics(VertxMetrics micrometer, MeterRegistry registry, CoarseClock clock) {
    this.micrometer = micrometer;
    this.registry = registry;
    this.clock = clock;
    this.naming = MicrometerMetricsOptions.DEFAULT_METRICS_NAMING;
    // one set of meters for every HTTP server of this Vert.x (API and management port, each verticle
    // instance's), as in vertx-micrometer: the label set has no local address
    this.httpServer = new CachedHttpServerMeters(registry, naming.withBaseName("vertx.http.server."));
  }

  @Override
  public EventBusMetrics<?> createEventBusMetrics() {
    // asked only to honour a disabled category
    return micrometer.createEventBusMetrics() == null ? null
      : new CachedEventBusMetrics(registry, naming.withBaseName("vertx.eventbus."));
  }

  @Override
  @SuppressWarnings("unchecked")
  public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
    HttpServerMetrics<?, ?, ?> connections = micrometer.createHttpServerMetrics(options, localAddress);
    return connections == null ? null
      : new CachedHttpServerMetrics(httpServer, (HttpServerMetrics<Object, Object, Object>) connections);
  }

  @Override
  public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
    return micrometer.createClientMetrics(remoteAddress, type, namespace);
  }

  @Override
  public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
    return micrometer.createHttpClientMetrics(options);
  }

  @Override
  public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
    return micrometer.createNetServerMetrics(options, localAddress);
  }

  @Override
  public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
    return micrometer.createNetClientMetrics(options);
  }

  @Override
  public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
    return micrometer.createDatagramSocketMetrics(options);
  }

  @Override
  public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
    return micrometer.createPoolMetrics(poolType, poolName, maxPoolSize);
  }

  @Override
  public void vertxCreated(Vertx vertx) {
    clock.tickWith(vertx);
    micrometer.vertxCreated(vertx);
  }

  @Override
  public boolean isMetricsEnabled() {
    return micrometer.isMetricsEnabled();
  }

  @Override
  public void close() {
    micrometer.close();
  }
}
