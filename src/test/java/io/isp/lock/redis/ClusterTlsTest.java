package io.isp.lock.redis;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisCluster;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.RedisTlsSetup;
import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.TestCertificates;
import io.isp.lock.support.TestCertificates.Authority;
import io.isp.lock.support.TestCertificates.Pem;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Redis Cluster over mutual TLS: redis.tls.* applies to every node, for commands and sharded notices")
class ClusterTlsTest {

  private static final String PREFIX = "cluster-tls-" + UUID.randomUUID();

  @RegisterExtension
  @Order(1)
  static final TestCertificates certs = TestCertificates.fixture();
  private static Authority ca;
  private static Pem serviceCert;
  @RegisterExtension
  @Order(2)
  static final RedisCluster cluster = RedisCluster.fixture().withTls(() -> {
    ca = certs.authority("redis CA");
    Pem redisCert = certs.server(ca, "redis", "IP:127.0.0.1", "DNS:localhost");
    serviceCert = certs.client(ca, "lock service");
    return RedisTlsSetup.mutual(ca, redisCert, serviceCert);
  });
  @RegisterExtension
  @Order(3)
  static final ServiceUnderTest holder = ServiceUnderTest.on(cluster, ClusterTlsTest::config);
  @RegisterExtension
  @Order(4)
  static final ServiceUnderTest waiter = ServiceUnderTest.on(cluster, ClusterTlsTest::config);

  /** Made when each service starts, after the cluster made the certificates. */
  private static JsonObject config() {
    return new JsonObject().put("redis", new JsonObject().put("prefix", PREFIX)
      .put("tls", new JsonObject().put("enabled", true).put("caPath", ca.cert().toString())
        .put("certPath", serviceCert.cert().toString()).put("keyPath", serviceCert.key().toString())));
  }

  @Test
  @DisplayName("locks land on every master over TLS, and a waiter on another instance is woken by the sharded notice")
  void locksAndNotices() throws Exception {
    Set<Integer> masters = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      String key = "tls-" + i;
      HttpResult lock = holder.lock(key, 30);
      assertThat(lock.status()).as(lock.toString()).isEqualTo(200);
      RedisProcess master = cluster.masterOf(PREFIX + "::" + key);
      masters.add(master.port());
      assertThat(master.call("GET", PREFIX + "::" + key)).isEqualTo(lock.json().getString("lockKey"));
      if (i < 3) {
        CompletableFuture<HttpResult> woken = waiter.waitFor(key, 30, 20);
        long unlockedAt = System.nanoTime();
        assertThat(holder.unlock(key, lock.json().getString("lockKey")).status()).isEqualTo(200);
        HttpResult granted = woken.get(20, TimeUnit.SECONDS);
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        assertThat(System.nanoTime() - unlockedAt).as("woken well before the holder's 30 s TTL")
          .isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(waiter.unlock(key, granted.json().getString("lockKey")).status()).isEqualTo(200);
      } else {
        assertThat(holder.unlock(key, lock.json().getString("lockKey")).status()).isEqualTo(200);
      }
    }
    assertThat(masters).hasSize(3);
    assertThat(holder.get("/health/ready").status()).isEqualTo(200);
  }
}
