package io.isp.lock.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;

/** Proves the fixtures themselves: process lifecycle, Sentinel failover, and auth on every hop. */
class FixtureSmokeTest {

  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(20);

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void redisProcessSurvivesKillRestartPauseResume() {
    try (RedisProcess redis = RedisFixture.dedicated("--requirepass", "pw")) {
      int port = redis.port();
      assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + port);
      assertThat(redis.cli("SET", "k", "v")).isEqualTo("OK");

      redis.pause();
      assertThat(redis.respondsToPing()).isFalse();
      redis.resume();
      assertThat(redis.cli("GET", "k")).isEqualTo("v");

      redis.kill();
      assertThat(redis.isAlive()).isFalse();
      assertThat(redis.respondsToPing()).isFalse();

      redis.restart();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(redis.isAlive()).isTrue();
      assertThat(redis.cli("GET", "k")).as("nothing persisted").isEmpty();
      assertThatThrownBy(() -> redis.withAuth(null, "wrong").cli("PING")).hasMessageContaining("WRONGPASS");
    }
  }

  @Test
  void aclUserFromConfigFile() {
    try (RedisProcess redis = RedisProcess.startWithConfig(List.of("user alice on >secret ~* &* +@all"))) {
      assertThat(redis.withAuth("alice", "secret").cli("ACL", "WHOAMI")).isEqualTo("alice");
    }
  }

  @Test
  @DisplayName("on the container path a Sentinel cluster is five containers on 127.0.0.1, and close() removes them")
  void sentinelClusterContainersAreRemovedOnClose() {
    assumeTrue(ContainerPath.active(), "the Redis fixtures run as processes here");
    Set<String> before = testContainers();
    try (SentinelCluster cluster = SentinelCluster.start("contained")) {
      Set<String> started = testContainers();
      started.removeAll(before);
      assertThat(started).as("master, replica and three Sentinels").hasSize(5);
      assertThat(cluster.sentinelAddresses()).allMatch(address -> address.startsWith("127.0.0.1:"));
      assertThat(cluster.master().info("replication", "connected_slaves")).isEqualTo("1");
    }
    assertThat(testContainers()).as("Ryuk is off: the fixture itself removes its containers").isEqualTo(before);
  }

  /** IDs of every container Testcontainers made, running or not. */
  private static Set<String> testContainers() {
    return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(DockerClientFactory.TESTCONTAINERS_LABEL, "true")).exec().stream()
        .map(Container::getId).collect(Collectors.toCollection(HashSet::new));
  }

  @Test
  void sharedRedisIsReachable() throws Exception {
    RedisEndpointInfo info = RedisFixture.shared();
    assertThat(RedisFixture.shared()).isSameAs(info);
    assertThat(info.port()).as("never the machine's own Redis").isNotEqualTo(6379);
    assertThat(Resp.call(info.port(), null, Duration.ofSeconds(5), "PING")).isEqualTo("PONG");
    String key = "smoke-" + System.nanoTime();
    assertThat(Resp.call(info.port(), null, Duration.ofSeconds(5), "SET", key, "v", "PX", "10000")).isEqualTo("OK");
    assertThat(Resp.call(info.port(), null, Duration.ofSeconds(5), "GET", key)).isEqualTo("v");
  }

  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void sentinelFailsOverToTheReplica() {
    try (SentinelCluster cluster = SentinelCluster.start("smoke")) {
      assertThat(cluster.sentinelAddresses()).hasSize(3).allMatch(a -> a.startsWith("127.0.0.1:"));
      assertThat(cluster.master().cli("SET", "before", "1")).isEqualTo("OK");
      cluster.awaitReplicaInSync();

      RedisProcess oldMaster = cluster.killMaster();
      int oldPort = oldMaster.port();
      int newPort = cluster.awaitFailover(oldPort, FAILOVER_TIMEOUT);

      assertThat(newPort).isNotEqualTo(oldPort);
      assertThat(cluster.currentMasterPort()).isEqualTo(newPort);
      assertThat(cluster.master().cli("SET", "after", "2")).isEqualTo("OK");
      assertThat(cluster.master().cli("GET", "before")).isEqualTo("1");

      cluster.rejoinAsReplica(oldMaster);
      assertThat(cluster.replica().port()).isEqualTo(oldPort);
      assertThat(cluster.replica().info("replication", "role")).isEqualTo("slave");
    }
  }

  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void sentinelFailsOverWithAuthOnMasterAndSentinels() throws Exception {
    SentinelCluster.Options options = SentinelCluster.Options.defaults()
        .masterUser("alice", "secret")
        .sentinelUser("watcher", "s3cret");
    try (SentinelCluster cluster = SentinelCluster.start("authed", options)) {
      SentinelProcess sentinel = cluster.sentinels().get(0);
      assertThat(sentinel.cli("SENTINEL", "get-master-addr-by-name", "authed"))
          .isEqualTo("127.0.0.1\n" + cluster.currentMasterPort());
      assertThatThrownBy(() -> Resp.call(sentinel.port(), null, Duration.ofSeconds(2), "SENTINEL", "masters"))
          .hasMessageStartingWith("NOAUTH");
      int oldPort = cluster.currentMasterPort();
      assertThatThrownBy(() -> Resp.call(oldPort, Credentials.password("secret"), Duration.ofSeconds(2), "PING"))
          .as("default user is disabled").hasMessageStartingWith("WRONGPASS");
      assertThat(cluster.master().cli("SET", "k", "v")).isEqualTo("OK");

      cluster.killMaster();
      int newPort = cluster.awaitFailover(oldPort, FAILOVER_TIMEOUT);

      assertThat(newPort).isNotEqualTo(oldPort);
      assertThat(cluster.master().cli("SET", "k", "w")).isEqualTo("OK");
    }
  }
}
