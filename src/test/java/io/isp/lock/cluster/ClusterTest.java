package io.isp.lock.cluster;

import io.isp.lock.client.LockClient;
import io.isp.lock.support.FreePorts;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.PrometheusText;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.SessionClient;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("A Hazelcast cluster of lock nodes and an edge-only node on loopback")
class ClusterTest {

  private static final String PREFIX = "cluster-" + System.nanoTime();
  private static final List<Integer> HAZELCAST_PORTS = List.of(FreePorts.next(), FreePorts.next(), FreePorts.next(),
    FreePorts.next());
  /** Lock node A's cluster.eventBusPort (the others take a free port, the default); A stays up throughout. */
  private static final int EVENT_BUS_PORT_A = FreePorts.next();
  private static ServiceUnderTest lockNodeA;
  private static ServiceUnderTest lockNodeB;
  private static ServiceUnderTest edge;

  @BeforeAll
  static void start() {
    JsonObject withEventBusPort = nodeConfig(0, true);
    withEventBusPort.getJsonObject("cluster").put("eventBusPort", EVENT_BUS_PORT_A).put("publicHost", "127.0.0.1");
    lockNodeA = ServiceUnderTest.startWith(withEventBusPort);
    lockNodeB = node(1, true);
    edge = node(2, false);
    await().atMost(Duration.ofSeconds(30)).until(() -> edge.get("/health/ready").status() == 200);
  }

  @AfterAll
  static void stop() {
    for (ServiceUnderTest node : new ServiceUnderTest[] {edge, lockNodeB, lockNodeA}) {
      if (node != null) {
        node.close();
      }
    }
  }

