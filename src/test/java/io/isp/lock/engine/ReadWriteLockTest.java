package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.ForceReleased;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockMode;
import io.isp.lock.api.LockStatus;
import io.isp.lock.client.Lock;
import io.isp.lock.client.LockClient;
import io.isp.lock.client.LockOptions;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read-write locks against a real Redis (a Redis Cluster with {@code -Disp.test.redis=cluster}). The
 * holders are watched from the client side: a holder counts from the grant's reply to the unlock's
 * request, inside the time Redis held the lock for it, so an overlap seen here is a real one.
 */
@DisplayName("Read-write locks: readers share, a writer excludes all, a waiting writer holds new readers back")
class ReadWriteLockTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis();

  @Test
  @DisplayName("readers hold together: 4 readers on one key are all in at once, status says read and counts them")
  void readersOverlap() throws Exception {
    int readers = 4;
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger highWater = new AtomicInteger();
    AtomicInteger looked = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    runWorkers(readers, worker -> {
      HttpResult granted = lock("shared", "read", 30, 30);
      if (granted.status() != 200) {
        failures.add(granted.toString());
        return;
      }
      highWater.accumulateAndGet(holding.incrementAndGet(), Math::max);
      // hold on until every reader is in: only readers that share the lock can all get here
      await().atMost(Duration.ofSeconds(20)).until(() -> highWater.get() == readers);
      JsonObject status = status("shared");
      if (!"read".equals(status.getString("mode")) || status.getInteger("readers") != readers) {
        failures.add("status " + status);
      }
      looked.incrementAndGet();
      await().atMost(Duration.ofSeconds(20)).until(() -> looked.get() == readers);
      holding.decrementAndGet();
      expectOk(service.unlock("shared", granted.json().getString("lockKey")), failures);
    });

    assertThat(failures).isEmpty();
    assertThat(highWater.get()).as("readers holding at once").isEqualTo(readers);
    assertThat(status("shared").getBoolean("locked")).isFalse();
    assertThat(service.redis("KEYS", "*readers*shared")).as("the last reader leaves nothing behind").isBlank();
  }

  @Test
  @DisplayName("a writer excludes all: 6 readers and 2 writers, 6 rounds each, never a writer beside anyone; readers do meet")
  void writerExcludesAll() throws Exception {
    AtomicInteger readersIn = new AtomicInteger();
    AtomicInteger writersIn = new AtomicInteger();
    AtomicInteger readersHighWater = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<Long> writerTokens = new CopyOnWriteArrayList<>();
    runWorkers(8, worker -> {
      boolean writer = worker < 2;
      for (int round = 0; round < 6; round++) {
        HttpResult granted = lock("mixed", writer ? "write" : "read", 30, 60);
        if (granted.status() != 200) {
          failures.add(granted.toString());
          return;
        }
        if (writer) {
          if (writersIn.incrementAndGet() != 1 || readersIn.get() != 0) {
            failures.add("a writer got in beside " + writersIn.get() + " writers and " + readersIn.get() + " readers");
          }
          writerTokens.add(granted.json().getLong("fencingToken"));
          writes.incrementAndGet();
          pause();
          writersIn.decrementAndGet();
        } else {
          readersHighWater.accumulateAndGet(readersIn.incrementAndGet(), Math::max);
          if (writersIn.get() != 0) {
            failures.add("a reader got in beside a writer");
          }
          pause();
          readersIn.decrementAndGet();
        }
        expectOk(service.unlock("mixed", granted.json().getString("lockKey")), failures);
      }
    });

    assertThat(failures).isEmpty();
    assertThat(writes.get()).isEqualTo(12);
    assertThat(writerTokens).as("writers' fencing tokens").doesNotHaveDuplicates();
    assertThat(readersHighWater.get()).as("readers holding at once").isGreaterThan(1);
  }

  @Test
  @DisplayName("no writer starvation: under a steady stream of overlapping readers a writer gets in, and new readers wait behind it")
  void noWriterStarvation() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean writerHolds = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    List<CompletableFuture<Void>> stream = new ArrayList<>();
    try {
      for (int r = 0; r < 4; r++) {
        // each reader holds for 300 ms, and 4 of them overlap: the key is never free of readers
        stream.add(CompletableFuture.runAsync(() -> {
          while (!stop.get()) {
            HttpResult granted = lock("stream", "read", 30, 30);
            if (granted.status() != 200) {
              failures.add(granted.toString());
              return;
            }
            reads.incrementAndGet();
            if (writerHolds.get()) {
              failures.add("a reader got in while the writer held the key");
            }
            sleepMs(300);
            expectOk(service.unlock("stream", granted.json().getString("lockKey")), failures);
          }
        }, threads));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> reads.get() >= 8);

      long start = System.nanoTime();
      HttpResult writer = lock("stream", "write", 30, 20);
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      assertThat(writer.status()).as("the writer: %s", writer).isEqualTo(200);
      writerHolds.set(true);
      JsonObject status = status("stream");
      assertThat(status.getString("mode")).isEqualTo("write");
      assertThat(status.getInteger("readers")).isZero();
      // the readers wait now: at least one of them is blocked behind the writer
      await().atMost(Duration.ofSeconds(10)).until(() -> status("stream").getInteger("waiters") > 0);
      int readsWhileWriting = reads.get();
      writerHolds.set(false);
      assertThat(service.unlock("stream", writer.json().getString("lockKey")).status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> reads.get() > readsWhileWriting);
      // the readers' holds are 300 ms: the writer waited for the readers in at its arrival, not for the stream to dry up
      assertThat(waited).as("the writer's wait").isLessThan(Duration.ofSeconds(10));
    } finally {
      stop.set(true);
      CompletableFuture.allOf(stream.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      threads.shutdownNow();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName("a writer waiting behind a reader holds new readers back; when its wait runs out it withdraws, and they get in at once")
  void waitingWriterHoldsReadersBack() {
    HttpResult reader = lock("held-back", "read", 60, 0);
    assertThat(reader.status()).isEqualTo(200);
    CompletableFuture<HttpResult> writer = service.postAsync(API + "/lock",
      new JsonObject().put("key", "held-back").put("ttl", 30).put("waitTimeout", 3).encode());
    await().atMost(Duration.ofSeconds(10)).until(() -> !service.redis("KEYS", "*writers-waiting*held-back").isBlank());
    assertProblem(lock("held-back", "read", 30, 0), 409, "lock_held");

    long start = System.nanoTime();
    CompletableFuture<HttpResult> heldBack = service.postAsync(API + "/lock",
      new JsonObject().put("key", "held-back").put("mode", "read").put("ttl", 30).put("waitTimeout", 20).encode());
    assertProblem(writer.join(), 409, "lock_held");
    HttpResult granted = heldBack.join();
    assertThat(granted.status()).as("the reader held back: %s", granted).isEqualTo(200);
    // the first reader holds on for 60 s: this reader was let in by the writer's withdrawal, not by a timer
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertThat(service.redis("KEYS", "*writers-waiting*held-back")).isBlank();
    assertThat(status("held-back").getInteger("readers")).isEqualTo(2);
    assertThat(service.unlock("held-back", reader.json().getString("lockKey")).status()).isEqualTo(200);
    assertThat(service.unlock("held-back", granted.json().getString("lockKey")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("clients of the original service see a read-locked key as held: their SET NX fails; their writer keeps our readers out")
  void originalServiceSeesReadersAsHolders() {
    HttpResult reader = lock("legacy", "read", 30, 0);
    assertThat(reader.status()).isEqualTo(200);

    assertThat(service.redis("SET", service.redisKey("legacy"), "original-owner", "NX", "PX", "30000"))
      .as("the original service's SET NX while a reader holds").isEmpty();
    assertThat(service.unlock("legacy", reader.json().getString("lockKey")).status()).isEqualTo(200);

    // the original's writer, for 5 s: its lock expires, publishing nothing, and the reader looks again at its TTL
    assertThat(service.redis("SET", service.redisKey("legacy"), "original-owner", "NX", "PX", "5000")).isEqualTo("OK");
    assertProblem(lock("legacy", "read", 30, 0), 409, "lock_held");
    CompletableFuture<HttpResult> waitingReader = service.postAsync(API + "/lock",
      new JsonObject().put("key", "legacy").put("mode", "read").put("ttl", 30).put("waitTimeout", 20).encode());
    await().atMost(Duration.ofSeconds(10)).until(() -> status("legacy").getInteger("waiters") == 1);
    JsonObject status = status("legacy");
    assertThat(status.getString("mode")).isEqualTo("write");
    assertThat(status.getValue("fencingToken")).as("the original service issues none").isNull();
    HttpResult granted = waitingReader.join();
    assertThat(granted.status()).as("the reader after the original's writer: %s", granted).isEqualTo(200);
    assertThat(service.unlock("legacy", granted.json().getString("lockKey")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a crashed reader's TTL frees only itself: the other reader holds on, and a writer gets in when it leaves")
  void expiredReaderFreesOnlyItself() throws Exception {
    HttpResult crashed = lock("crash", "read", 1, 0);
    HttpResult alive = lock("crash", "read", 60, 0);
    assertThat(crashed.status()).isEqualTo(200);
    assertThat(alive.status()).isEqualTo(200);
    assertThat(alive.json().getLong("fencingToken")).isGreaterThan(crashed.json().getLong("fencingToken"));

    await().atMost(Duration.ofSeconds(10)).until(() -> status("crash").getInteger("readers") == 1);
    JsonObject status = status("crash");
    assertThat(status.getBoolean("locked")).isTrue();
    assertThat(status.getDouble("ttl")).as("the remaining reader's TTL").isGreaterThan(30);
    assertProblem(service.unlock("crash", crashed.json().getString("lockKey")), 409, "not_owner");
    assertProblem(lock("crash", "write", 30, 0), 409, "lock_held");

    CompletableFuture<HttpResult> writer = service.waitFor("crash", 30, 30);
    assertThat(service.unlock("crash", alive.json().getString("lockKey")).status()).isEqualTo(200);
    HttpResult granted = writer.get(30, TimeUnit.SECONDS);
    assertThat(granted.status()).isEqualTo(200);
    assertThat(granted.json().getLong("fencingToken")).isGreaterThan(alive.json().getLong("fencingToken"));
    assertThat(service.unlock("crash", granted.json().getString("lockKey")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("extend, unlock and status for a reader; not_owner for a stranger, not_held once free; force-unlock removes every reader")
  void ownerOperationsForReaders() {
    HttpResult first = lock("ops", "read", 5, 0);
    HttpResult second = lock("ops", "read", 5, 0);
    String firstKey = first.json().getString("lockKey");

    HttpResult extended = service.post(API + "/extend", new JsonObject().put("key", "ops").put("lockKey", firstKey).put("ttl", 60).encode());
    assertThat(extended.status()).isEqualTo(200);
    assertThat(extended.json().getLong("fencingToken")).isEqualTo(first.json().getLong("fencingToken"));
    JsonObject status = status("ops");
    assertThat(status.getString("mode")).isEqualTo("read");
    assertThat(status.getInteger("readers")).isEqualTo(2);
    assertThat(status.getLong("fencingToken")).as("the newest reader's token").isEqualTo(second.json().getLong("fencingToken"));
    assertThat(status.getDouble("ttl")).as("the marker lives as long as the latest reader").isGreaterThan(55);

    String stranger = "AAAAAAAAAAAAAAAAAAAAAA";
    assertProblem(service.unlock("ops", stranger), 409, "not_owner");
    assertProblem(service.post(API + "/extend", new JsonObject().put("key", "ops").put("lockKey", stranger).encode()), 409, "not_owner");
    assertThat(service.unlock("ops", firstKey).status()).isEqualTo(200);
    assertProblem(service.unlock("ops", firstKey), 409, "not_owner");
    assertThat(status("ops").getInteger("readers")).isEqualTo(1);

    LockClient client = LockClient.create(service.vertx());
    ForceReleased forced = ServiceUnderTest.await(client.forceUnlock("ops"));
    assertThat(forced.fencingToken()).isEqualTo(second.json().getLong("fencingToken"));
    assertProblem(service.unlock("ops", second.json().getString("lockKey")), 409, "not_held");
    assertThat(status("ops").getBoolean("locked")).isFalse();
    assertThat(status("ops").getValue("mode")).isNull();
    assertThat(service.redis("KEYS", "*readers*ops")).isBlank();
  }

  @Test
  @DisplayName("LockClient over the event bus: LockOptions.READ takes read locks side by side, kept alive; a writer's try is refused")
  void lockClientReadLocks() {
    LockClient client = LockClient.create(service.vertx());
    try {
      Lock first = ServiceUnderTest.await(client.lock("bus", Duration.ofMillis(900), Duration.ZERO, LockOptions.READ.withKeepAlive(true)));
      Lock second = ServiceUnderTest.await(client.lock("bus", Duration.ofSeconds(30), Duration.ZERO, LockOptions.READ));
      assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
      Throwable refused = client.tryLock("bus", Duration.ofSeconds(30)).toCompletionStage().toCompletableFuture()
        .handle((lock, error) -> error).join();
      assertThat(refused).as("a writer beside readers").isInstanceOf(LockException.class);
      assertThat(((LockException) refused).error()).isEqualTo(ErrorCode.LOCK_HELD);
      LockStatus status = ServiceUnderTest.await(client.status("bus"));
      assertThat(status.mode()).isEqualTo(LockMode.READ);
      assertThat(status.readers()).isEqualTo(2);
      ServiceUnderTest.await(second.unlock());
      // the first reader's TTL is 0.9 s: its renewals keep it in well past that
      await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10))
        .until(() -> ServiceUnderTest.await(client.status("bus")).readers() == 1);
      ServiceUnderTest.await(first.unlock());
      assertThat(ServiceUnderTest.await(client.status("bus")).locked()).isFalse();
    } finally {
      ServiceUnderTest.await(client.close());
    }
  }

  @Test
  @DisplayName("a write lock without mode is the mutex as before; status says write and 0 readers")
  void writeIsTheDefault() {
    HttpResult writer = service.lock("plain", 30);
    assertThat(service.redis("GET", service.redisKey("plain"))).isEqualTo(writer.json().getString("lockKey"));
    JsonObject status = status("plain");
    assertThat(status.getString("mode")).isEqualTo("write");
    assertThat(status.getInteger("readers")).isZero();
    assertProblem(lock("plain", "read", 30, 0), 409, "lock_held");
    assertThat(service.unlock("plain", writer.json().getString("lockKey")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("mode must be \"read\" or \"write\": anything else is 400 invalid_field naming mode")
  void modeIsValidated() {
    for (Object mode : List.of("READ", "shared", 1, true, new JsonObject())) {
      HttpResult refused = service.post(API + "/lock", new JsonObject().put("key", "v").put("mode", mode).encode());
      assertProblem(refused, 400, "invalid_field");
      assertThat(refused.json().getString("field")).as("for %s", mode).isEqualTo("mode");
    }
    assertThat(status("v").getBoolean("locked")).isFalse();
  }

  private static HttpResult lock(String key, String mode, double ttl, double waitTimeout) {
    return service.post(API + "/lock", new JsonObject().put("key", key).put("mode", mode).put("ttl", ttl)
      .put("waitTimeout", waitTimeout).encode());
  }

  private static JsonObject status(String key) {
    return service.get(API + "/locks/" + URLEncoder.encode(key, StandardCharsets.UTF_8)).json();
  }

  private static void expectOk(HttpResult result, List<String> failures) {
    if (result.status() != 200) {
      failures.add(result.toString());
    }
  }

  private interface Worker {
    void run(int worker) throws Exception;
  }

  /** Runs {@code workers} workers, a thread each (the common pool has one thread on 2 cores), within 2 minutes. */
  private static void runWorkers(int workers, Worker body) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(workers);
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      running.add(CompletableFuture.runAsync(() -> {
        try {
          body.run(worker);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, threads));
    }
    try {
      CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
  }

  /** A holder's work: long enough for others to try to get in beside it. */
  private static void pause() {
    sleepMs(20);
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
