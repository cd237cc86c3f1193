package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Base64;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The original specification's two example calls work unchanged")
class SeedContractTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis(new JsonObject()
      .put("http", new JsonObject().put("tokens", new JsonArray().add("{{token}}"))));


  @Test
  @DisplayName("lock answers {\"lockKey\": 16 random bytes in base64}, unlock answers {} and frees the key")
  void seedExamples() {
    HttpResult lock = service.post(API + "/lock", "{ \"key\": \"abc\", \"ttl\": 20 }",
      "Content-Type", "application/json", "X-Application-Token", "{{token}}");

    assertThat(lock.status()).isEqualTo(200);
    assertThat(lock.header("Content-Type")).startsWith("application/json");
    // the seed's one field, plus the fencingToken and ttl that clients of the original ignore
    assertThat(lock.json().fieldNames()).containsExactlyInAnyOrder("lockKey", "fencingToken", "ttl");
    String lockKey = lock.json().getString("lockKey");
    assertThat(lockKey).matches("[A-Za-z0-9+/]{22}==");
    assertThat(lock.json().getInteger("ttl")).isEqualTo(20);
    assertThat(Base64.getDecoder().decode(lockKey)).hasSize(16);
    assertThat(service.redis("GET", service.redisKey("abc"))).isEqualTo(lockKey);
    assertThat(Long.parseLong(service.redis("PTTL", service.redisKey("abc")))).isBetween(15_000L, 20_000L);

    HttpResult unlock = service.post(API + "/unlock", "{ \"key\": \"abc\", \"lockKey\": \"" + lockKey + "\" }",
      "Content-Type", "application/json", "X-Application-Token", "{{token}}");

    assertThat(unlock.status()).isEqualTo(200);
    assertThat(unlock.body()).isEqualTo("{}");
    assertThat(service.redis("EXISTS", service.redisKey("abc"))).isEqualTo("0");
  }

  @Test
  @DisplayName("every lock gets a different lockKey")
  void lockKeysDiffer() {
    String first = service.post(API + "/lock", "{\"key\": \"k1\"}", "X-Application-Token", "{{token}}",
      "Content-Type", "application/json").json().getString("lockKey");
    String second = service.post(API + "/lock", "{\"key\": \"k2\"}", "X-Application-Token", "{{token}}",
      "Content-Type", "application/json").json().getString("lockKey");
    assertThat(first).isNotEqualTo(second);
  }
}
