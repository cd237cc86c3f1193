package io.isp.lock.redis;

import io.isp.lock.history.Acquisition;
import io.isp.lock.history.HistoryChecker;
import io.isp.lock.history.HistoryRecorder;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients that lock and unlock a few keys over HTTP, in a loop, spread over one or more service
 * instances, recording every hold they were granted ({@link HistoryRecorder}) and every answer: so a
 * test can check that no two holds of a key overlapped, that fencing tokens only went up, and that
 * no call went unanswered (status 0) or got a 5xx other than 503.
 */
final class ContendedClients implements AutoCloseable {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).build();
  private final HistoryRecorder history = new HistoryRecorder();
  private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Integer> ports;
  private final List<String> keys;
  private final double ttlSeconds;
  private final double waitSeconds;
  private final Duration callTimeout;
  private volatile boolean running = true;

  private ContendedClients(List<Integer> ports, List<String> keys, double ttlSeconds, double waitSeconds) {
    this.ports = ports;
    this.keys = keys;
    this.ttlSeconds = ttlSeconds;
    this.waitSeconds = waitSeconds;
    // a call is stuck when it is not answered well after its wait timeout
    this.callTimeout = Duration.ofMillis((long) (waitSeconds * 1000) + 15_000);
  }

  /** {@code clients} threads on {@code keys}, each call to one of {@code services} in turn. */
  static ContendedClients start(List<ServiceUnderTest> services, int clients, List<String> keys, double ttl, double wait) {
    ContendedClients load = new ContendedClients(services.stream().map(ServiceUnderTest::port).toList(), keys, ttl, wait);
    for (int i = 0; i < clients; i++) {
      String name = "client-" + i;
      Thread thread = new Thread(() -> load.loop(name), name);
      thread.setDaemon(true);
      load.threads.add(thread);
      thread.start();
    }
    return load;
  }

  private void loop(String client) {
    int call = 0;
    while (running) {
      String key = keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
      String base = "http://127.0.0.1:" + ports.get(call++ % ports.size()) + ServiceUnderTest.API;
      long requestedAt = HistoryRecorder.nowMicros();
      JsonObject lock = post(base + "/lock", new JsonObject().put("key", key).put("ttl", ttlSeconds).put("waitTimeout", waitSeconds));
      if (lock.getInteger("status") == 200) {
        long grantedAt = HistoryRecorder.nowMicros();
        long unlockSentAt = HistoryRecorder.nowMicros();
        JsonObject unlock = post(base + "/unlock", new JsonObject().put("key", key).put("lockKey", lock.getString("lockKey")));
        history.record(new Acquisition(client, key, lock.getLong("fencingToken"), grantedAt,
          Acquisition.heldUntil(requestedAt, (long) (ttlSeconds * 1000), unlockSentAt),
          unlock.getInteger("status") == 200 ? unlock.getString("outcome", "released") : "error " + unlock.getInteger("status")));
      } else if (lock.getInteger("status") != 409) {
        // back off a little after a 503, as Retry-After asks (shortened)
        LockSupport.parkNanos(50_000_000);
      }
    }
  }

  /** The answer's JSON plus "status" (0: no answer within the call timeout, -1: no connection). */
  private JsonObject post(String url, JsonObject body) {
    int status;
    JsonObject json = new JsonObject();
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(callTimeout)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      if (!response.body().isEmpty()) {
        json = new JsonObject(response.body());
      }
    } catch (java.net.http.HttpTimeoutException e) {
      status = 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      status = -1;
    } catch (Exception e) {
      status = -1;
    }
    String op = url.substring(url.lastIndexOf('/') + 1);
    answers.computeIfAbsent(op + " " + status + (json.getString("code") == null ? "" : " " + json.getString("code")),
      k -> new AtomicLong()).incrementAndGet();
    return json.put("status", status);
  }

  /** How many calls got each answer, e.g. {@code {lock 200=812, lock 409 lock_held=3, unlock 200=812}}. */
  Map<String, Long> answers() {
    Map<String, Long> tally = new TreeMap<>();
    answers.forEach((answer, count) -> tally.put(answer, count.get()));
    return tally;
  }

  long granted() {
    return history.history().size();
  }

  /** Stops the clients, waits for the calls in flight, and checks the holds: overlaps and backwards tokens. */
  HistoryChecker.Report stop() {
    running = false;
    for (Thread thread : threads) {
      try {
        thread.join(callTimeout.multipliedBy(2).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return HistoryChecker.check(history.history());
  }

  @Override
  public void close() {
    stop();
  }
}
