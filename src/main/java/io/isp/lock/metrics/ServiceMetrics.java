package io.isp.lock.metrics;

import io.isp.lock.config.ManagementConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntSupplier;

/**
 * The metrics of one service instance ({@code metrics.enabled}): a Prometheus registry of its own
 * that Vert.x's metrics SPI (vertx-micrometer-metrics), the JVM and process binders and
 * {@link LockMetrics} all write to, and {@code /metrics} renders; its clock is a {@link CoarseClock} that
 * the Vert.x built with {@link #vertxMetricsFactory()} keeps ticking. Disabled: no registry, no SPI in
 * Vert.x, and {@link LockMetrics#NONE}.
 */
public final class ServiceMetrics {

  /**
   * Labels of Vert.x's own meters. Never {@link Label#HTTP_PATH} (keys appear in
   * {@code /locks/{key}}) and never {@link Label#REMOTE} (one series per client address): HTTP is
   * labelled by the route vertx-web matched, its method and status. Not {@link Label#LOCAL} either:
   * the Redis client's connections all read "?" there, and their gauges then collide (a warning at
   * start). Event-bus meters carry the address:
   * the service's are fixed names, and Vert.x itself leaves out the per-request reply addresses
   * ({@code __vertx.reply.N}).
   */
  static final EnumSet<Label> LABELS = EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE,
    Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME);

  private static final ServiceMetrics DISABLED = new ServiceMetrics(null, null, LockMetrics.NONE);

  private final PrometheusMeterRegistry registry;
  private final CoarseClock clock;
  private final LockMetrics lock;

  private ServiceMetrics(PrometheusMeterRegistry registry, CoarseClock clock, LockMetrics lock) {
    this.registry = registry;
    this.clock = clock;
    this.lock = lock;
  }

  public static ServiceMetrics create(ManagementConfig config) {
    if (!config.metricsEnabled()) {
      return DISABLED;
    }
    CoarseClock clock = new CoarseClock();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
    // the JVM binders come with Vert.x's (jvmMetricsEnabled); this one it does not bind
    new FileDescriptorMetrics().bindTo(registry);
    return new ServiceMetrics(registry, clock, new MicrometerLockMetrics(registry));
  }

  public static ServiceMetrics disabled() {
    return DISABLED;
  }

  /** The registry {@code /metrics} renders; empty when metrics are off. */
  public Optional<PrometheusMeterRegistry> registry() {
    return Optional.ofNullable(registry);
  }

  public LockMetrics lock() {
    return lock;
  }

  /** {@code isp_lock_sessions}: the WebSocket lock sessions open on this node, as {@code open} counts them. */
  public void sessions(IntSupplier open) {
    if (registry != null) {
      Gauge.builder("isp.lock.sessions", open, IntSupplier::getAsInt)
        .description("WebSocket lock sessions open on this node")
        .strongReference(true)
        .register(registry);
    }
  }

  /** {@code options} with Vert.x's metrics switched on, when they are; a copy either way. */
  public VertxOptions vertxOptions(VertxOptions options) {
    VertxOptions copy = new VertxOptions(options);
    if (registry != null) {
      copy.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        // vertx-micrometer keeps a registry per name for the whole JVM: a name of its own keeps two
        // instances in one JVM (the tests, a co-deployment) from sharing, and closing, one registry
        .setRegistryName("isp-lock-service-" + UUID.randomUUID())
        .setLabels(EnumSet.copyOf(LABELS))
        // ClassLoader, JVM compilation, GC, heap pressure, info, memory, threads, processor, uptime
        .setJvmMetricsEnabled(true));
    }
    return copy;
  }

  /** The metrics SPI to build Vert.x with; empty when metrics are off (no SPI installed at all). */
  public Optional<VertxMetricsFactory> vertxMetricsFactory() {
    if (registry == null) {
      return Optional.empty();
    }
    MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(registry);
    return Optional.of(options -> new CachingVertxMetrics(micrometer.metrics(options), registry, clock));
  }
}
