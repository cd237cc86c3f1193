package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RandomRuns;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random requests (see {@link FuzzRequests}) against one instance of the service on its own
 * redis-server, with client and admin tokens configured. For every answer: no 5xx; no answer later
 * than the request's own wait allows (lock.maxWaitTimeout here) plus a margin; every 4xx a
 * problem+json with a {@code code}. After every batch: the locks the test took before the run still
 * have their lockKeys, fencing tokens and falling TTLs, so no request changed a lock it did not own.
 */
@Tag("slow")
@DisplayName("The HTTP API under 10,000 random requests")
class HttpFuzzTest {

  static final int CASES = 10_000;
  private static final int BATCHES = 20;
  private static final int CLIENTS = 4;
  private static final String CLIENT_TOKEN = "client-token-0123456789";
  private static final String ADMIN_TOKEN = "admin-token-0123456789";
  private static final long MAX_WAIT_MS = 500;
  /** What a slow, shared 2-core machine may add to an answer (a GC pause, the other builds). */
  private static final long MARGIN_MS = 3_000;
  /** Short, so that requests cut short cost little; the keep-alive connections are never idle that long. */
  private static final long IDLE_TIMEOUT_MS = 1_000;
  /** About one request in this many is sent cut short at the transport (fewer bytes than its Content-Length). */
  private static final int TRUNCATED_EVERY = 400;
  private static final List<String> HELD = List.of("held-a", "held b", "held::c", "held*?[", "held\nnewline", "held-\uD83D\uDD12");

  @RegisterExtension
  @Order(1)
  static final RedisProcess redis = RedisProcess.fixture();
  @RegisterExtension
  @Order(2)
  static final ServiceUnderTest service = ServiceUnderTest.on(redis, new JsonObject()
    .put("http", new JsonObject().put("tokens", new JsonArray().add(CLIENT_TOKEN)).put("adminTokens", new JsonArray().add(ADMIN_TOKEN))
      .put("idleTimeout", IDLE_TIMEOUT_MS + "ms"))
    .put("lock", new JsonObject().put("maxWaitTimeout", MAX_WAIT_MS + "ms").put("defaultWaitTimeout", "200ms")));

  private record Held(String key, String lockKey, String fencingToken) {
  }

