package io.isp.lock.bench;

import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Runs N closed-loop {@link PairClient}s for warm-up + duration, spread over the benchmark's event
 * loops (see Main), and gathers what they measured plus the CPU the service used inside the window.
 */
final class PairRun {

  /** After the window, how long clients still in a call may take to finish. */
  private static final long DRAIN_MS = 30_000;

  record Settings(int clients, double ttlSeconds, double waitTimeoutSeconds, long warmupMs, long durationMs) {
  }

  record Result(Window window, long pairs, Histogram pairMicros, Histogram waitMicros, Errors errors,
                CpuMeter.Reading cpu, List<PairClient> clients, long unfinished) {

    double pairsPerSecond() {
      return pairs / window.seconds();
    }

    /** Service CPU seconds per 10,000 pairs. */
    double cpuPer10k() {
      return pairs == 0 ? 0 : cpu.service() / pairs * 10_000;
    }
  }

  private PairRun() {
  }

  /**
   * @param keysOfClient the key chooser of client i
   * @param cpu reads the service's (and everyone else's) CPU time
   * @param handoffs where grants and unlocks are logged, or null
   */
  static Result run(Vertx vertx, Transport transport, Settings settings, IntFunction<Supplier<String>> keysOfClient,
                    CpuMeter cpu, HandoffLog handoffs) throws Exception {
    List<LoadVerticle> loops = LoadVerticle.deploy(vertx, Runtime.getRuntime().availableProcessors());
    Window window = Window.after(settings.warmupMs(), settings.durationMs());
    CountDownLatch finished = new CountDownLatch(settings.clients());
    List<PairClient> clients = new ArrayList<>();
    for (int i = 0; i < settings.clients(); i++) {
      PairClient client = new PairClient(transport, keysOfClient.apply(i), settings.ttlSeconds(),
        settings.waitTimeoutSeconds(), window, handoffs, finished::countDown);
      clients.add(client);
      loops.get(i % loops.size()).run(client::start);
    }
    Window.sleepUntil(window.startNanos());
    CpuMeter.Reading cpuStart = cpu.read();
    Window.sleepUntil(window.endNanos());
    CpuMeter.Reading cpuUsed = cpu.read().since(cpuStart);
    finished.await(DRAIN_MS, TimeUnit.MILLISECONDS);

    Histogram pairMicros = new Histogram(PairClient.MAX_MICROS, 3);
    Histogram waitMicros = new Histogram(PairClient.MAX_MICROS, 3);
    Errors errors = new Errors();
    long pairs = 0;
    // the latch orders each finished client's writes before these reads; one that never finished
    // (stuck in a call past the drain time) is read as it is and reported as unfinished
    for (PairClient client : clients) {
      pairMicros.add(client.pairMicros);
      waitMicros.add(client.waitMicros);
      errors.addAll(client.errors);
      pairs += client.pairs;
    }
    return new Result(window, pairs, pairMicros, waitMicros, errors, cpuUsed, clients, finished.getCount());
  }
}
