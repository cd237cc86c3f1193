package io.isp.lock.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * Row b: all clients loop lock → unlock on one key with {@code waitTimeout 10}: every successful pair
 * is one handoff of the lock. Reports handoffs/s, the handoff latency (an unlock answered → the next
 * grant answered, see {@link HandoffLog}) and fairness (the largest per-client mean wait over the
 * mean wait; FIFO service keeps it near 1).
 */
final class HotKeyScenario {

  static final String KEY = "bench-hot";
  static final double WAIT_TIMEOUT_SECONDS = 10;

  private HotKeyScenario() {
  }

  static Row run(String id, Vertx vertx, Transport transport, int clients, long warmupMs, long durationMs,
                 CpuMeter cpu) throws Exception {
    HandoffLog log = new HandoffLog();
    PairRun.Result result = PairRun.run(vertx, transport,
      new PairRun.Settings(clients, UncontendedScenario.TTL_SECONDS, WAIT_TIMEOUT_SECONDS, warmupMs, durationMs),
      i -> () -> KEY, cpu, log);
    HandoffLog.Result handoffs = log.handoffs(result.window());

    double totalWait = 0;
    long waits = 0;
    double worstClientMean = 0;
    long fewestPairs = Long.MAX_VALUE;
    long mostPairs = 0;
    for (PairClient client : result.clients()) {
      totalWait += client.waitSumNanos;
      waits += client.waits;
      worstClientMean = Math.max(worstClientMean, client.meanWaitNanos());
      fewestPairs = Math.min(fewestPairs, client.pairs);
      mostPairs = Math.max(mostPairs, client.pairs);
    }
    double meanWaitMs = waits == 0 ? 0 : totalWait / waits / 1e6;
    double fairness = meanWaitMs == 0 ? 0 : worstClientMean / 1e6 / meanWaitMs;
    double maxSingleWaitMs = result.waitMicros().getMaxValue() / 1000.0;
    double handoffP50 = Row.ms(handoffs.micros(), 50);
    double handoffP99 = Row.ms(handoffs.micros(), 99);

    String details = String.format(Locale.ROOT,
      "handoffs/s %,.0f; handoff (unlock answered → next grant answered) p50 %.2f ms, p99 %.2f ms "
        + "(%,d of %,d grants answered before the releasing unlock: counted 0); "
        + "unlock sent → next grant answered p50 %.2f ms, p99 %.2f ms; "
        + "mean wait %.1f ms; fairness: worst client's mean wait / mean = %.2f, longest single wait / mean = %.2f; "
        + "pairs per client %,d..%,d; %s%s",
      result.pairsPerSecond(), handoffP50, handoffP99, handoffs.grantFirst(), handoffs.handoffs(),
      Row.ms(handoffs.fromSendMicros(), 50), Row.ms(handoffs.fromSendMicros(), 99), meanWaitMs,
      fairness, meanWaitMs == 0 ? 0 : maxSingleWaitMs / meanWaitMs, fewestPairs, mostPairs, Row.clientCpuNote(result.cpu(), result.pairs()), Row.othersNote(result.cpu()));
    if (result.errors().total() > 0) {
      details += "; errors: " + result.errors().summary();
      System.err.println("[bench] " + id + " errors:\n" + result.errors().evidence());
    }
    JsonObject metrics = new JsonObject()
      .put("handoffsPerSec", result.pairsPerSecond())
      .put("handoffP50Ms", handoffP50)
      .put("handoffP99Ms", handoffP99)
      .put("releaseToGrantP50Ms", Row.ms(handoffs.fromSendMicros(), 50))
      .put("fairness", fairness)
      .put("maxSingleWaitRatio", meanWaitMs == 0 ? 0 : maxSingleWaitMs / meanWaitMs)
      .put("unfinished", result.unfinished())
      .put("othersShare", result.cpu().othersShare());
    return Row.of(id, "hot key (1 key, waitTimeout 10), HTTP", clients, result.pairsPerSecond(), result.pairMicros(),
      result.errors().total(), result.cpuPer10k(), details, metrics);
  }
}
