package io.isp.lock.http;

import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("With http.tokens set, /api/ needs a known X-Application-Token; health never does")
class AuthTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis(new JsonObject()
      .put("http", new JsonObject().put("tokens", new JsonArray().add("alpha").add("beta"))));


  @Test
  void missingOrUnknownTokenIs401() {
    assertProblem(service.post(API + "/lock", "{\"key\": \"a\"}"), 401, "unauthorized");
    assertProblem(service.post(API + "/lock", "{\"key\": \"a\"}",
      "Content-Type", "application/json", "X-Application-Token", "alph"), 401, "unauthorized");
    assertProblem(service.post(API + "/unknown", "{}", "Content-Type", "application/json"), 401, "unauthorized");
    assertThat(service.redis("EXISTS", service.redisKey("a"))).isEqualTo("0");
  }

  @Test
  void anyConfiguredTokenIsAccepted() {
    assertThat(service.post(API + "/lock", "{\"key\": \"b\"}",
      "Content-Type", "application/json", "X-Application-Token", "beta").status()).isEqualTo(200);
  }

  @Test
  void healthNeedsNoToken() {
    assertThat(service.get("/health/live").status()).isEqualTo(200);
    assertThat(service.get("/health/ready").status()).isEqualTo(200);
  }
}
