package io.isp.lock.http;

import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockException;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.RawHttp;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@DisplayName("A key is Unicode text: bytes and escapes that are not never alias another key")
class KeyEncodingTest {

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();


  @Test
  @DisplayName("a lone surrogate escape in the body is 400 invalid_json, and never locks the key '?'")
  void loneSurrogateInBody() {
    assertProblem(service.post(API + "/lock", "{\"key\": \"\\udbff\", \"waitTimeout\": 0}"), 400, "invalid_json");
    assertProblem(service.post(API + "/lock", "{\"key\": \"a\\udc00b\", \"waitTimeout\": 0}"), 400, "invalid_json");
    assertThat(service.redis("EXISTS", service.redisKey("?"))).isEqualTo("0");

    String question = service.lockKeyFor("?", 30);
    assertThat(service.unlock("?", question).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a surrogate pair (an emoji) is one Unicode character and locks normally")
  void surrogatePairIsFine() {
    HttpResult locked = service.post(API + "/lock", "{\"key\": \"\\ud83d\\udd12-emoji\", \"waitTimeout\": 0}");
    assertThat(locked.status()).isEqualTo(200);
    assertThat(service.get(API + "/locks/%F0%9F%94%92-emoji").json().getBoolean("locked")).isTrue();
    assertThat(service.unlock("\uD83D\uDD12-emoji", locked.json().getString("lockKey")).status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "body bytes {0} -> 400 invalid_json")
  @ValueSource(strings = {"c0af", "e080af", "eda080", "f4908080", "ff", "80", "c3"})
  void malformedUtf8InBody(String hexBytes) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes("{\"key\": \"a".getBytes(StandardCharsets.UTF_8));
    body.writeBytes(java.util.HexFormat.of().parseHex(hexBytes));
    body.writeBytes("b\", \"waitTimeout\": 0}".getBytes(StandardCharsets.UTF_8));

    HttpResult result = postBytes(body.toByteArray());

    assertProblem(result, 400, "invalid_json");
    // C0 AF is an overlong '/': the key "a/b" must not have been locked by it
    assertThat(service.redis("EXISTS", service.redisKey("a/b"))).isEqualTo("0");
  }

  @ParameterizedTest(name = "GET /locks/{0} -> 400 invalid_field naming key")
  @ValueSource(strings = {"%FF", "%FE", "a%C0%AFb", "%ED%A0%80", "%zz", "%4", "abc%"})
  void malformedPathKey(String encoded) {
    HttpResult result = RawHttp.get(service.port(), API + "/locks/" + encoded);
    assertProblem(result, 400, "invalid_field");
    assertThat(result.json().getString("field")).isEqualTo("key");
  }

  @Test
  @DisplayName("a percent-encoded UTF-8 key, '+' and an encoded '/' read back exactly")
  void wellFormedPathKeys() {
    String key = "é/x+y z";
    HttpResult locked = service.post(API + "/lock", new JsonObject().put("key", key).put("ttl", 30).encode());
    assertThat(locked.status()).isEqualTo(200);

    HttpResult status = service.get(API + "/locks/%C3%A9%2Fx+y%20z");
    assertThat(status.json().getString("key")).isEqualTo(key);
    assertThat(status.json().getBoolean("locked")).isTrue();
    assertThat(service.unlock(key, locked.json().getString("lockKey")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("over the event bus, a key with a lone surrogate is invalid_field naming key")
  void loneSurrogateOnTheEventBus() {
    Throwable failure = catchThrowable(() -> ServiceUnderTest.await(service.vertx().eventBus()
      .request(LockAddresses.LOCK, new JsonObject().put("key", "\uDBFF").put("waitTimeout", 0))));

    assertThat(failure).isInstanceOf(ReplyException.class);
    LockException problem = LockException.fromReply((ReplyException) failure);
    assertThat(problem.error().code()).isEqualTo("invalid_field");
    assertThat(problem.field()).isEqualTo("key");
  }

  private static HttpResult postBytes(byte[] body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + API + "/lock"))
      .timeout(Duration.ofSeconds(30))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    return new HttpResult(response.statusCode(), response.headers(), response.body());
  }
}
