package io.isp.lock.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Row c: {@code keys} holders each take one key; then {@code keys × perKey} waiters, each on its
 * own HTTP connection, ask for those keys with a long {@code waitTimeout} and block. While they are
 * all blocked (the service's own {@code /health/ready} waiter count says so) the service's heap and
 * RSS are sampled; then the holders unlock, each waiter unlocks as soon as it is granted, and the
 * scenario checks that every waiter was served.
 */
final class ManyWaitersScenario {

  /** Long enough to outlast ramp-up, the hold and the memory sampling. */
  private static final double HOLDER_TTL_SECONDS = 300;
  private static final long QUEUE_DEADLINE_MS = 90_000;

  record Settings(int keys, int perKey, long holdMs, double waitTimeoutSeconds, int rampBatch, long rampPauseMs) {
    int waiters() {
      return keys * perKey;
    }
  }

  /** What the waiters saw; written from many event loops. */
  private static final class Tally {
    final CountDownLatch finished;
    final AtomicLong served = new AtomicLong();
    final AtomicLong grantedBeforeRelease = new AtomicLong();
    final AtomicLong lastDoneNanos = new AtomicLong();
    final Histogram sinceRelease = new ConcurrentHistogram(PairClient.MAX_MICROS, 3);
    final Errors errors = new Errors();
    volatile long releaseNanos;

    Tally(int waiters) {
      finished = new CountDownLatch(waiters);
    }
  }

  private ManyWaitersScenario() {
  }

  static Row run(String id, Vertx vertx, int port, long servicePid, CpuMeter cpu, Settings settings) throws Exception {
    int total = settings.waiters();
    long requestTimeoutMs = (long) (settings.waitTimeoutSeconds() * 1000) + 60_000;
    try (HttpTransport http = new HttpTransport(vertx, port, total + settings.keys() + 8, requestTimeoutMs)) {
      List<LoadVerticle> loops = LoadVerticle.deploy(vertx, Runtime.getRuntime().availableProcessors());

      log("taking " + settings.keys() + " keys with one holder each");
      List<String> holderLockKeys = new ArrayList<>();
      for (int k = 0; k < settings.keys(); k++) {
        Reply holder = await(http.lock(new JsonObject().put("key", key(k)).put("ttl", HOLDER_TTL_SECONDS).put("waitTimeout", 0)));
        if (!holder.ok()) {
          throw new IllegalStateException("holder of " + key(k) + " got " + holder.errorLabel());
        }
        holderLockKeys.add(holder.body().getString("lockKey"));
      }

      log("opening " + total + " waiters, " + settings.rampBatch() + " every " + settings.rampPauseMs() + " ms");
      Tally tally = new Tally(total);
      CpuMeter.Reading cpuStart = cpu.read();
      long rampStart = System.nanoTime();
      for (int w = 0; w < total; w++) {
        String key = key(w % settings.keys());
        loops.get(w % loops.size()).run(() -> waiter(http, key, settings.waitTimeoutSeconds(), tally));
        if ((w + 1) % settings.rampBatch() == 0) {
          Thread.sleep(settings.rampPauseMs());
        }
      }
      long queued = 0;
      long queueDeadline = System.nanoTime() + QUEUE_DEADLINE_MS * 1_000_000;
      while (queued < total && System.nanoTime() < queueDeadline && tally.finished.getCount() > 0) {
        queued = Math.max(queued, waitersOf(await(http.ready())));
        if (queued < total) {
          Thread.sleep(200);
        }
      }
      double queueSeconds = (System.nanoTime() - rampStart) / 1e9;
      CpuMeter.Reading cpuQueue = cpu.read().since(cpuStart);
      log(String.format(Locale.ROOT, "service reports %,d waiters after %.1f s; sampling memory for %d ms",
        queued, queueSeconds, settings.holdMs()));

      double maxRss = 0;
      double maxHeap = 0;
      long sampleEnd = System.nanoTime() + settings.holdMs() * 1_000_000;
      do {
        maxRss = Math.max(maxRss, ProcessStats.rssMiB(servicePid));
        maxHeap = Math.max(maxHeap, ProcessStats.heapUsedMiB(servicePid));
        Thread.sleep(500);
      } while (System.nanoTime() < sampleEnd);
      ProcessStats.gc(servicePid);
      double liveHeap = ProcessStats.heapUsedMiB(servicePid);
      maxRss = Math.max(maxRss, ProcessStats.rssMiB(servicePid));
      long stillQueued = waitersOf(await(http.ready()));

      log("releasing the holders");
      CpuMeter.Reading cpuRelease = cpu.read();
      tally.releaseNanos = System.nanoTime();
      List<Future<Reply>> unlocks = new ArrayList<>();
      for (int k = 0; k < settings.keys(); k++) {
        unlocks.add(http.unlock(new JsonObject().put("key", key(k)).put("lockKey", holderLockKeys.get(k))));
      }
      long holderUnlockErrors = 0;
      for (Future<Reply> unlock : unlocks) {
        Reply reply = await(unlock);
        if (!reply.ok()) {
          holderUnlockErrors++;
          tally.errors.add("holder unlock", reply);
        }
      }
      boolean allDone = tally.finished.await(requestTimeoutMs + 10_000, TimeUnit.MILLISECONDS);
      CpuMeter.Reading cpuUsed = cpu.read().since(cpuRelease).plus(cpuQueue);
      long leftInService = waitersOf(await(http.ready()));

      long served = tally.served.get();
      double drainSeconds = served == 0 ? 0 : (tally.lastDoneNanos.get() - tally.releaseNanos) / 1e9;
      double pairsPerSec = drainSeconds > 0 ? served / drainSeconds : 0;
      double cpuSeconds = cpuUsed.service();
      long errors = tally.errors.total() + (allDone ? 0 : tally.finished.getCount());
      String details = String.format(Locale.ROOT,
        "%,d waiters on %d keys: service reported %,d blocked (%,d after the memory sampling), all connected in %.1f s; "
          + "heap used max %.0f MiB while waiting, %.0f MiB live after a full GC (-Xmx256m); RSS max %.0f MiB; "
          + "served %,d of %,d in %.2f s after the holders' release; %,d granted before the release; "
          + "%,d still listed as waiting afterwards%s. Latency = holders' release → waiter's unlock answered. "
          + "CPU covers connect + queue + drain; %s",
        total, settings.keys(), queued, stillQueued, queueSeconds, maxHeap, liveHeap, maxRss, served, total, drainSeconds,
        tally.grantedBeforeRelease.get(), leftInService,
        allDone ? "" : "; " + tally.finished.getCount() + " waiters never answered", Row.othersNote(cpuUsed));
      if (tally.errors.total() > 0) {
        details += "; errors: " + tally.errors.summary();
        System.err.println("[bench] " + id + " errors:\n" + tally.errors.evidence());
      }
      JsonObject metrics = new JsonObject()
        .put("waiters", total).put("queued", queued).put("served", served).put("neverAnswered", allDone ? 0 : tally.finished.getCount())
        .put("heapMaxMiB", maxHeap).put("heapLiveMiB", liveHeap).put("rssMaxMiB", maxRss)
        .put("grantedBeforeRelease", tally.grantedBeforeRelease.get()).put("leftInService", leftInService)
        .put("holderUnlockErrors", holderUnlockErrors).put("othersShare", cpuUsed.othersShare()).put("serviceAlive", ProcessStats.alive(servicePid));
      return Row.of(id, "many waiters (" + settings.keys() + " keys × " + settings.perKey() + "), HTTP, service -Xmx256m",
        total, pairsPerSec, tally.sinceRelease, errors, served == 0 ? 0 : cpuSeconds / served * 10_000, details, metrics);
    }
  }

  private static void waiter(HttpTransport http, String key, double waitTimeoutSeconds, Tally tally) {
    http.lock(new JsonObject().put("key", key).put("ttl", UncontendedScenario.TTL_SECONDS).put("waitTimeout", waitTimeoutSeconds))
      .onComplete(locked -> {
        Reply lock = locked.result();
        if (!lock.ok()) {
          tally.errors.add("lock", lock);
          tally.finished.countDown();
          return;
        }
        if (tally.releaseNanos == 0) {
          tally.grantedBeforeRelease.incrementAndGet();
        }
        http.unlock(new JsonObject().put("key", key).put("lockKey", lock.body().getString("lockKey")))
          .onComplete(unlocked -> {
            long done = System.nanoTime();
            if (unlocked.result().ok()) {
              tally.served.incrementAndGet();
              tally.lastDoneNanos.accumulateAndGet(done, Math::max);
              long release = tally.releaseNanos;
              tally.sinceRelease.recordValue(Math.min(PairClient.MAX_MICROS, Math.max(0, done - release) / 1000));
            } else {
              tally.errors.add("unlock", unlocked.result());
            }
            tally.finished.countDown();
          });
      });
  }

  private static String key(int k) {
    return "bench-wait-" + k;
  }

  /** The {@code waiters} number in the /health/ready body (under checks[].data), or -1. */
  static long waitersOf(Reply ready) {
    if (ready.body() == null) {
      return -1;
    }
    JsonArray checks = ready.body().getJsonArray("checks", new JsonArray());
    for (int i = 0; i < checks.size(); i++) {
      JsonObject data = checks.getJsonObject(i).getJsonObject("data");
      if (data != null && data.containsKey("waiters")) {
        return data.getLong("waiters");
      }
    }
    return -1;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private static void log(String message) {
    System.err.println("[bench] waiters: " + message);
  }
}
