package io.isp.lock.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Row rw: the hot key of row b as a read-write lock, read-heavy. All clients loop lock → unlock on
 * one key with {@code waitTimeout 10}; each lock is a read lock with probability {@value #READ_SHARE}
 * and a write lock otherwise. Readers share the key, a writer has it alone and holds new readers
 * back while it waits, so the rate sits between row a's (all readers) and row b's (all writers).
 * Reports pairs/s and how many of them were reads.
 */
final class ReadWriteScenario {

  static final String KEY = "bench-rw";
  static final double READ_SHARE = 0.9;

  private ReadWriteScenario() {
  }

  static Row run(String id, String scenario, Vertx vertx, Transport http, int clients, long warmupMs, long durationMs,
                 CpuMeter cpu) throws Exception {
    ReadMix mix = new ReadMix(http);
    PairRun.Result result = PairRun.run(vertx, mix,
      new PairRun.Settings(clients, UncontendedScenario.TTL_SECONDS, HotKeyScenario.WAIT_TIMEOUT_SECONDS, warmupMs, durationMs),
      i -> () -> KEY, cpu, null);
    long reads = mix.readGrants.sum();
    long writes = mix.writeGrants.sum();
    String details = String.format(Locale.ROOT,
      "grants (warm-up included): %,d reads, %,d writes (%.1f %% reads); %s%s%s%s",
      reads, writes, reads + writes == 0 ? 0 : 100.0 * reads / (reads + writes),
      Row.clientCpuNote(result.cpu(), result.pairs()), Row.othersNote(result.cpu()),
      result.errors().total() > 0 ? "; errors: " + result.errors().summary() : "",
      result.unfinished() > 0 ? "; " + result.unfinished() + " clients still in a call 30 s after the end" : "");
    if (result.errors().total() > 0) {
      System.err.println("[bench] " + id + " errors:\n" + result.errors().evidence());
    }
    JsonObject metrics = new JsonObject()
      .put("readGrants", reads)
      .put("writeGrants", writes)
      .put("unfinished", result.unfinished())
      .put("othersShare", result.cpu().othersShare());
    return Row.of(id, scenario, clients, result.pairsPerSecond(), result.pairMicros(), result.errors().total(),
      result.cpuPer10k(), details, metrics);
  }

  /** Makes {@value #READ_SHARE} of the lock calls read locks, and counts the grants of each mode. */
  private static final class ReadMix implements Transport {

    private final Transport http;
    final LongAdder readGrants = new LongAdder();
    final LongAdder writeGrants = new LongAdder();

    ReadMix(Transport http) {
      this.http = http;
    }

    @Override
    public Future<Reply> lock(JsonObject body) {
      boolean read = ThreadLocalRandom.current().nextDouble() < READ_SHARE;
      return http.lock(read ? body.copy().put("mode", "read") : body).andThen(reply -> {
        if (reply.succeeded() && reply.result().ok()) {
          (read ? readGrants : writeGrants).increment();
        }
      });
    }

    @Override
    public Future<Reply> unlock(JsonObject body) {
      return http.unlock(body);
    }
  }
}
