package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Bad input gets a 4xx problem naming the field, and changes no lock")
class RequestValidationTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis();
  private static String heldLockKey;

  @BeforeAll
  static void lockOneKey() {
    heldLockKey = service.lockKeyFor("held", 60);
  }

  @AfterEach
  void noLockChanged() {
    assertThat(service.redis("KEYS", service.redisKey("*"))).isEqualTo(service.redisKey("held"));
    assertThat(service.redis("GET", service.redisKey("held"))).isEqualTo(heldLockKey);
  }

  @ParameterizedTest(name = "lock {0} -> 400 naming {1}")
  @CsvSource(delimiter = '|', value = {
    "{}                                  | key",
    "{\"key\": \"\"}                     | key",
    "{\"key\": 5}                        | key",
    "{\"key\": null}                     | key",
    "{\"key\": [\"a\"]}                  | key",
    "{\"key\": \"a\", \"ttl\": \"20\"}   | ttl",
    "{\"key\": \"a\", \"ttl\": 0}        | ttl",
    "{\"key\": \"a\", \"ttl\": -1}       | ttl",
    "{\"key\": \"a\", \"ttl\": 86401}    | ttl",
    "{\"key\": \"a\", \"ttl\": 0.0001}   | ttl",
    "{\"key\": \"a\", \"ttl\": true}     | ttl",
    "{\"key\": \"a\", \"ttlInSec\": \"x\"} | ttlInSec",
    "{\"key\": \"a\", \"waitTimeout\": -1}  | waitTimeout",
    "{\"key\": \"a\", \"waitTimeout\": 301} | waitTimeout",
    "{\"key\": \"a\", \"waitTimeout\": \"5\"} | waitTimeout",
    "{\"key\": \"held\", \"ttl\": 1e400}  | ttl",
  })
  void invalidLockFields(String body, String field) {
    HttpResult result = service.post(API + "/lock", body);
    assertProblem(result, 400, "invalid_field");
    assertThat(result.json().getString("field")).isEqualTo(field);
    assertThat(result.json().getString("detail")).contains(field);
  }

  @ParameterizedTest(name = "unlock {0} -> 400 naming {1}")
  @CsvSource(delimiter = '|', value = {
    "{\"key\": \"held\"}                    | lockKey",
    "{\"lockKey\": \"x\"}                   | key",
    "{\"key\": \"held\", \"lockKey\": 1}    | lockKey",
    "{\"key\": \"held\", \"lockKey\": \"\"} | lockKey",
  })
  void invalidUnlockFields(String body, String field) {
    HttpResult result = service.post(API + "/unlock", body);
    assertProblem(result, 400, "invalid_field");
    assertThat(result.json().getString("field")).isEqualTo(field);
  }

  @ParameterizedTest(name = "body {0} -> 400 invalid_json")
  @ValueSource(strings = {"", "{bad", "[]", "\"abc\"", "null", "42"})
  void notAJsonObject(String body) {
    assertProblem(service.post(API + "/lock", body), 400, "invalid_json");
    assertProblem(service.post(API + "/unlock", body), 400, "invalid_json");
  }

  @Test
  @DisplayName("a key longer than lock.maxKeyLength UTF-8 bytes is rejected; one at the limit is accepted")
  void keyLengthCountsUtf8Bytes() {
    String tooLong = "é".repeat(513); // 1026 bytes, 513 characters
    HttpResult result = service.post(API + "/lock", new JsonObject().put("key", tooLong).encode());
    assertProblem(result, 400, "invalid_field");
    assertThat(result.json().getString("field")).isEqualTo("key");

    String atLimit = "é".repeat(512);
    HttpResult ok = service.post(API + "/lock", new JsonObject().put("key", atLimit).put("waitTimeout", 0).encode());
    assertThat(ok.status()).isEqualTo(200);
    assertThat(service.unlock(atLimit, ok.json().getString("lockKey")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a body over 64 KiB gets 413")
  void bodyTooLarge() {
    String big = new JsonObject().put("key", "a").put("pad", "x".repeat(70_000)).encode();
    assertProblem(service.post(API + "/lock", big), 413, "payload_too_large");
  }

  @Test
  @DisplayName("a non-JSON content type gets 415")
  void notJson() {
    assertProblem(service.post(API + "/lock", "key=a", "Content-Type", "application/x-www-form-urlencoded"),
      415, "unsupported_media_type");
  }

  @Test
  @DisplayName("unknown paths get 404 and wrong methods 405, as problems")
  void notFoundAndMethodNotAllowed() {
    assertProblem(service.post(API + "/nope", "{}"), 404, "not_found");
    assertProblem(service.get(API + "/lock"), 405, "method_not_allowed");
  }

  @Test
  @DisplayName("unknown fields are ignored")
  void unknownFieldsIgnored() {
    HttpResult result = service.post(API + "/lock", "{\"key\": \"extra\", \"colour\": \"blue\", \"ttl\": 5}");
    assertThat(result.status()).isEqualTo(200);
    assertThat(service.unlock("extra", result.json().getString("lockKey")).status()).isEqualTo(200);
  }

}
