package io.isp.lock.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * Row s64: all clients loop acquire → release on one semaphore of a few permits, with
 * {@code waitTimeout 10}, over HTTP: each pair is a permit taken and given back, most of them after a
 * wait. Reports pairs/s like the other rows, the mean wait, and as a sanity check the high-water
 * mark of holders at once (see {@link SemaphoreTransport}), which must not exceed the permits;
 * it should reach them, too, or the row did not measure a full semaphore.
 */
final class SemaphoreScenario {

  static final String KEY = "bench-semaphore";

  private SemaphoreScenario() {
  }

  static String description(int permits) {
    return "semaphore (1 key, " + permits + " permits, waitTimeout " + (long) HotKeyScenario.WAIT_TIMEOUT_SECONDS + "), HTTP";
  }

  static Row run(String id, String scenario, Vertx vertx, SemaphoreTransport transport, int clients, long warmupMs,
                 long durationMs, CpuMeter cpu) throws Exception {
    PairRun.Result result = PairRun.run(vertx, transport,
      new PairRun.Settings(clients, UncontendedScenario.TTL_SECONDS, HotKeyScenario.WAIT_TIMEOUT_SECONDS, warmupMs, durationMs),
      i -> () -> KEY, cpu, null);
    int permits = transport.permits();
    boolean capped = transport.highWater() <= permits;
    long waits = result.clients().stream().mapToLong(client -> client.waits).sum();
    double waitSumNanos = result.clients().stream().mapToDouble(client -> client.waitSumNanos).sum();
    String details = String.format(Locale.ROOT,
      "holders at once, high-water (the grants' holders): %d of %d permits (%s); mean wait %.1f ms; %s%s",
      transport.highWater(), permits, capped ? "capped" : "**EXCEEDED**",
      waits == 0 ? 0 : waitSumNanos / waits / 1e6, Row.clientCpuNote(result.cpu(), result.pairs()), Row.othersNote(result.cpu()));
    if (result.errors().total() > 0) {
      details += "; errors: " + result.errors().summary();
      System.err.println("[bench] " + id + " errors:\n" + result.errors().evidence());
    }
    JsonObject metrics = new JsonObject()
      .put("permits", permits)
      .put("holdersHighWater", transport.highWater())
      .put("unfinished", result.unfinished())
      .put("othersShare", result.cpu().othersShare());
    return Row.of(id, scenario, clients, result.pairsPerSecond(), result.pairMicros(), result.errors().total(),
      result.cpuPer10k(), details, metrics);
  }
}
