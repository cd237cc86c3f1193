package io.isp.lock.http;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.OpenApiContract;
import io.isp.lock.support.OpenApiContract.Operation;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.RawHttp;
import io.isp.lock.support.RedisProcess;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OpenAPI document ({@code src/main/resources/openapi.yaml}, served at {@code GET /openapi.yaml})
 * against the running service: every answer below is a real one, provoked over HTTP, and must be a
 * documented answer of its operation (status, media type, schema, headers); see
 * {@link OpenApiContract} for how, and why not vertx-openapi's own ResponseValidator. The other way
 * round, every documented operation is served, every route of the router is documented, every problem
 * code is documented, and every documented answer is either provoked here or listed in
 * {@link #NOT_PROVOKED} with the reason.
 */
@DisplayName("The OpenAPI document and the service's real answers agree, both ways")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractTest {

  private static final String CLIENT = "client-token";
  private static final String ADMIN = "admin-token";
  private static final String TOKEN = TokenAuthHandler.HEADER;
  private static final Duration WITHIN = Duration.ofSeconds(10);

  /**
   * Documented answers this test does not provoke ({@code *}: every operation), and why. The last
   * test fails if one of them is provoked after all (then remove it here) or if a documented answer
   * is neither provoked nor listed.
   */
  private static final Map<String, String> NOT_PROVOKED = Map.of(
    "* 500 internal_error", "a bug in a handler; nothing a client sends causes one",
    "* 503 lock_service_unavailable", "needs a clustered edge node with no lock node (Hazelcast); ClusterTest provokes it",
    "* 503 shutting_down", "provoked for a waiting lock call; any other request must arrive in the instant between the"
      + " drain and its connection's close (ShutdownTest races for it)");

  /** Answers this test provoked and found documented: {@code "<operationId> <status> <code or media type>"}. */
  private static final Set<String> provoked = ConcurrentHashMap.newKeySet();

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis(new JsonObject()
    .put("http", new JsonObject().put("tokens", new JsonArray().add(CLIENT)).put("adminTokens", new JsonArray().add(ADMIN))));

  private static OpenApiContract contract;

  @BeforeAll
  static void loadDocument() {
    contract = OpenApiContract.load();
  }

  // ---------------------------------------------------------------------------------------------
  // The document itself

  @Test
  @Order(1)
  @DisplayName("openapi.yaml is a valid OpenAPI 3.1 document (the OpenAPI 3.1 schema, as vertx-openapi bundles it)")
  void documentIsValidOpenApi31() {
    assertThat(contract.raw().getString("openapi")).startsWith("3.1.");
    assertThat(contract.metaValidation().getValid())
      .as("%s", contract.metaValidation().getErrors())
      .isTrue();
  }

  @Test
  @Order(2)
  @DisplayName("GET /openapi.yaml serves the document byte for byte, as application/yaml, without a token")
  void servedDocumentIsTheResource() {
    HttpResult served = service.get("/openapi.yaml");
    check("openApiDocument", served);
    assertThat(served.header("Content-Type")).isEqualTo("application/yaml");
    assertThat(served.body()).isEqualTo(contract.text());
    // with a token too: the API's token handler must not reach outside /api/
    check("openApiDocument", service.get("/openapi.yaml", TOKEN, "unknown-token"));
    HttpResult head = service.send("HEAD", "/openapi.yaml", null);
    checkHead("openApiDocument", head);
    assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(contract.text().getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  @Order(3)
  @DisplayName("every problem code the service has (ErrorCode, HttpError) and the README's error table has a schema with its status and title")
  void everyProblemCodeIsDocumented() throws IOException {
    Map<String, JsonObject> documented = new TreeMap<>();
    JsonObject schemas = contract.resolved().getJsonObject("components").getJsonObject("schemas");
    for (String name : OpenApiContract.names(schemas)) {
      JsonObject properties = schemas.getJsonObject(name).getJsonObject("properties", new JsonObject());
      if (properties.getJsonObject("code") != null && properties.getJsonObject("code").getValue("const") instanceof String code) {
        documented.put(code, properties);
      }
    }
    Map<String, Object[]> service = new TreeMap<>();
    for (ErrorCode error : ErrorCode.values()) {
      if (error != ErrorCode.CANCELLED) { // the caller went away: nobody is left to be answered
        service.put(error.code(), new Object[] {error.status(), error.title()});
      }
    }
    for (HttpError error : HttpError.values()) {
      service.put(error.code(), new Object[] {error.status(), error.title()});
    }
    assertThat(documented.keySet()).as("problem codes in the document").isEqualTo(service.keySet());
    service.forEach((code, statusAndTitle) -> {
      JsonObject properties = documented.get(code);
      assertThat(properties.getJsonObject("status").getValue("const")).as(code + " status").isEqualTo(statusAndTitle[0]);
      assertThat(properties.getJsonObject("title").getValue("const")).as(code + " title").isEqualTo(statusAndTitle[1]);
      assertThat(properties.getJsonObject("type").getValue("const")).as(code + " type")
        .isEqualTo(Problems.TYPE_PREFIX + code);
    });

    Map<String, Integer> readme = new TreeMap<>();
    Matcher row = Pattern.compile("(?m)^\\| (\\d{3}) \\| `([a-z_]+)` \\|").matcher(Files.readString(Path.of("README.md")));
    while (row.find()) {
      readme.put(row.group(2), Integer.parseInt(row.group(1)));
    }
    assertThat(readme.keySet()).as("the README's error table").isEqualTo(documented.keySet());
  }

  // ---------------------------------------------------------------------------------------------
  // Successful answers

  @Test
  @Order(10)
  @DisplayName("200 of lock, extend, status (held and free), list (every page), unlock, force-unlock, probes; HEAD of every GET")
  void successes() {
    HttpResult granted = api("POST", "/lock", "{\"key\": \"ok\", \"ttl\": 20, \"waitTimeout\": 0, \"unknown\": [1]}");
    check("lock", granted);
    String lockKey = granted.json().getString("lockKey");
    check("lock", api("POST", "/lock", "{\"key\": \"fraction\", \"ttlInSec\": 0.25}"));
    check("extend", api("POST", "/extend", "{\"key\": \"ok\", \"lockKey\": \"" + lockKey + "\", \"ttl\": 1.5}"));
    check("lockStatus", api("GET", "/locks/ok", null));
    check("lockStatus", api("GET", "/locks/" + encode("free key/with ünïcode"), null));
    HttpResult reader = api("POST", "/lock", "{\"key\": \"shared\", \"mode\": \"read\", \"ttl\": 20, \"waitTimeout\": 0}");
    check("lock", reader);
    check("lock", api("POST", "/lock", "{\"key\": \"shared\", \"mode\": \"read\", \"ttl\": 20, \"waitTimeout\": 0}"));
    check("extend", api("POST", "/extend", "{\"key\": \"shared\", \"lockKey\": \"" + reader.json().getString("lockKey") + "\", \"ttl\": 30}"));
    check("lockStatus", api("GET", "/locks/shared", null));
    check("unlock", api("POST", "/unlock", "{\"key\": \"shared\", \"lockKey\": \"" + reader.json().getString("lockKey") + "\"}"));
    checkHead("lockStatus", api("HEAD", "/locks/ok", null));

    for (String key : List.of("page-a", "page-b", "page-c")) {
      check("lock", api("POST", "/lock", "{\"key\": \"" + key + "\", \"ttl\": 30}"));
    }
    String cursor = null;
    int pages = 0;
    do {
      HttpResult page = api("GET", "/locks?prefix=page-&limit=1" + (cursor == null ? "" : "&cursor=" + encode(cursor)), null);
      check("listLocks", page);
      cursor = page.json().getString("cursor");
      pages++;
    } while (cursor != null && pages < 100);
    assertThat(cursor).as("the listing ends").isNull();
    check("listLocks", api("GET", "/locks", null));
    checkHead("listLocks", api("HEAD", "/locks?limit=5", null));

    check("unlock", api("POST", "/unlock", "{\"key\": \"ok\", \"lockKey\": \"" + lockKey + "\"}"));
    HttpResult forced = service.send("DELETE", API + "/locks/page-a", null, TOKEN, ADMIN);
    check("forceUnlock", forced);
    assertThat(forced.json().getBoolean("released")).isTrue();

    for (String probe : List.of("live", "ready")) {
      check(probe, service.get("/health/" + probe));
      checkHead(probe, service.send("HEAD", "/health/" + probe, null));
    }
  }

  @Test
  @Order(11)
  @DisplayName("GET /metrics is Prometheus text 0.0.4")
  void metrics() {
    HttpResult metrics = service.get("/metrics");
    assertThat(metrics.status()).as("GET /metrics (metrics.enabled is true by default)").isEqualTo(200);
    check("metrics", metrics);
    checkHead("metrics", service.send("HEAD", "/metrics", null));
  }

  // ---------------------------------------------------------------------------------------------
  // Errors

  @Test
  @Order(20)
  @DisplayName("400 invalid_json (lock, unlock, extend) and invalid_field (lock, unlock, extend, list limit and cursor, status and force-unlock key)")
  void badRequests() {
    for (String operation : List.of("lock", "unlock", "extend")) {
      check(operation, api("POST", "/" + operation, "{\"key\": "));
      check(operation, api("POST", "/" + operation, "[1, 2]"));
    }
    check("lock", api("POST", "/lock", "{\"key\": \"k\", \"ttl\": -1}"));
    check("lock", api("POST", "/lock", "{\"key\": \"k\", \"waitTimeout\": \"5\"}"));
    check("lock", api("POST", "/lock", "{\"key\": \"" + "é".repeat(513) + "\"}"));
    check("lock", api("POST", "/lock", "{\"ttl\": 5}"));
    check("lock", api("POST", "/lock", "{\"key\": \"k\", \"mode\": \"exclusive\"}"));
    check("unlock", api("POST", "/unlock", "{\"key\": \"k\"}"));
    check("unlock", api("POST", "/unlock", "{\"key\": \"k\", \"lockKey\": \"\"}"));
    check("extend", api("POST", "/extend", "{\"key\": \"k\", \"lockKey\": \"x\", \"ttl\": 0}"));
    check("extend", api("POST", "/extend", "{\"key\": \"k\", \"lockKey\": \"x\", \"ttlInSec\": 86401}"));
    check("listLocks", api("GET", "/locks?limit=0", null));
    check("listLocks", api("GET", "/locks?limit=abc", null));
    check("listLocks", api("GET", "/locks?cursor=bogus", null));
    check("listLocks", api("GET", "/locks?prefix=%FF", null));
    // a client library refuses to send these paths: raw bytes
    check("lockStatus", raw("GET", API + "/locks/%FF", CLIENT));
    check("lockStatus", raw("GET", API + "/locks/%zz", CLIENT));
    check("lockStatus", api("GET", "/locks/", null));
    check("forceUnlock", raw("DELETE", API + "/locks/%FF", ADMIN));
  }

  @Test
  @Order(27)
  @DisplayName("semaphores: 200 of acquire, extend, status, release; 400 invalid_json and invalid_field; 409 lock_held, permits_mismatch, not_held, not_owner; 413, 415")
  void semaphores() {
    HttpResult first = api("POST", "/semaphore/acquire", "{\"key\": \"sem\", \"permits\": 2, \"ttl\": 20, \"waitTimeout\": 0}");
    check("semaphoreAcquire", first);
    String lockKey = first.json().getString("lockKey");
    check("semaphoreAcquire", api("POST", "/semaphore/acquire", "{\"key\": \"sem\", \"permits\": 2, \"ttlInSec\": 20}"));
    check("semaphoreAcquire", api("POST", "/semaphore/acquire", "{\"key\": \"sem\", \"permits\": 2, \"waitTimeout\": 0.05}"));
    check("semaphoreAcquire", api("POST", "/semaphore/acquire", "{\"key\": \"sem\", \"permits\": 3, \"waitTimeout\": 0}"));
    check("semaphoreExtend", api("POST", "/semaphore/extend", "{\"key\": \"sem\", \"lockKey\": \"" + lockKey + "\", \"ttl\": 5}"));
    check("semaphoreStatus", api("GET", "/semaphores/sem", null));
    check("semaphoreStatus", api("GET", "/semaphores/" + encode("free key/with ünïcode"), null));
    checkHead("semaphoreStatus", api("HEAD", "/semaphores/sem", null));
    String other = "AAAAAAAAAAAAAAAAAAAAAA==";
    check("semaphoreRelease", api("POST", "/semaphore/release", "{\"key\": \"sem\", \"lockKey\": \"" + other + "\"}"));
    check("semaphoreExtend", api("POST", "/semaphore/extend", "{\"key\": \"sem\", \"lockKey\": \"" + other + "\"}"));
    check("semaphoreRelease", api("POST", "/semaphore/release", "{\"key\": \"sem-free\", \"lockKey\": \"" + lockKey + "\"}"));
    check("semaphoreExtend", api("POST", "/semaphore/extend", "{\"key\": \"sem-free\", \"lockKey\": \"" + lockKey + "\"}"));
    check("semaphoreRelease", api("POST", "/semaphore/release", "{\"key\": \"sem\", \"lockKey\": \"" + lockKey + "\"}"));

    String big = "{\"key\": \"k\", \"pad\": \"" + "x".repeat(70 * 1024) + "\"}";
    for (String operation : List.of("acquire", "release", "extend")) {
      String id = "semaphore" + Character.toUpperCase(operation.charAt(0)) + operation.substring(1);
      check(id, api("POST", "/semaphore/" + operation, "{\"key\": "));
      check(id, api("POST", "/semaphore/" + operation, "{\"lockKey\": \"x\", \"permits\": 1}"));
      check(id, service.send("POST", API + "/semaphore/" + operation, big, "Content-Type", "application/json", TOKEN, CLIENT));
      check(id, service.send("POST", API + "/semaphore/" + operation, "{\"key\": \"k\"}", "Content-Type", "text/plain", TOKEN, CLIENT));
    }
    List<String[]> cases = List.of(
      new String[] {"{\"key\": \"sem-rq\", \"permits\": 1, \"ttl\": 1, \"waitTimeout\": 0, \"unknown\": 1}", "200"},
      new String[] {"{\"key\": \"sem-rq-2\", \"permits\": 10000, \"waitTimeout\": 0}", "200"},
      new String[] {"{\"key\": \"sem-rq\"}", "400"},
      new String[] {"{\"key\": \"sem-rq\", \"permits\": 0}", "400"},
      new String[] {"{\"key\": \"sem-rq\", \"permits\": 10001}", "400"},
      new String[] {"{\"key\": \"sem-rq\", \"permits\": 1.5}", "400"},
      new String[] {"{\"key\": \"sem-rq\", \"permits\": \"2\"}", "400"},
      new String[] {"{\"key\": \"sem-rq\", \"permits\": 1, \"ttl\": 0}", "400"},
      new String[] {"{\"key\": \"sem-rq\", \"permits\": 1, \"waitTimeout\": 301}", "400"});
    for (String[] sample : cases) {
      HttpResult answer = api("POST", "/semaphore/acquire", sample[0]);
      check("semaphoreAcquire", answer);
      assertThat(Integer.toString(answer.status())).as(sample[0]).isEqualTo(sample[1]);
      assertThat(contract.acceptsRequestBody(contract.operation("semaphoreAcquire"), sample[0]))
        .as("%s: the service answered %s", sample[0], answer)
        .isEqualTo(answer.status() != 400);
    }
    check("semaphoreStatus", raw("GET", API + "/semaphores/%FF", CLIENT));
    check("semaphoreStatus", api("GET", "/semaphores/", null));
  }

  @Test
  @Order(28)
  @DisplayName("locks on several keys: 200 of lock, extend, unlock with keys; 400 invalid_field keys; 409 lock_held, not_held, not_owner; 400 cross_slot on a Redis Cluster")
  void severalKeys() {
    HttpResult granted = api("POST", "/lock", "{\"keys\": [\"{mk}a\", \"{mk}b\"], \"ttl\": 20, \"waitTimeout\": 0}");
    check("lock", granted);
    assertThat(granted.json().getJsonArray("keys")).containsExactly("{mk}a", "{mk}b");
    String lockKey = granted.json().getString("lockKey");
    String other = "AAAAAAAAAAAAAAAAAAAAAA==";
    check("lock", api("POST", "/lock", "{\"keys\": [\"{mk}b\", \"{mk}c\"], \"waitTimeout\": 0}"));
    check("extend", api("POST", "/extend", "{\"keys\": [\"{mk}a\", \"{mk}b\"], \"lockKey\": \"" + lockKey + "\", \"ttl\": 5}"));
    check("extend", api("POST", "/extend", "{\"keys\": [\"{mk}a\", \"{mk}b\"], \"lockKey\": \"" + other + "\"}"));
    check("unlock", api("POST", "/unlock", "{\"keys\": [\"{mk}a\", \"{mk}b\"], \"lockKey\": \"" + other + "\"}"));
    check("unlock", api("POST", "/unlock", "{\"keys\": [\"{mk}a\", \"{mk}b\"], \"lockKey\": \"" + lockKey + "\"}"));
    check("unlock", api("POST", "/unlock", "{\"keys\": [\"{mk}a\", \"{mk}b\"], \"lockKey\": \"" + lockKey + "\"}"));
    check("extend", api("POST", "/extend", "{\"keys\": [\"{mk}a\", \"{mk}b\"], \"lockKey\": \"" + lockKey + "\"}"));
    String tooMany = new JsonArray(java.util.stream.IntStream.range(0, 65).mapToObj(i -> "mk-" + i).toList()).encode();
    for (String operation : List.of("lock", "unlock", "extend")) {
      HttpResult invalid = api("POST", "/" + operation, "{\"keys\": " + tooMany + ", \"lockKey\": \"x\"}");
      check(operation, invalid);
      assertThat(invalid.json().getString("field")).isEqualTo("keys");
    }

    // cross_slot needs a Redis Cluster: the JVM's shared one (the cluster tests start it anyway)
    try (ServiceUnderTest onCluster = ServiceUnderTest.onSharedCluster(new JsonObject()
      .put("http", new JsonObject().put("tokens", new JsonArray().add(CLIENT)))).started()) {
      String keys = "[\"{a}1\", \"{b}2\"]";
      for (String operation : List.of("lock", "unlock", "extend")) {
        HttpResult crossSlot = onCluster.post(API + "/" + operation, "{\"keys\": " + keys + ", \"lockKey\": \"x\"}",
          "Content-Type", "application/json", TOKEN, CLIENT);
        check(operation, crossSlot);
        assertThat(crossSlot.code()).as(crossSlot.toString()).isEqualTo("cross_slot");
      }
    }
  }

  @Test
  @Order(26)
  @DisplayName("the request body schemas accept what the service accepts and refuse what it answers 400 (types, limits, unknown fields)")
  void requestSchemasAgreeWithTheService() {
    List<String[]> cases = List.of(
      new String[] {"lock", "{\"key\": \"rq-1\", \"ttl\": 20, \"waitTimeout\": 0}"},
      new String[] {"lock", "{\"key\": \"rq-2\", \"ttlInSec\": 0.25, \"waitTimeout\": 300, \"unknown\": {\"a\": 1}}"},
      new String[] {"lock", "{\"key\": \"" + "k".repeat(1024) + "\", \"ttl\": 86400}"},
      new String[] {"lock", "{\"key\": \"" + "k".repeat(1025) + "\"}"},
      new String[] {"lock", "{\"key\": \"\"}"},
      new String[] {"lock", "{\"key\": 5}"},
      new String[] {"lock", "{\"ttl\": 5}"},
      new String[] {"lock", "{\"key\": \"rq-3\", \"ttl\": 0}"},
      new String[] {"lock", "{\"key\": \"rq-3\", \"ttl\": 86400.5}"},
      new String[] {"lock", "{\"key\": \"rq-3\", \"ttl\": \"20\"}"},
      new String[] {"lock", "{\"key\": \"rq-3\", \"waitTimeout\": -1}"},
      new String[] {"lock", "{\"key\": \"rq-3\", \"waitTimeout\": 300.5}"},
      new String[] {"lock", "[{\"key\": \"rq-3\"}]"},
      new String[] {"lock", "{\"key\": \"rq-5\", \"mode\": \"read\", \"waitTimeout\": 0}"},
      new String[] {"lock", "{\"key\": \"rq-6\", \"mode\": \"write\", \"waitTimeout\": 0}"},
      new String[] {"lock", "{\"key\": \"rq-3\", \"mode\": \"Read\"}"},
      new String[] {"lock", "{\"key\": \"rq-3\", \"mode\": 1}"},
      new String[] {"unlock", "{\"key\": \"rq-4\", \"lockKey\": \"x\", \"unknown\": true}"},
      new String[] {"unlock", "{\"key\": \"rq-4\"}"},
      new String[] {"unlock", "{\"key\": \"rq-4\", \"lockKey\": \"\"}"},
      new String[] {"unlock", "{\"key\": \"rq-4\", \"lockKey\": 7}"},
      new String[] {"extend", "{\"key\": \"rq-4\", \"lockKey\": \"x\"}"},
      new String[] {"extend", "{\"key\": \"rq-4\", \"lockKey\": \"x\", \"ttlInSec\": 0.001}"},
      new String[] {"extend", "{\"key\": \"rq-4\", \"lockKey\": \"x\", \"ttl\": -2}"},
      new String[] {"extend", "{\"lockKey\": \"x\", \"ttl\": 2}"},
      new String[] {"lock", "{\"keys\": [\"{rq}5\", \"{rq}6\"], \"ttl\": 1, \"waitTimeout\": 0}"},
      new String[] {"lock", "{\"keys\": [\"{rq}5\", \"{rq}5\"]}"},
      new String[] {"lock", "{\"keys\": []}"},
      new String[] {"lock", "{\"keys\": \"{rq}5\"}"},
      new String[] {"lock", "{\"keys\": [\"{rq}5\", 7]}"},
      new String[] {"lock", "{\"key\": \"{rq}5\", \"keys\": [\"{rq}6\"]}"},
      new String[] {"unlock", "{\"keys\": [\"{rq}7\"], \"lockKey\": \"x\"}"},
      new String[] {"unlock", "{\"keys\": [\"{rq}7\"]}"},
      new String[] {"extend", "{\"keys\": [\"{rq}7\", \"{rq}8\"], \"lockKey\": \"x\", \"ttl\": 2}"},
      new String[] {"extend", "{\"keys\": [\"{rq}7\", \"\"], \"lockKey\": \"x\"}"});
    for (String[] sample : cases) {
      HttpResult answer = api("POST", "/" + sample[0], sample[1]);
      check(sample[0], answer);
      boolean serviceAccepts = answer.status() != 400;
      assertThat(contract.acceptsRequestBody(contract.operation(sample[0]), sample[1]))
        .as("%s %s: the service answered %s", sample[0], sample[1], answer)
        .isEqualTo(serviceAccepts);
    }
  }

  @Test
  @Order(21)
  @DisplayName("401 on every operation that needs a token, without one or with an unknown one; 403 force-unlock with a client's token")
  void unauthorizedAndForbidden() {
    for (Operation operation : contract.operations()) {
      if (operation.security(contract.raw()).isEmpty()) {
        continue;
      }
      SampleRequest request = sample(operation);
      check(operation.id(), service.send(request.method(), request.path(), request.body(), "Content-Type", "application/json"));
      check(operation.id(), service.send(request.method(), request.path(), request.body(),
        "Content-Type", "application/json", TOKEN, "unknown-token"));
    }
    check("forceUnlock", service.send("DELETE", API + "/locks/someone-elses", null, TOKEN, CLIENT));
  }

  @Test
  @Order(22)
  @DisplayName("404 for paths not documented, 405 with Allow for a method a documented path does not take")
  void notFoundAndMethodNotAllowed() {
    checkComponent("NotFound", service.get("/nope"));
    checkComponent("NotFound", service.get(API + "/nope", TOKEN, CLIENT));
    checkComponent("NotFound", service.send("POST", API + "/lock/extra", "{}", TOKEN, CLIENT, "Content-Type", "application/json"));
    for (Map.Entry<String, Set<String>> path : contract.pathMethods().entrySet()) {
      String method = path.getValue().contains("PUT") ? "PATCH" : "PUT";
      HttpResult result = service.send(method, concrete(path.getKey()), "{}", TOKEN, CLIENT, "Content-Type", "application/json");
      checkComponent("MethodNotAllowed", result);
      assertThat(Set.of(result.header("Allow").split(", "))).as(method + " " + path.getKey() + " Allow")
        .isEqualTo(withHead(path.getValue()));
    }
  }

  @Test
  @Order(23)
  @DisplayName("409 lock_held, not_held (unlock, extend, force-unlock), not_owner (unlock, extend)")
  void conflicts() {
    String holder = service.post(API + "/lock", "{\"key\": \"busy\", \"ttl\": 30}", "Content-Type", "application/json", TOKEN, CLIENT)
      .json().getString("lockKey");
    check("lock", api("POST", "/lock", "{\"key\": \"busy\", \"waitTimeout\": 0}"));
    check("lock", api("POST", "/lock", "{\"key\": \"busy\", \"waitTimeout\": 0.05}"));
    String other = "AAAAAAAAAAAAAAAAAAAAAA==";
    check("unlock", api("POST", "/unlock", "{\"key\": \"busy\", \"lockKey\": \"" + other + "\"}"));
    check("extend", api("POST", "/extend", "{\"key\": \"busy\", \"lockKey\": \"" + other + "\", \"ttl\": 5}"));
    check("unlock", api("POST", "/unlock", "{\"key\": \"free\", \"lockKey\": \"" + holder + "\"}"));
    check("extend", api("POST", "/extend", "{\"key\": \"free\", \"lockKey\": \"" + holder + "\"}"));
    check("forceUnlock", service.send("DELETE", API + "/locks/free", null, TOKEN, ADMIN));
  }

  @Test
  @Order(24)
  @DisplayName("413 a body over 64 KiB, 415 a Content-Type that is not JSON (lock, unlock, extend)")
  void bodyLimits() {
    String big = "{\"key\": \"k\", \"pad\": \"" + "x".repeat(70 * 1024) + "\"}";
    for (String operation : List.of("lock", "unlock", "extend")) {
      check(operation, service.send("POST", API + "/" + operation, big, "Content-Type", "application/json", TOKEN, CLIENT));
      check(operation, service.send("POST", API + "/" + operation, "{\"key\": \"k\"}", "Content-Type", "text/plain", TOKEN, CLIENT));
    }
  }

  @Test
  @Order(25)
  @DisplayName("requests that are not valid HTTP/1.1: 400 bad_request, 414, 431, as the components say, on any path")
  void protocolErrors() {
    checkComponent("UriTooLong", rawConnection("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    checkComponent("RequestHeaderFieldsTooLarge",
      rawConnection("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n"));
    checkComponent("BadRequest", rawConnection("GARBAGE\r\n\r\n"));
    checkComponent("BadRequest", rawConnection("GET /health/live HTTP/1.1\r\n\r\n"));
    // without Host, on an operation that lists 400: its own 400 must take bad_request too
    for (Operation operation : contract.operations()) {
      if (operation.model().getJsonObject("responses").containsKey("400")) {
        SampleRequest request = sample(operation);
        String body = request.body() == null ? "" : request.body();
        HttpResult noHost = rawConnection(request.method() + " " + request.path() + " HTTP/1.1\r\n" + TOKEN + ": "
          + (operation.id().equals("forceUnlock") ? ADMIN : CLIENT) + "\r\nContent-Type: application/json\r\nContent-Length: "
          + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
        check(operation.id(), noHost);
        assertThat(noHost.code()).as(operation + " without Host").isEqualTo("bad_request");
      }
    }
  }

  @Test
  @Order(30)
  @DisplayName("503 redis_unavailable with Retry-After from every lock operation, and readiness 503, while Redis is down")
  void redisDown() {
    try (RedisProcess redis = RedisProcess.fixture().started();
         ServiceUnderTest onIt = ServiceUnderTest.on(redis, new JsonObject()
           .put("http", new JsonObject().put("tokens", new JsonArray().add(CLIENT)).put("adminTokens", new JsonArray().add(ADMIN)))
           .put("redis", new JsonObject().put("commandTimeout", "500ms"))).started()) {
      HttpResult held = onIt.post(API + "/lock", "{\"key\": \"down\", \"ttl\": 30}", "Content-Type", "application/json", TOKEN, CLIENT);
      check("lock", held);
      check("ready", onIt.get("/health/ready"));
      redis.kill();
      String lockKey = held.json().getString("lockKey");
      check("lock", onIt.post(API + "/lock", "{\"key\": \"down\"}", "Content-Type", "application/json", TOKEN, CLIENT));
      check("unlock", onIt.post(API + "/unlock", "{\"key\": \"down\", \"lockKey\": \"" + lockKey + "\"}",
        "Content-Type", "application/json", TOKEN, CLIENT));
      check("extend", onIt.post(API + "/extend", "{\"key\": \"down\", \"lockKey\": \"" + lockKey + "\"}",
        "Content-Type", "application/json", TOKEN, CLIENT));
      check("lockStatus", onIt.get(API + "/locks/down", TOKEN, CLIENT));
      check("listLocks", onIt.get(API + "/locks", TOKEN, CLIENT));
      check("semaphoreAcquire", onIt.post(API + "/semaphore/acquire", "{\"key\": \"down\", \"permits\": 2}",
        "Content-Type", "application/json", TOKEN, CLIENT));
      check("semaphoreRelease", onIt.post(API + "/semaphore/release", "{\"key\": \"down\", \"lockKey\": \"" + lockKey + "\"}",
        "Content-Type", "application/json", TOKEN, CLIENT));
      check("semaphoreExtend", onIt.post(API + "/semaphore/extend", "{\"key\": \"down\", \"lockKey\": \"" + lockKey + "\"}",
        "Content-Type", "application/json", TOKEN, CLIENT));
      check("semaphoreStatus", onIt.get(API + "/semaphores/down", TOKEN, CLIENT));
      check("forceUnlock", onIt.send("DELETE", API + "/locks/down", null, TOKEN, ADMIN));
      HttpResult notReady = onIt.get("/health/ready");
      check("ready", notReady);
      assertThat(notReady.status()).isEqualTo(503);
      check("live", onIt.get("/health/live"));
    }
    assertThat(provoked).contains("lock 503 redis_unavailable", "unlock 503 redis_unavailable", "ready 503 application/json");
  }

  @Test
  @Order(31)
  @DisplayName("503 too_many_connections with Retry-After for every operation on a connection over http.maxConnections; probes still 200")
  void tooManyConnections() {
    try (ServiceUnderTest capped = ServiceUnderTest.onSharedRedis(new JsonObject()
      .put("http", new JsonObject().put("maxConnections", 1))).started();
         RawConnection first = RawConnection.connect(capped.port())) {
      assertThat(first.send(RawConnection.request("GET", "/health/live", null)).readResponse(WITHIN).status()).isEqualTo(200);
      for (Operation operation : contract.operations()) {
        SampleRequest request = sample(operation);
        try (RawConnection over = RawConnection.connect(capped.port())) {
          HttpResult result = over.send(RawConnection.request(request.method(), request.path(), request.body())).readResponse(WITHIN);
          check(operation.id(), result);
          if (operation.path().startsWith("/health/")) {
            assertThat(result.status()).as(operation + " over the cap").isEqualTo(200);
          } else {
            assertThat(result.code()).as(operation + " over the cap").isEqualTo("too_many_connections");
          }
        }
      }
    }
  }

  @Test
  @Order(32)
  @DisplayName("503 shutting_down with Retry-After to a lock call waiting when the service stops")
  void shuttingDown() throws Exception {
    try (ServiceUnderTest stopping = ServiceUnderTest.onSharedRedis(new JsonObject()).started()) {
      assertThat(stopping.lock("stop", 60).status()).isEqualTo(200);
      CompletableFuture<HttpResult> waiter = stopping.waitFor("stop", 60, 60);
      ServiceUnderTest.await(stopping.stopDeployment());
      HttpResult answer = waiter.get();
      check("lock", answer);
      assertThat(answer.code()).isEqualTo("shutting_down");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The other way round: what the service serves is what the document lists

  @Test
  @Order(40)
  @DisplayName("every documented path answers OPTIONS with exactly its documented methods (HEAD with GET), and none answers 404")
  void everyDocumentedOperationIsServed() {
    for (Map.Entry<String, Set<String>> path : contract.pathMethods().entrySet()) {
      String concrete = concrete(path.getKey());
      HttpResult options = service.send("OPTIONS", concrete, null, TOKEN, CLIENT);
      assertThat(options.status()).as("OPTIONS " + concrete + ": " + options).isEqualTo(204);
      assertThat(Set.of(options.header("Allow").split(", "))).as("Allow of " + path.getKey())
        .isEqualTo(withHead(path.getValue()));
    }
    for (Operation operation : contract.operations()) {
      if (!contract.pathMethods().containsKey(operation.path())) {
        continue;
      }
      SampleRequest request = sample(operation);
      HttpResult result = service.send(request.method(), request.path(), request.body(),
        "Content-Type", "application/json", TOKEN, operation.id().equals("forceUnlock") ? ADMIN : CLIENT);
      assertThat(result.status()).as(operation + ": " + result).isNotIn(404, 405);
      check(operation.id(), result);
    }
  }

  @Test
  @Order(41)
  @DisplayName("every route of the running service's router (path and methods) is a documented operation")
  void everyRouteIsDocumented() {
    List<HttpVerticle> verticles = ((VertxInternal) service.vertx()).deploymentManager().deployments().stream()
      .flatMap(deployment -> deployment.deployment().instances().stream())
      .filter(HttpVerticle.class::isInstance).map(HttpVerticle.class::cast).toList();
    assertThat(verticles).isNotEmpty();
    Map<String, Set<String>> served = new TreeMap<>();
    for (Route route : verticles.get(0).router().getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty()) {
        continue; // any method: auth, admission, OPTIONS and the like, not an endpoint
      }
      assertThat(route.getPath()).as("a route with methods %s and a regex path, which this check cannot read", methods).isNotNull();
      String path = route.isExactPath() ? route.getPath() : route.getPath() + "{}";
      methods.forEach(method -> served.computeIfAbsent(path, p -> new TreeSet<>()).add(method.name()));
    }
    Map<String, Set<String>> documented = new TreeMap<>();
    contract.pathMethods().forEach((path, methods) -> documented.put(path.replaceAll("\\{[^}]+}$", "{}"), withHead(methods)));
    assertThat(served).as("the router's endpoints (a path ending in {} is a prefix route)").isEqualTo(documented);
  }

  @Test
  @Order(99)
  @DisplayName("every documented answer was provoked above, or is listed as not provokable with the reason")
  void everyDocumentedAnswerWasProvokedOrIsExplained() {
    Set<String> documented = new TreeSet<>();
    for (Operation operation : contract.operations()) {
      JsonObject responses = operation.model().getJsonObject("responses");
      for (String status : OpenApiContract.names(responses)) {
        JsonObject content = responses.getJsonObject(status).getJsonObject("content", new JsonObject());
        for (String mediaType : OpenApiContract.names(content)) {
          Set<String> codes = OpenApiContract.problemCodes(content.getJsonObject(mediaType).getJsonObject("schema"));
          if (codes.isEmpty()) {
            documented.add(operation.id() + " " + status + " " + mediaType.split(";")[0]);
          } else {
            codes.forEach(code -> documented.add(operation.id() + " " + status + " " + code));
          }
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (String answer : documented) {
      boolean excused = NOT_PROVOKED.keySet().stream().anyMatch(pattern -> matches(pattern, answer));
      if (!provoked.contains(answer) && !excused) {
        missing.add(answer);
      }
    }
    assertThat(missing).as("documented answers neither provoked nor listed in NOT_PROVOKED").isEmpty();
    for (String pattern : NOT_PROVOKED.keySet()) {
      List<String> provokedAfterAll = provoked.stream().filter(answer -> matches(pattern, answer)).toList();
      if (pattern.equals("* 503 shutting_down")) {
        assertThat(provokedAfterAll).as("shutting_down is provoked for lock only").containsExactly("lock 503 shutting_down");
      } else {
        assertThat(provokedAfterAll).as("listed as not provoked, but provoked: " + pattern).isEmpty();
      }
    }
    Set<String> protocol = provoked.stream().filter(answer -> answer.startsWith("any ")).collect(Collectors.toCollection(TreeSet::new));
    assertThat(protocol).contains("any 400 bad_request", "any 404 not_found", "any 405 method_not_allowed",
      "any 414 uri_too_long", "any 431 request_header_fields_too_large");
  }

  // ---------------------------------------------------------------------------------------------
  // The checks can fail

  @Test
  @Order(50)
  @DisplayName("the checks fail when the document and an answer disagree (a doctored copy of the document)")
  void checksCanFail() {
    // a document that is not OpenAPI 3.1 (a parameter "in: body", as in Swagger 2)
    assertThat(contract.text()).contains("in: query");
    assertThat(OpenApiContract.parse(contract.text().replace("in: query", "in: body")).metaValidation().getValid()).isFalse();
    HttpResult status = api("GET", "/locks/ok", null);
    check("lockStatus", status);
    // waiters documented as a string: the real answer (an integer) no longer matches
    String doctored = contract.text().replace(
      "        waiters:\n          type: integer\n          minimum: 0\n          description: >-\n            Calls blocked",
      "        waiters:\n          type: string\n          description: >-\n            Calls blocked");
    assertThat(doctored).isNotEqualTo(contract.text());
    OpenApiContract wrongType = OpenApiContract.parse(doctored);
    assertThatThrownBy(() -> wrongType.check(wrongType.operation("lockStatus"), status, false))
      .isInstanceOf(AssertionError.class).hasMessageContaining("/waiters");
    // an undocumented field in an answer
    HttpResult extraField = new HttpResult(200, status.headers(), status.json().put("holder", "x").encode());
    assertThatThrownBy(() -> contract.check(contract.operation("lockStatus"), extraField, false))
      .isInstanceOf(AssertionError.class).hasMessageContaining("holder");
    // a problem whose code is not among the response's
    HttpResult notHeld = api("POST", "/unlock", "{\"key\": \"nobody\", \"lockKey\": \"x\"}");
    HttpResult relabelled = new HttpResult(409, notHeld.headers(), notHeld.json().put("code", "lock_held").encode());
    assertThatThrownBy(() -> contract.check(contract.operation("unlock"), relabelled, false)).isInstanceOf(AssertionError.class);
    // a member that only another code's problem has (unevaluatedProperties through allOf), a changed title
    HttpResult withField = new HttpResult(409, notHeld.headers(), notHeld.json().put("field", "key").encode());
    assertThatThrownBy(() -> contract.check(contract.operation("unlock"), withField, false)).isInstanceOf(AssertionError.class);
    HttpResult retitled = new HttpResult(409, notHeld.headers(), notHeld.json().put("title", "Not held").encode());
    assertThatThrownBy(() -> contract.check(contract.operation("unlock"), retitled, false)).isInstanceOf(AssertionError.class);
    contract.check(contract.operation("unlock"), notHeld, false);
    // a status the operation does not list, a media type it does not list, a required header missing
    assertThatThrownBy(() -> contract.check(contract.operation("lockStatus"), new HttpResult(409, notHeld.headers(), notHeld.body()), false))
      .isInstanceOf(AssertionError.class).hasMessageContaining("does not list");
    HttpResult asText = new HttpResult(200, java.net.http.HttpHeaders.of(Map.of("Content-Type", List.of("text/plain")), (a, b) -> true), status.body());
    assertThatThrownBy(() -> contract.check(contract.operation("lockStatus"), asText, false))
      .isInstanceOf(AssertionError.class).hasMessageContaining("Content-Type");
    HttpResult noAllow = new HttpResult(405, java.net.http.HttpHeaders.of(Map.of("Content-Type", List.of("application/problem+json")), (a, b) -> true),
      service.get(API + "/lock", TOKEN, CLIENT).body());
    assertThatThrownBy(() -> contract.checkComponent("MethodNotAllowed", noAllow))
      .isInstanceOf(AssertionError.class).hasMessageContaining("Allow");
  }

  // ---------------------------------------------------------------------------------------------

  /** A request that reaches {@code operation}'s handler on the main service (given the right token). */
  private record SampleRequest(String method, String path, String body) {
  }

  private static SampleRequest sample(Operation operation) {
    Map<String, SampleRequest> samples = new LinkedHashMap<>();
    samples.put("lock", new SampleRequest("POST", API + "/lock", "{\"key\": \"sample\", \"ttl\": 1, \"waitTimeout\": 0}"));
    samples.put("unlock", new SampleRequest("POST", API + "/unlock", "{\"key\": \"sample\", \"lockKey\": \"x\"}"));
    samples.put("extend", new SampleRequest("POST", API + "/extend", "{\"key\": \"sample\", \"lockKey\": \"x\"}"));
    samples.put("listLocks", new SampleRequest("GET", API + "/locks", null));
    samples.put("semaphoreAcquire", new SampleRequest("POST", API + "/semaphore/acquire",
      "{\"key\": \"sample\", \"permits\": 2, \"ttl\": 1, \"waitTimeout\": 0}"));
    samples.put("semaphoreRelease", new SampleRequest("POST", API + "/semaphore/release", "{\"key\": \"sample\", \"lockKey\": \"x\"}"));
    samples.put("semaphoreExtend", new SampleRequest("POST", API + "/semaphore/extend", "{\"key\": \"sample\", \"lockKey\": \"x\"}"));
    samples.put("semaphoreStatus", new SampleRequest("GET", API + "/semaphores/sample", null));
    samples.put("lockStatus", new SampleRequest("GET", API + "/locks/sample", null));
    samples.put("forceUnlock", new SampleRequest("DELETE", API + "/locks/sample", null));
    // a plain GET: java.net.http cannot upgrade to a WebSocket (SessionProtocolTest opens sessions)
    samples.put("openSession", new SampleRequest("GET", API + "/session", null));
    samples.put("live", new SampleRequest("GET", "/health/live", null));
    samples.put("ready", new SampleRequest("GET", "/health/ready", null));
    samples.put("metrics", new SampleRequest("GET", "/metrics", null));
    samples.put("openApiDocument", new SampleRequest("GET", "/openapi.yaml", null));
    SampleRequest sample = samples.get(operation.id());
    assertThat(sample).as("a sample request for the documented operation " + operation + " (add one here)").isNotNull();
    assertThat(sample.method()).isEqualTo(operation.method().toUpperCase(Locale.ROOT));
    return sample;
  }

  private static HttpResult api(String method, String path, String body) {
    return body == null
      ? service.send(method, API + path, null, TOKEN, CLIENT)
      : service.send(method, API + path, body, "Content-Type", "application/json", TOKEN, CLIENT);
  }

  /** One request exactly as given, on a connection of its own. */
  private static HttpResult raw(String method, String path, String token) {
    return RawHttp.exchange(service.port(), (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + TOKEN + ": " + token
      + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  private static HttpResult rawConnection(String request) {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      return connection.send(request).readResponse(WITHIN);
    }
  }

  private static void check(String operationId, HttpResult result) {
    provoked.add(contract.check(contract.operation(operationId), result, false));
  }

  private static void checkHead(String operationId, HttpResult result) {
    assertThat(result.status()).as("HEAD of " + operationId).isEqualTo(200);
    contract.check(contract.operation(operationId), result, true);
  }

  private static void checkComponent(String response, HttpResult result) {
    provoked.add(contract.checkComponent(response, result));
  }

  /** A documented path with its template filled in. */
  private static String concrete(String path) {
    return path.replaceAll("\\{[^}]+}", "sample");
  }

  private static Set<String> withHead(Set<String> methods) {
    Set<String> all = new TreeSet<>(methods);
    if (all.contains("GET")) {
      all.add("HEAD");
    }
    return all;
  }

  private static boolean matches(String pattern, String answer) {
    String[] parts = pattern.split(" ", 2);
    return (parts[0].equals("*") || answer.startsWith(parts[0] + " ")) && answer.endsWith(" " + parts[1]);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
