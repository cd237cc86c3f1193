package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.isp.lock.support.ProblemAssert.assertProblem;
import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route the service has, under every method: what HTTP says the answer is. A new endpoint
 * belongs in {@link #RESOURCES}.
 */
@DisplayName("Routing: 404 for what does not exist whatever the method, 405 with Allow, HEAD and OPTIONS as HTTP says")
class RoutingTest {

  /** Each path the service serves, and the methods it allows there. */
  private static final List<Resource> RESOURCES = List.of(
    new Resource(API + "/lock", "POST"),
    new Resource(API + "/unlock", "POST"),
    new Resource(API + "/extend", "POST"),
    new Resource(API + "/locks", "GET, HEAD"),
    new Resource(API + "/locks/routing-key", "DELETE, GET, HEAD"),
    new Resource(API + "/locks/a%2Fb", "DELETE, GET, HEAD"),
    new Resource("/health/live", "GET, HEAD"),
    new Resource("/health/ready", "GET, HEAD"));

  /** Paths that do not exist, some of them next to ones that do. */
  private static final List<String> NOWHERE = List.of(
    API + "/nope", API + "/lock/extra", API + "/lockz", API, API + "/", "/nope", "/", "/health", "/health/livex");

  private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private static ServiceUnderTest service;
  private static ServiceUnderTest withTokens;

  record Resource(String path, String allow) {
    boolean allows(String method) {
      return List.of(allow.split(", ")).contains(method);
    }
  }

  @BeforeAll
  static void start() {
    service = ServiceUnderTest.start(new JsonObject());
    withTokens = ServiceUnderTest.start(new JsonObject()
      .put("http", new JsonObject().put("tokens", new JsonArray().add("t0ken"))));
  }

  @AfterAll
  static void stop() {
    service.close();
    withTokens.close();
  }

  static Stream<Arguments> disallowed() {
    List<Arguments> cases = new ArrayList<>();
    for (Resource resource : RESOURCES) {
      for (String method : METHODS) {
        if (!resource.allows(method) && !method.equals("OPTIONS")) {
          cases.add(Arguments.of(method, resource.path(), resource.allow()));
        }
      }
    }
    return cases.stream();
  }

  @Test
  @DisplayName("DELETE on a key reaches force-unlock (403 here: this service has no admin tokens), not a 405")
  void deleteReachesForceUnlock() {
    assertProblem(service.send("DELETE", API + "/locks/routing-key", null), 403, "forbidden");
  }

  @ParameterizedTest(name = "{0} {1} -> 405, Allow: {2}")
  @MethodSource("disallowed")
  void methodNotAllowedSaysWhatIs(String method, String path, String allow) {
    HttpResult result = service.send(method, path, method.equals("POST") ? "{}" : null);
    assertProblemOrHead(method, result, 405, "method_not_allowed");
    assertThat(result.header("Allow")).isEqualTo(allow);
  }

  static Stream<Arguments> options() {
    return RESOURCES.stream().map(resource -> Arguments.of(resource.path(), resource.allow()));
  }

  @ParameterizedTest(name = "OPTIONS {0} -> 204, Allow: {1}")
  @MethodSource("options")
  void optionsListsTheMethods(String path, String allow) {
    HttpResult result = service.send("OPTIONS", path, null);
    assertThat(result.status()).as(result.toString()).isEqualTo(204);
    assertThat(result.header("Allow")).isEqualTo(allow);
    assertThat(result.body()).isEmpty();
    assertThat(result.header("Access-Control-Allow-Origin")).as("no CORS").isNull();
  }

  static Stream<Arguments> nowhere() {
    return NOWHERE.stream().flatMap(path -> METHODS.stream().map(method -> Arguments.of(method, path)));
  }

  @ParameterizedTest(name = "{0} {1} -> 404")
  @MethodSource("nowhere")
  void unknownPathIsNotFoundWhateverTheMethod(String method, String path) {
    HttpResult result = service.send(method, path, method.equals("POST") ? "{}" : null);
    assertProblemOrHead(method, result, 404, "not_found");
    assertThat(result.header("Allow")).isNull();
  }

  /** A HEAD answer is the problem's status and headers, without its body. */
  private static void assertProblemOrHead(String method, HttpResult result, int status, String code) {
    if (method.equals("HEAD")) {
      assertThat(result.status()).as(result.toString()).isEqualTo(status);
      assertThat(result.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(result.body()).isEmpty();
    } else {
      assertProblem(result, status, code);
    }
  }

  static Stream<Arguments> gets() {
    return RESOURCES.stream().filter(resource -> resource.allows("GET")).map(resource -> Arguments.of(resource.path()));
  }

  @ParameterizedTest(name = "HEAD {0} = GET without the body")
  @MethodSource("gets")
  void headIsGetWithoutBody(String path) {
    HttpResult get = service.send("GET", path, null);
    HttpResult head = service.send("HEAD", path, null);
    assertThat(get.status()).isEqualTo(200);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
    // the body of /health/ready or a status carries live numbers, but not its length: same keys, same shape
    assertThat(head.header("Content-Length")).isNotNull();
    if (path.startsWith("/health/live") || path.contains("/locks/")) { // a listing's TTLs change its length
      assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"));
    }
  }

  @Test
  @DisplayName("a route's POST with a body reaches its handler (so the table's paths are the real ones)")
  void postsReachTheirHandlers() {
    for (Resource resource : RESOURCES) {
      if (resource.allows("POST")) {
        assertProblem(service.send("POST", resource.path(), "{}", "Content-Type", "application/json"),
          400, "invalid_field");
      }
    }
  }

  @Test
  @DisplayName("with http.tokens: /api/ authenticates first (401 before 404/405/OPTIONS), then routes; health needs none")
  void authenticationComesFirst() {
    assertProblem(withTokens.send("GET", API + "/nope", null), 401, "unauthorized");
    assertProblem(withTokens.send("GET", API + "/lock", null), 401, "unauthorized");
    assertProblem(withTokens.send("OPTIONS", API + "/lock", null), 401, "unauthorized");

    assertProblem(withTokens.send("GET", API + "/nope", null, "X-Application-Token", "t0ken"), 404, "not_found");
    HttpResult notAllowed = withTokens.send("GET", API + "/lock", null, "X-Application-Token", "t0ken");
    assertProblem(notAllowed, 405, "method_not_allowed");
    assertThat(notAllowed.header("Allow")).isEqualTo("POST");
    HttpResult options = withTokens.send("OPTIONS", API + "/lock", null, "X-Application-Token", "t0ken");
    assertThat(options.status()).isEqualTo(204);
    assertThat(options.header("Allow")).isEqualTo("POST");

    assertThat(withTokens.send("OPTIONS", "/health/live", null).header("Allow")).isEqualTo("GET, HEAD");
    assertProblem(withTokens.send("POST", "/health/live", "{}"), 405, "method_not_allowed");
  }
}
