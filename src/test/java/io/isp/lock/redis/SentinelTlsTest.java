package io.isp.lock.redis;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisTlsSetup;
import io.isp.lock.support.SentinelCluster;
import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.TestCertificates;
import io.isp.lock.support.TestCertificates.Authority;
import io.isp.lock.support.TestCertificates.Pem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Sentinel over TLS: Sentinels, master and replica speak mutual TLS only; the service follows a failover")
class SentinelTlsTest {

  private static final String MASTER = "tls-master";

  @RegisterExtension
  static final TestCertificates certs = TestCertificates.fixture();
  private static Authority ca;
  private static Pem serviceCert;

  @RegisterExtension
  static final SentinelCluster cluster = SentinelCluster.fixture(MASTER,
    SentinelCluster.Options.defaults().tls(SentinelTlsTest::certificates));
  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.withConfig(() -> config(ca));

  /** Made when the cluster starts, once the certificate fixture runs: one server certificate for every node and Sentinel. */
  private static RedisTlsSetup certificates() {
    ca = certs.authority("sentinel CA");
    serviceCert = certs.client(ca, "lock service");
    return RedisTlsSetup.mutual(ca, certs.server(ca, "redis nodes", "IP:127.0.0.1"), serviceCert);
  }

  @Test
  @DisplayName("locks live on the master over TLS; after the master dies, on the promoted replica; release notices follow it")
  void failover() {
    String lockKey = service.lockKeyFor("before", 30);
    assertThat(cluster.master().cli("GET", service.redisKey("before"))).isEqualTo(lockKey);
    assertThat(cluster.master().uri()).startsWith("rediss://");

    int oldMaster = cluster.currentMasterPort();
    cluster.killMaster();
    cluster.awaitFailover(oldMaster, Duration.ofSeconds(40));
    String[] after = new String[1];
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      HttpResult result = service.lock("after", 30);
      after[0] = result.status() == 200 ? result.json().getString("lockKey") : null;
      return after[0] != null;
    });
    assertThat(cluster.master().port()).isNotEqualTo(oldMaster);
    assertThat(cluster.master().cli("GET", service.redisKey("after"))).as("the lock is on the promoted master").isEqualTo(after[0]);
    await().atMost(Duration.ofSeconds(10)).until(() -> releaseNotices(service.get("/health/ready")));
  }

  @Test
  @DisplayName("a CA that did not sign the Sentinels' certificates: start-up fails saying why")
  void wrongCa() {
    Throwable failure = ServiceUnderTest.startupFailure(config(certs.authority("not the sentinels' CA")));
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).startsWith("TLS with Redis").contains("via Sentinels").contains("PKIX path");
  }

  private static boolean releaseNotices(HttpResult ready) {
    return ready.status() == 200 && ready.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(check -> "redis".equals(check.getString("id")))
      .anyMatch(check -> check.getJsonObject("data").getBoolean("releaseNotices"));
  }

  /** Sentinel mode over TLS, trusting {@code trusted}, presenting the service's client certificate. */
  private static JsonObject config(Authority trusted) {
    return new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
      .put("redis", new JsonObject()
        .put("prefix", "tls-" + UUID.randomUUID())
        .put("commandTimeout", "500ms")
        .put("sentinel", new JsonObject()
          .put("addresses", new JsonArray(cluster.sentinelAddresses()))
          .put("masterName", MASTER))
        .put("tls", new JsonObject()
          .put("enabled", true)
          .put("caPath", trusted.cert().toString())
          .put("certPath", serviceCert.cert().toString())
          .put("keyPath", serviceCert.key().toString())));
  }
}
