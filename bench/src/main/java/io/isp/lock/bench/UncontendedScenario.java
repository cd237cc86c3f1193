package io.isp.lock.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Rows a and d: N clients each loop lock → unlock on random keys out of 100,000, with
 * {@code waitTimeout 0}. Client i only draws keys i, i+N, i+2N, ... so no two clients ever want the
 * same key: every lock must succeed, and any 409 is a real error.
 */
final class UncontendedScenario {

  static final int KEY_SPACE = 100_000;
  static final double TTL_SECONDS = 30;

  private UncontendedScenario() {
  }

  static Row run(String id, String scenario, Vertx vertx, Transport transport, int clients, long warmupMs,
                 long durationMs, CpuMeter cpu, String cpuOf) throws Exception {
    PairRun.Result result = PairRun.run(vertx, transport,
      new PairRun.Settings(clients, TTL_SECONDS, 0, warmupMs, durationMs),
      i -> keysOf(i, clients), cpu, null);
    String details = "CPU: " + cpuOf + "; " + Row.clientCpuNote(result.cpu(), result.pairs()) + Row.othersNote(result.cpu())
      + (result.errors().total() > 0 ? "; errors: " + result.errors().summary() : "")
      + (result.unfinished() > 0 ? "; " + result.unfinished() + " clients still in a call 30 s after the end" : "");
    if (result.errors().total() > 0) {
      System.err.println("[bench] " + id + " errors:\n" + result.errors().evidence());
    }
    return Row.of(id, scenario, clients, result.pairsPerSecond(), result.pairMicros(), result.errors().total(),
      result.cpuPer10k(), details, new JsonObject().put("unfinished", result.unfinished()).put("othersShare", result.cpu().othersShare()));
  }

  /** Keys of client i of n: "bench-u-K" for K = i + n·j, uniformly at random, K < 100,000. */
  static Supplier<String> keysOf(int client, int clients) {
    int slots = (KEY_SPACE - client + clients - 1) / clients;
    return () -> "bench-u-" + (client + clients * ThreadLocalRandom.current().nextInt(slots));
  }
}
