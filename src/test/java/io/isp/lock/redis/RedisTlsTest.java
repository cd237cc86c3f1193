package io.isp.lock.redis;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.RedisTlsSetup;
import io.isp.lock.support.ServiceProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.TestCertificates;
import io.isp.lock.support.TestCertificates.Authority;
import io.isp.lock.support.TestCertificates.Pem;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Redis over TLS (redis.tls.*), standalone: locks and release notices work; a certificate that does not verify fails start-up")
class RedisTlsTest {

  @RegisterExtension
  static final TestCertificates certs = TestCertificates.fixture();

  private static Authority ca;
  private static Pem redisCert;
  private static Pem serviceCert;

  @BeforeAll
  static void certificates() {
    ca = certs.authority("redis CA");
    redisCert = certs.server(ca, "redis", "IP:127.0.0.1", "DNS:localhost");
    serviceCert = certs.client(ca, "lock service");
  }

  @Test
  @DisplayName("mutual TLS: locks are taken in Redis, and a waiter on another instance is woken by the release notice")
  void mutualTls() throws Exception {
    try (RedisProcess redis = RedisProcess.startWithTls(RedisTlsSetup.mutual(ca, redisCert, serviceCert))) {
      JsonObject config = tls(true, ca, serviceCert);
      config.getJsonObject("redis").put("prefix", "tls-" + UUID.randomUUID()); // both instances share the locks
      try (ServiceUnderTest holder = ServiceUnderTest.start(redis.address(), config);
           ServiceUnderTest waiter = ServiceUnderTest.start(redis.address(), config)) {
        String lockKey = holder.lockKeyFor("shared", 30);
        assertThat(redis.cli("GET", holder.redisKey("shared"))).isEqualTo(lockKey);

        // the holder's unlock wakes the other instance's waiter only through Redis pub/sub, over TLS too
        CompletableFuture<HttpResult> woken = waiter.waitFor("shared", 30, 20);
        long unlockedAt = System.nanoTime();
        assertThat(holder.unlock("shared", lockKey).status()).isEqualTo(200);
        HttpResult granted = woken.get(20, TimeUnit.SECONDS);
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        assertThat(System.nanoTime() - unlockedAt).as("woken by the notice, not by its wait running out")
          .isLessThan(TimeUnit.SECONDS.toNanos(10));
      }
    }
  }

  @Test
  @DisplayName("a rediss:// redis.server turns TLS on by itself; server-side TLS needs only the CA")
  void redissAddress() {
    try (RedisProcess redis = RedisProcess.startWithTls(RedisTlsSetup.serverOnly(ca, redisCert, null));
         ServiceUnderTest service = ServiceUnderTest.start(redis.uri(), new JsonObject()
           .put("redis", new JsonObject().put("tls", new JsonObject().put("caPath", ca.cert().toString()))))) {
      assertThat(redis.uri()).startsWith("rediss://");
      String lockKey = service.lockKeyFor("implied", 30);
      assertThat(redis.cli("GET", service.redisKey("implied"))).isEqualTo(lockKey);
    }
  }

  @Test
  @DisplayName("another CA: the process exits 1 saying why, rather than starting unready")
  void wrongCaExits1() {
    Authority other = certs.authority("some other CA");
    try (RedisProcess redis = RedisProcess.startWithTls(RedisTlsSetup.mutual(ca, redisCert, serviceCert));
         ServiceProcess service = ServiceProcess.start(Map.of(
           "REDIS_SERVER", redis.address(),
           "REDIS_TLS_ENABLED", "true",
           "REDIS_TLS_CAPATH", other.cert().toString(),
           "REDIS_TLS_CERTPATH", serviceCert.cert().toString(),
           "REDIS_TLS_KEYPATH", serviceCert.key().toString(),
           "HTTP_HOST", "127.0.0.1",
           "HTTP_PORT", Integer.toString(FreePorts.next())))) {
      assertThat(service.awaitExit(30)).as(service.output()).isEqualTo(1);
      assertThat(service.output()).contains("start-up failed: TLS with Redis (" + redis.address() + ")")
        .contains("PKIX path");
    }
  }

