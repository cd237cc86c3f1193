package io.isp.lock.metrics;

import io.isp.lock.config.ManagementConfig;
import io.micrometer.core.instrument.Clock;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registry's wall clock moves on while the service's Vert.x runs: were it to stand still, the
 * {@code _max} of every timer and summary would never roll over and would show the largest value
 * since the start.
 */
class CoarseClockTest {

  @Test
  void theServiceRegistrysWallTimeFollowsTheRealOne() throws Exception {
    ServiceMetrics metrics = ServiceMetrics.create(new ManagementConfig(Optional.empty(), true));
    Clock clock = metrics.registry().orElseThrow().config().clock();
    long start = clock.wallTime();
    Vertx vertx = Vertx.builder().with(metrics.vertxOptions(new VertxOptions()))
      .withMetrics(metrics.vertxMetricsFactory().orElseThrow()).build();
    try {
      await().atMost(10, TimeUnit.SECONDS).until(() -> clock.wallTime() >= start + 3 * CoarseClock.TICK_MS);
      assertThat(clock.wallTime()).isLessThanOrEqualTo(System.currentTimeMillis());
      long before = System.nanoTime();
      assertThat(clock.monotonicTime()).as("monotonic time is System.nanoTime's").isBetween(before, System.nanoTime());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
