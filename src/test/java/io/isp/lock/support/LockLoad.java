package io.isp.lock.support;

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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Concurrent clients that lock a few hot keys (so some of them wait) and unlock what they got, in a
 * loop, over HTTP; every call is recorded with its start, end and answer, so a test can check what
 * the calls in flight during a fault got, and how fast. A call that gets no answer within
 * {@code callTimeout} is recorded with status 0: a stuck call.
 */
public final class LockLoad implements AutoCloseable {

  /** One HTTP call: nanoTime at start and end, {@code lock} or {@code unlock}, status (0: no answer), problem code. */
  public record Call(long startNanos, long endNanos, String op, int status, String code) {

    public Duration took() {
      return Duration.ofNanos(endNanos - startNanos);
    }

    @Override
    public String toString() {
      return op + " " + status + (code == null ? "" : " " + code) + " in " + took().toMillis() + " ms";
    }
  }

  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final List<Thread> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final double ttlSeconds;
  private final double waitSeconds;
  private final Duration callTimeout;
  private volatile boolean running = true;

  private LockLoad(int port, double ttlSeconds, double waitSeconds, Duration callTimeout) {
    this.base = "http://127.0.0.1:" + port + ServiceUnderTest.API;
    this.ttlSeconds = ttlSeconds;
    this.waitSeconds = waitSeconds;
    this.callTimeout = callTimeout;
  }

  /**
   * Starts {@code clients} threads on {@code keys} distinct keys against the service on {@code port};
   * each lock asks {@code ttl} and waits up to {@code waitTimeout} seconds.
   */
  public static LockLoad start(int port, int clients, int keys, double ttl, double waitTimeout, Duration callTimeout) {
    LockLoad load = new LockLoad(port, ttl, waitTimeout, callTimeout);
    for (int i = 0; i < clients; i++) {
      Thread client = new Thread(() -> load.loop(keys), "lock-load-" + i);
      client.setDaemon(true);
      load.clients.add(client);
      client.start();
    }
    return load;
  }

  private void loop(int keys) {
    while (running) {
      String key = "load-" + ThreadLocalRandom.current().nextInt(keys);
      Call lock = call("lock", new JsonObject().put("key", key).put("ttl", ttlSeconds).put("waitTimeout", waitSeconds));
      if (lock.status() == 200 && lastLockKey.get() != null) {
        call("unlock", new JsonObject().put("key", key).put("lockKey", lastLockKey.get()));
      }
      if (lock.status() != 200 && lock.status() != 409) {
        // a client backs off a little after a 503 (as Retry-After asks, shortened), without a fixed sleep of the test's
        pause(50);
      }
    }
  }

  private final ThreadLocal<String> lastLockKey = new ThreadLocal<>();

  private Call call(String op, JsonObject body) {
    long start = System.nanoTime();
    int status = 0;
    String code = null;
    lastLockKey.remove();
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/" + op))
        .timeout(callTimeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      JsonObject json = response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body());
      code = json.getString("code");
      if (status == 200 && op.equals("lock")) {
        lastLockKey.set(json.getString("lockKey"));
      }
    } catch (java.net.http.HttpTimeoutException e) {
      code = "no answer within " + callTimeout;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      code = "interrupted";
      status = -1;
    } catch (Exception e) {
      status = -1;
      code = e.toString();
    }
    Call call = new Call(start, System.nanoTime(), op, status, code);
    calls.add(call);
    return call;
  }

  private static void pause(long millis) {
    java.util.concurrent.locks.LockSupport.parkNanos(millis * 1_000_000);
  }

  /** Every call recorded so far. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** How many calls so far answered {@code status}. */
  public long count(Predicate<Call> which) {
    return calls.stream().filter(which).count();
  }

  /** Calls that started at or after {@code nanos}. */
  public List<Call> startedAfter(long nanos) {
    return calls.stream().filter(call -> call.startNanos() >= nanos).toList();
  }

  /** How many calls answered each status (and code), e.g. {@code {200=812, 409=40, 503 redis_unavailable=17}}. */
  public static Map<String, Long> tally(List<Call> calls) {
    Map<String, Long> tally = new TreeMap<>();
    for (Call call : calls) {
      tally.merge(call.status() + (call.status() >= 400 && call.code() != null ? " " + call.code() : ""), 1L, Long::sum);
    }
    return tally;
  }

  /** Stops the clients and waits for the calls in flight to end (each is bounded by the call timeout). */
  public List<Call> stop() {
    running = false;
    for (Thread client : clients) {
      try {
        client.join(callTimeout.multipliedBy(2).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return calls();
  }

  @Override
  public void close() {
    stop();
  }
}