  @Test
  @DisplayName("no redis.tls.caPath: the JVM's default trust, which does not know a private CA")
  void defaultTrust() {
    try (RedisProcess redis = RedisProcess.startWithTls(RedisTlsSetup.serverOnly(ca, redisCert, null))) {
      Throwable failure = ServiceUnderTest.startupFailure(config(redis.address(), tls(true, null, null)));
      assertThat(failure).isNotNull();
      assertThat(failure.getMessage()).startsWith("TLS with Redis").contains("PKIX path");
    }
  }

  @Test
  @DisplayName("a certificate for another host name: refused with verifyHostname (the default), accepted without")
  void hostName() {
    Pem elsewhere = certs.server(ca, "redis elsewhere", "DNS:redis.example.org");
    try (RedisProcess redis = RedisProcess.startWithTls(RedisTlsSetup.mutual(ca, elsewhere, serviceCert))) {
      Throwable failure = ServiceUnderTest.startupFailure(config(redis.address(), tls(true, ca, serviceCert)));
      assertThat(failure).isNotNull();
      assertThat(failure.getMessage()).startsWith("TLS with Redis").contains("127.0.0.1").contains("redis.tls.verifyHostname");

      JsonObject unverified = tls(true, ca, serviceCert);
      unverified.getJsonObject("redis").getJsonObject("tls").put("verifyHostname", false);
      try (ServiceUnderTest service = ServiceUnderTest.start(redis.address(), unverified)) {
        assertThat(service.lock("any-name", 30).status()).isEqualTo(200);
      }
    }
  }

  @Test
  @DisplayName("TLS on, but Redis speaks plain text on that port: never a plain-text fallback; the service stays unready")
  void plainRedis() {
    // plain Redis waits for the rest of what it takes for an inline command: the handshake times out,
    // as with a frozen server, so this is an unreachable Redis rather than a start-up failure
    try (ServiceUnderTest service = ServiceUnderTest.startWith(config(RedisFixture.shared().server(), tls(true, ca, null)))) {
      assertThat(service.get("/health/ready").status()).isEqualTo(503);
      assertProblem(service.lock("plain", 30), 503, "redis_unavailable");
      assertThat(service.redis("EXISTS", service.redisKey("plain"))).as("nothing written in plain text").isEqualTo("0");
    }
  }

  @Test
  @DisplayName("Redis asks for a client certificate and none is configured: start-up fails")
  void clientCertificateRequired() {
    try (RedisProcess redis = RedisProcess.startWithTls(RedisTlsSetup.mutual(ca, redisCert, serviceCert))) {
      Throwable failure = ServiceUnderTest.startupFailure(config(redis.address(), tls(true, ca, null)));
      assertThat(failure).isNotNull();
      assertThat(failure.getMessage()).startsWith("TLS with Redis");
    }
  }

  /** {"redis": {"tls": ...}}: enabled, with this CA (null: none) and client certificate (null: none). */
  private static JsonObject tls(boolean enabled, Authority trusted, Pem client) {
    JsonObject tls = new JsonObject().put("enabled", enabled);
    if (trusted != null) {
      tls.put("caPath", trusted.cert().toString());
    }
    if (client != null) {
      tls.put("certPath", client.cert().toString()).put("keyPath", client.key().toString());
    }
    return new JsonObject().put("redis", new JsonObject().put("tls", tls));
  }

  /** A whole configuration (startupFailure and startWith add no defaults). */
  private static JsonObject config(String server, JsonObject overrides) {
    return new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
      .put("redis", new JsonObject().put("server", server).put("prefix", "tls-" + UUID.randomUUID()))
      .mergeIn(overrides, true);
  }
}