  @Test
  @DisplayName("no 5xx, no late answer, every 4xx a problem with a code, and no lock changed that the request did not own")
  void randomRequests() throws Exception {
    Map<String, Held> held = new LinkedHashMap<>();
    Map<String, Long> lastTtl = new TreeMap<>();
    for (String key : HELD) {
      HttpResult locked = service.post(API + "/lock", new JsonObject().put("key", key).put("ttl", 600).encode(),
        "Content-Type", "application/json", "X-Application-Token", CLIENT_TOKEN);
      assertThat(locked.status()).as("lock %s", key).isEqualTo(200);
      held.put(key, new Held(key, locked.json().getString("lockKey"), locked.json().getLong("fencingToken").toString()));
      lastTtl.put(key, Long.MAX_VALUE);
    }

    long seed = RandomRuns.seed();
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
    long[] slowestMs = new long[1];
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(new Client(new FuzzRequests(new Random(seed + i), HELD, CLIENT_TOKEN, ADMIN_TOKEN), violations, statuses, slowestMs));
    }
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int batch = 0; batch < BATCHES; batch++) {
        List<Callable<Void>> work = new ArrayList<>();
        clients.forEach(client -> work.add(() -> client.run(CASES / BATCHES / CLIENTS)));
        for (Future<Void> done : pool.invokeAll(work)) {
          done.get();
        }
        held.values().forEach(lock -> checkUntouched(lock, lastTtl, violations));
        assertThat(violations).as("seed %d (repeat with -D%s=%d)", seed, RandomRuns.SEED_PROPERTY, seed).isEmpty();
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(Client::close);
    }
    long sent = clients.stream().mapToLong(client -> client.sent).sum();
    System.out.printf("HttpFuzzTest: %d requests (%d cut short) in %d ms over %d connections (%d reconnects), slowest answer %d ms, statuses %s, seed %d%n",
      sent, clients.stream().mapToLong(client -> client.cut).sum(), (System.nanoTime() - started) / 1_000_000, CLIENTS,
      clients.stream().mapToLong(client -> client.reconnects).sum(), slowestMs[0], statuses, seed);
    assertThat(sent).isGreaterThanOrEqualTo(CASES);
  }

  /** The lock is still the one the test took: same lockKey, same fencing token, a TTL that only fell. */
  private static void checkUntouched(Held lock, Map<String, Long> lastTtl, List<String> violations) {
    Object owner = redis.call("GET", service.redisKey(lock.key()));
    Object token = redis.call("GET", service.config().redis().prefix() + ":fence:" + lock.key());
    long ttl = (Long) redis.call("PTTL", service.redisKey(lock.key()));
    if (!lock.lockKey().equals(owner) || !lock.fencingToken().equals(token) || ttl <= 0 || ttl > lastTtl.get(lock.key())) {
      violations.add("held lock '" + lock.key() + "' changed: owner " + owner + " (was " + lock.lockKey() + "), fencing token "
        + token + " (was " + lock.fencingToken() + "), PTTL " + ttl + " (was " + lastTtl.get(lock.key()) + ")");
    }
    lastTtl.put(lock.key(), ttl);
  }

  /** One keep-alive connection sending random requests one after another, checking each answer. */
  private static final class Client {
    private final FuzzRequests requests;
    private final List<String> violations;
    private final Map<Integer, Integer> statuses;
    private final long[] slowestMs;
    private RawConnection connection;
    private long lastUsedNanos;
    long sent;
    long cut;
    long reconnects;

    Client(FuzzRequests requests, List<String> violations, Map<Integer, Integer> statuses, long[] slowestMs) {
      this.requests = requests;
      this.violations = violations;
      this.statuses = statuses;
      this.slowestMs = slowestMs;
    }

    Void run(int cases) {
      for (int i = 0; i < cases; i++) {
        FuzzRequests.Request request = requests.next();
        if (request.bytes().length > 80 && Math.floorMod(request.bytes().length * 31 + i, TRUNCATED_EVERY) == 0) {
          sendCut(request);
          continue;
        }
        long allowedMs = (request.lock() ? MAX_WAIT_MS : 0) + MARGIN_MS;
        long start = System.nanoTime();
        HttpResult answer = exchange(request, allowedMs);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        sent++;
        synchronized (slowestMs) {
          slowestMs[0] = Math.max(slowestMs[0], tookMs);
        }
        if (answer == null) {
          violations.add("no answer to " + request);
          continue;
        }
        statuses.merge(answer.status(), 1, Integer::sum);
        check(request, answer, tookMs, allowedMs);
        if ("close".equalsIgnoreCase(answer.header("connection"))) {
          close();
        }
      }
      return null;
    }

    private void check(FuzzRequests.Request request, HttpResult answer, long tookMs, long allowedMs) {
      if (answer.status() >= 500) {
        violations.add(answer.status() + " " + answer.body() + " to " + request);
      }
      if (tookMs > allowedMs) {
        violations.add("answered after " + tookMs + " ms (allowed " + allowedMs + "): " + request);
      }
      if (answer.status() >= 400) {
        String type = answer.header("content-type");
        String code = null;
        try {
          JsonObject problem = answer.json();
          code = problem.getValue("code") instanceof String text ? text : null;
        } catch (RuntimeException e) {
          // not JSON: reported below
        }
        if (type == null || !type.startsWith("application/problem+json") || code == null) {
          violations.add(answer.status() + " without a problem+json code (" + type + ": " + answer.body() + ") to " + request);
        }
      }
    }

    /**
     * Sends the request without its last bytes, on a connection of its own: the server must close
     * it after http.idleTimeout (a request that never fully arrived gets no answer, README), or
     * answer it with a 4xx, never hang on it or answer 5xx.
     */
    private void sendCut(FuzzRequests.Request request) {
      sent++;
      cut++;
      byte[] bytes = request.bytes();
      try (RawConnection alone = RawConnection.connect(service.port())) {
        alone.send(Arrays.copyOf(bytes, bytes.length - 1 - (bytes.length % 7)));
        if (!alone.awaitClosed(Duration.ofMillis(IDLE_TIMEOUT_MS + MARGIN_MS))) {
          violations.add("still open " + (IDLE_TIMEOUT_MS + MARGIN_MS) + " ms after a cut request: " + request);
        } else if (alone.received().startsWith("HTTP/1.1 5")) {
          violations.add("5xx to a cut request: " + alone.received() + " to " + request);
        }
      }
    }

    /**
     * Sends and reads the answer. A kept-alive connection left idle past http.idleTimeout (while
     * the other clients finish their batch) has been closed by the server: then, and only then, the
     * request goes again on a new connection.
     */
    private HttpResult exchange(FuzzRequests.Request request, long allowedMs) {
      for (int attempt = 0; attempt < 2; attempt++) {
        boolean idledOut = connection != null && System.nanoTime() - lastUsedNanos > (IDLE_TIMEOUT_MS - 100) * 1_000_000;
        try {
          if (connection == null) {
            connection = RawConnection.connect(service.port());
          }
          connection.send(request.bytes());
          return connection.readResponse(Duration.ofMillis(allowedMs + 10_000));
        } catch (RuntimeException e) {
          close();
          if (!idledOut) {
            violations.add("connection failed without an answer (" + e.getMessage() + ") to " + request);
            return new HttpResult(0, HttpHeaders.of(Map.of(), (name, value) -> true), "");
          }
          reconnects++;
        } finally {
          lastUsedNanos = System.nanoTime();
        }
      }
      return null;
    }

    void close() {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    }
  }
}