  @Test
  @DisplayName("cluster.eventBusPort: the node's event bus listens on it and the cluster is told that port (and cluster.publicHost)")
  void fixedEventBusPort() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", EVENT_BUS_PORT_A), 2000);
    }
    // what the edge reads from the cluster's shared data is where it sends node A's messages
    Promise<NodeInfo> seen = Promise.promise();
    ((VertxInternal) edge.vertx()).clusterManager()
      .getNodeInfo(((VertxInternal) lockNodeA.vertx()).clusterManager().getNodeId(), seen);
    NodeInfo seenByEdge = ServiceUnderTest.await(seen.future());
    assertThat(seenByEdge.host()).isEqualTo("127.0.0.1");
    assertThat(seenByEdge.port()).isEqualTo(EVENT_BUS_PORT_A);
  }

  @Test
  @DisplayName("the edge node forwards to lock nodes; any node sees and releases any node's lock")
  void edgeForwards() {
    HttpResult lock = edge.lock("edge", 30);
    assertThat(lock.status()).isEqualTo(200);
    assertThat(lockNodeA.get(API + "/locks/edge").json().getBoolean("locked")).isTrue();
    assertThat(lockNodeB.unlock("edge", lock.json().getString("lockKey")).status()).isEqualTo(200);
    assertThat(edge.get(API + "/locks/edge").json().getBoolean("locked")).isFalse();
    JsonObject readiness = edge.get("/health/ready").json();
    assertThat(readiness.getJsonArray("checks").stream().map(check -> ((JsonObject) check).getString("id")))
      .contains("redis", "cluster");
  }

  @Test
  @DisplayName("metrics, clustered: every node serves /metrics; a call the edge forwards is counted once, on the lock node that served it")
  void metricsAcrossTheCluster() {
    double before = lockCalls(lockNodeA) + lockCalls(lockNodeB);
    double edgeSentBefore = edge.metrics().value("vertx_eventbus_sent_total", "address", "isp-lock-service.lock");
    HttpResult lock = edge.lock("metrics-edge", 30);
    assertThat(lock.status()).isEqualTo(200);
    assertThat(lockCalls(lockNodeA) + lockCalls(lockNodeB)).isEqualTo(before + 1);
    PrometheusText edgeMetrics = edge.metrics();
    assertThat(edgeMetrics.value("vertx_eventbus_sent_total", "address", "isp-lock-service.lock"))
      .as("the edge sent it over the clustered event bus: %s", edgeMetrics.matching("vertx_eventbus_sent_total"))
      .isEqualTo(edgeSentBefore + 1);
    assertThat(edgeMetrics.value("vertx_http_server_requests_total", "route", "/api/isp-lock-service/lock"))
      .as("each node's Vert.x metrics are its own").isGreaterThanOrEqualTo(1);
    assertThat(edgeMetrics.value("isp_lock_requests_total")).as("an edge runs no lock engine").isZero();
    assertThat(edge.metrics().text()).doesNotContain("metrics-edge").doesNotContain(lock.json().getString("lockKey"));
    assertThat(lockNodeB.unlock("metrics-edge", lock.json().getString("lockKey")).status()).isEqualTo(200);
  }

  private static double lockCalls(ServiceUnderTest node) {
    return node.metrics().value("isp_lock_requests_total", "op", "lock", "outcome", "ok");
  }

  @Test
  @DisplayName("a WebSocket session on the edge node: its lock is renewed through the cluster, and released when it closes")
  void sessionOnTheEdge() {
    try (SessionClient session = SessionClient.open(edge.port())) {
      JsonObject granted = session.lock("session-edge", 1, 0);
      assertThat(granted.getBoolean("ok")).as(granted.encode()).isTrue();
      // renewed past 2x its TTL by EXTENDs that cross the cluster
      await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200))
        .until(() -> lockNodeA.get(API + "/locks/session-edge").json().getBoolean("locked"));
      assertThat(session.unsolicited()).isEmpty();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !lockNodeB.get(API + "/locks/session-edge").json().getBoolean("locked"));
  }

  @Test
  @DisplayName("LockClient works unchanged on a node whose LockVerticles run elsewhere in the cluster")
  void lockClientFromTheEdge() {
    LockClient locks = LockClient.create(edge.vertx());
    String value = ServiceUnderTest.await(locks.withLock("client-edge", Duration.ofSeconds(30),
      () -> locks.status("client-edge").map(status -> status.locked() ? "locked elsewhere" : "not locked")));
    assertThat(value).isEqualTo("locked elsewhere");
    assertThat(lockNodeA.get(API + "/locks/client-edge").json().getBoolean("locked")).isFalse();
  }

  @Test
  @DisplayName("a waiter behind any node wakes as soon as any node releases")
  void wakeAcrossNodes() throws Exception {
    for (ServiceUnderTest releaser : List.of(lockNodeA, lockNodeB)) {
      String holder = releaser.lockKeyFor("across", 60);
      CompletableFuture<HttpResult> waiter = edge.postAsync(API + "/lock",
        "{\"key\": \"across\", \"ttl\": 30, \"waitTimeout\": 20}");
      await().atMost(Duration.ofSeconds(5)).until(() -> waiting(lockNodeA) + waiting(lockNodeB) == 1);
      long start = System.nanoTime();
      assertThat(releaser.unlock("across", holder).status()).isEqualTo(200);
      HttpResult granted = waiter.get(5, TimeUnit.SECONDS);
      assertThat(granted.status()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      edge.unlock("across", granted.json().getString("lockKey"));
    }
  }

  @Test
  @DisplayName("mutual exclusion holds across nodes while a node leaves and a new one joins")
  void mutualExclusionThroughMembershipChanges() throws Exception {
    AtomicLong counter = new AtomicLong();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger unexpected = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    List<ServiceUnderTest> entryPoints = List.of(lockNodeA, edge);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      ServiceUnderTest via = entryPoints.get(w % entryPoints.size());
      workers.add(pool.submit(() -> {
        for (int round = 0; round < 400 && running.get(); round++) {
          HttpResult lock = via.post(API + "/lock", "{\"key\": \"shared\", \"ttl\": 10, \"waitTimeout\": 10}");
          if (lock.status() != 200) {
            // only 503s are allowed while a lock node goes away: the client retries
            if (lock.status() != 503) {
              unexpected.incrementAndGet();
            }
            continue;
          }
          if (inside.incrementAndGet() != 1) {
            overlaps.incrementAndGet();
          }
          long read = counter.get();
          via.get(API + "/locks/shared");
          counter.set(read + 1);
          inside.decrementAndGet();
          completed.incrementAndGet();
          // like any client: retry an unlock that met a node going away; a retry after an unlock that
          // did go through finds the lock not held
          HttpResult unlock = via.unlock("shared", lock.json().getString("lockKey"));
          for (int retry = 0; retry < 5 && unlock.status() == 503; retry++) {
            unlock = via.unlock("shared", lock.json().getString("lockKey"));
          }
          if (unlock.status() != 200 && !"not_held".equals(unlock.code())) {
            unexpected.incrementAndGet();
          }
        }
      }));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> completed.get() >= 50);
    lockNodeB.close();          // a lock node leaves (graceful, as in a rolling restart)
    lockNodeB = null;
    int beforeJoin = completed.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> completed.get() >= beforeJoin + 50);
    ServiceUnderTest joined = node(3, true);   // and a new one joins
    try {
      int afterJoin = completed.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> completed.get() >= afterJoin + 50);
      assertThat(joined.lock("new-node", 5).status()).isEqualTo(200);
    } finally {
      running.set(false);
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      lockNodeB = joined;
    }

    assertThat(overlaps.get()).as("overlapping critical sections").isZero();
    assertThat(counter.get()).as("no lost update").isEqualTo(completed.get());
    assertThat(unexpected.get()).as("answers other than 200 or 503").isZero();
  }

  @Test
  @DisplayName("an edge node with no lock node in its cluster answers 503 at once")
  void edgeAlone() {
    try (ServiceUnderTest lonely = ServiceUnderTest.startWith(nodeConfig(FreePorts.next(), List.of(), false)
      .put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1")
        .put("port", FreePorts.next()).put("members", new JsonArray())))) {
      long start = System.nanoTime();
      assertProblem(lonely.lock("alone", 5), 503, "lock_service_unavailable");
      // "at once": not after the event-bus send timeout (the wait plus 2 command timeouts plus 1 s)
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(lonely.get("/health/ready").status()).isEqualTo(503);
    }
  }

  private static int waiting(ServiceUnderTest node) {
    return node.waiters();
  }

  private static ServiceUnderTest node(int index, boolean lockRole) {
    return ServiceUnderTest.startWith(nodeConfig(index, lockRole));
  }

  private static JsonObject nodeConfig(int index, boolean lockRole) {
    List<String> members = HAZELCAST_PORTS.stream().map(port -> "127.0.0.1:" + port).toList();
    return nodeConfig(HAZELCAST_PORTS.get(index), members, lockRole);
  }

  private static JsonObject nodeConfig(int hazelcastPort, List<String> members, boolean lockRole) {
    JsonObject redis = new JsonObject().put("prefix", PREFIX);
    if (lockRole) {
      redis.put("server", RedisFixture.shared().server());
    }
    return new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
      .put("redis", redis)
      .put("deploy", new JsonObject().put("lock", lockRole))
      .put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", hazelcastPort)
        .put("members", new JsonArray(members)));
  }
}
