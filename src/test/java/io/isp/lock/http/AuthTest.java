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
  @DisplayName("a wrong token of the right length is refused: one letter changed, another case, another token's prefix")
  void wrongTokenOfTheRightLength() {
    // TokenSet compares SHA-256 digests with MessageDigest.isEqual (constant time); its timing is not
    // asserted here. ("beta\t" would be accepted: HTTP strips whitespace around a header value.)
    for (String wrong : new String[] {"alphb", "Alpha", "ALPHA", "xlpha", "betaa", "bet"}) {
      assertProblem(service.post(API + "/lock", "{\"key\": \"c\"}", "Content-Type", "application/json",
        "X-Application-Token", wrong), 401, "unauthorized");
    }
    assertThat(service.redis("EXISTS", service.redisKey("c"))).isEqualTo("0");
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
