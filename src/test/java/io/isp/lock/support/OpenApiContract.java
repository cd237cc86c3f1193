package io.isp.lock.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * The service's OpenAPI 3.1 document ({@code openapi.yaml} on the class path), and checks of real
 * HTTP answers against it: the status must be documented for the operation, the {@code Content-Type}
 * must be one of the response's media types, the body must validate against its schema, and every
 * documented header must be there (when required) and match its schema.
 *
 * <p>Why not vertx-openapi's {@code OpenAPIContract} and {@code ResponseValidator}: in the BOM's
 * version (5.0.7) a contract whose responses use any media type other than JSON, {@code text/plain},
 * multipart, octet-stream or {@code vnd.*+json} is refused when it loads ("unsupported media type"),
 * and this API answers {@code application/problem+json} (RFC 9457), {@code application/yaml} and
 * Prometheus text. Custom media types came in vertx-openapi 5.1. So this class does what its
 * validator would, with the same parts: vertx-openapi's bundled OpenAPI 3.1 meta-schema checks the
 * document, and vertx-json-schema (JSON Schema 2020-12, OpenAPI 3.1's dialect, with vertx-openapi's
 * format validator) checks the bodies and headers.
 */
public final class OpenApiContract {

  public static final String RESOURCE = "openapi.yaml";
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  /** One operation of the document. */
  public record Operation(String id, String method, String path, JsonObject model) {

    /** The documented response for {@code status}, or null. */
    JsonObject response(int status) {
      return model.getJsonObject("responses", new JsonObject()).getJsonObject(Integer.toString(status));
    }

    /** The security requirements in force: the operation's own, else the document's. */
    public JsonArray security(JsonObject document) {
      return model.containsKey("security") ? model.getJsonArray("security") : document.getJsonArray("security", new JsonArray());
    }

    @Override
    public String toString() {
      return id + " (" + method.toUpperCase(Locale.ROOT) + " " + path + ")";
    }
  }

  private final String text;
  private final JsonObject raw;
  private final JsonObject resolved;
  private final SchemaRepository repository;
  private final OutputUnit metaValidation;
  private final Map<String, Operation> operations = new LinkedHashMap<>();

  private OpenApiContract(String text) {
    this.text = text;
    this.raw = toJson(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIVersion version = OpenAPIVersion.fromContract(raw);
      repository = await(version.getRepository(vertx, "app://"));
      metaValidation = await(version.validateContract(vertx, repository, raw));
      resolved = await(version.resolve(vertx, repository, raw));
    } finally {
      await(vertx.close());
    }
    JsonObject paths = resolved.getJsonObject("paths");
    for (String path : names(paths)) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : METHODS) {
        JsonObject model = item.getJsonObject(method);
        if (model != null) {
          operations.put(model.getString("operationId"), new Operation(model.getString("operationId"), method, path, model));
        }
      }
    }
  }

  /** Reads and resolves the document on the class path (main resources). */
  public static OpenApiContract load() {
    try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A document from its YAML text (a test may load a doctored copy to see that the checks fail). */
  public static OpenApiContract parse(String yaml) {
    return new OpenApiContract(yaml);
  }

  /** The YAML text as read. */
  public String text() {
    return text;
  }

  /** The document with every {@code $ref} resolved. */
  public JsonObject resolved() {
    return resolved;
  }

  /** The document as written (with its {@code $ref}s). */
  public JsonObject raw() {
    return raw;
  }

  /** The outcome of validating the document against the OpenAPI 3.1 schema. */
  public OutputUnit metaValidation() {
    return metaValidation;
  }

  public List<Operation> operations() {
    return List.copyOf(operations.values());
  }

  public Operation operation(String id) {
    Operation operation = operations.get(id);
    if (operation == null) {
      fail("the document has no operation " + id + "; it has " + operations.keySet());
    }
    return operation;
  }

  /** The documented paths and, for each, its methods in upper case. */
  public Map<String, Set<String>> pathMethods() {
    Map<String, Set<String>> methods = new LinkedHashMap<>();
    operations.values().forEach(op -> methods.computeIfAbsent(op.path(), p -> new TreeSet<>()).add(op.method().toUpperCase(Locale.ROOT)));
    return methods;
  }

  /**
   * Fails unless {@code result} is a documented answer of {@code operation}; {@code head}: the
   * answer to a HEAD of the operation's GET (status and headers as documented, no body). Returns
   * what it was, for coverage: {@code "<operationId> <status> <problem code or media type>"}.
   */
  public String check(Operation operation, HttpResult result, boolean head) {
    JsonObject response = operation.response(result.status());
    if (response == null) {
      fail(operation + " answered " + result.status() + ", which the document does not list for it: " + result);
    }
    return operation.id() + " " + check(response, result, head, operation + " " + result.status());
  }

  /** Like {@link #check(Operation, HttpResult, boolean)}, against {@code #/components/responses/<name>}. */
  public String checkComponent(String name, HttpResult result) {
    JsonObject response = resolved.getJsonObject("components").getJsonObject("responses").getJsonObject(name);
    if (response == null) {
      fail("the document has no components/responses/" + name);
    }
    return "any " + check(response, result, false, "components/responses/" + name);
  }

  private String check(JsonObject response, HttpResult result, boolean head, String where) {
    JsonObject headers = response.getJsonObject("headers", new JsonObject());
    for (String name : names(headers)) {
      if (name.equalsIgnoreCase("Content-Type")) {
        continue; // OpenAPI ignores it: the media types say it
      }
      JsonObject header = headers.getJsonObject(name);
      String value = result.header(name);
      if (value == null) {
        if (header.getBoolean("required", false)) {
          fail(where + ": header " + name + " is required but absent: " + result.headers().map());
        }
        continue;
      }
      validate(header.getJsonObject("schema"), headerValue(header.getJsonObject("schema"), value), where + " header " + name);
    }
    JsonObject content = response.getJsonObject("content", new JsonObject());
    if (names(content).isEmpty()) {
      if (!result.body().isEmpty()) {
        fail(where + ": the document says no body, got: " + result.body());
      }
      return result.status() + " -";
    }
    String contentType = result.header("Content-Type");
    String mediaType = contentType == null ? null : names(content).stream()
      .filter(key -> mediaTypeMatches(key, contentType)).findFirst().orElse(null);
    if (mediaType == null) {
      fail(where + ": Content-Type " + contentType + " is not among the documented " + names(content));
    }
    String kind = baseType(mediaType);
    if (head) {
      if (!result.body().isEmpty()) {
        fail(where + ": HEAD answered a body: " + result.body());
      }
      return result.status() + " " + kind;
    }
    JsonObject schema = content.getJsonObject(mediaType).getJsonObject("schema");
    Object body;
    if (kind.equals("application/json") || kind.endsWith("+json")) {
      try {
        body = Json.decodeValue(result.body());
      } catch (DecodeException e) {
        throw new AssertionError(where + ": the body is not JSON: " + result.body(), e);
      }
    } else {
      body = result.body();
    }
    if (schema != null) {
      validate(schema, body, where + " " + mediaType + " body");
    }
    if (kind.equals("application/problem+json") && body instanceof JsonObject problem) {
      return result.status() + " " + problem.getString("code");
    }
    return result.status() + " " + kind;
  }

  /** Whether {@code body} (JSON text) is valid for the JSON request body {@code operation} documents. */
  public boolean acceptsRequestBody(Operation operation, String body) {
    JsonObject schema = operation.model().getJsonObject("requestBody").getJsonObject("content")
      .getJsonObject("application/json").getJsonObject("schema");
    return Boolean.TRUE.equals(repository.validator(JsonSchema.of(schema)).validate(Json.decodeValue(body)).getValid());
  }

  /** Validates {@code value} against {@code schema} (JSON Schema 2020-12, the document's dialect). */
  public void validate(JsonObject schema, Object value, String what) {
    OutputUnit outcome = repository.validator(JsonSchema.of(schema)).validate(value);
    if (!Boolean.TRUE.equals(outcome.getValid())) {
      List<String> errors = new ArrayList<>();
      if (outcome.getErrors() != null) {
        outcome.getErrors().forEach(error -> errors.add(error.getInstanceLocation() + " " + error.getKeywordLocation() + ": " + error.getError()));
      }
      fail(what + " does not match the document:\n  " + String.join("\n  ", errors) + "\nvalue: " + value);
    }
  }

  /**
   * Every problem {@code code} a response schema names, found through {@code oneOf}/{@code allOf}
   * ({@code properties.code.const}); empty for a schema that is no problem.
   */
  public static Set<String> problemCodes(JsonObject schema) {
    Set<String> codes = new LinkedHashSet<>();
    collectCodes(schema, codes);
    return codes;
  }

  private static void collectCodes(Object node, Set<String> codes) {
    if (node instanceof JsonObject object) {
      JsonObject code = object.getJsonObject("properties", new JsonObject()).getJsonObject("code");
      if (code != null && code.getValue("const") instanceof String constant) {
        codes.add(constant);
      }
      for (String composition : List.of("oneOf", "anyOf", "allOf")) {
        JsonArray parts = object.getJsonArray(composition);
        if (parts != null) {
          parts.forEach(part -> collectCodes(part, codes));
        }
      }
    }
  }

  /**
   * The member names of an object of the resolved document, less the annotations the schema
   * repository adds while resolving ({@code __absolute_uri__} and the like).
   */
  public static List<String> names(JsonObject object) {
    return object.fieldNames().stream().filter(JsonSchema.EXCLUDE_ANNOTATIONS).toList();
  }

  /** A header's text as its schema's type: an integer header is validated as a number. */
  private static Object headerValue(JsonObject schema, String value) {
    String type = schema == null ? null : schema.getString("type");
    if ("integer".equals(type) && value.matches("-?[0-9]{1,18}")) {
      return Long.parseLong(value);
    }
    return value;
  }

  /**
   * A response's {@code Content-Type} matches a documented media type when the type/subtype are the
   * same and it carries every parameter the documented one names, with the same value
   * ({@code application/json} matches {@code application/json;charset=UTF-8};
   * {@code text/plain; version=0.0.4} does not match {@code text/plain}).
   */
  static boolean mediaTypeMatches(String documented, String actual) {
    if (!baseType(documented).equals(baseType(actual))) {
      return false;
    }
    Map<String, String> actualParameters = parameters(actual);
    return parameters(documented).entrySet().stream()
      .allMatch(parameter -> parameter.getValue().equalsIgnoreCase(actualParameters.get(parameter.getKey())));
  }

  private static String baseType(String mediaType) {
    return mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  private static Map<String, String> parameters(String mediaType) {
    Map<String, String> parameters = new LinkedHashMap<>();
    String[] parts = mediaType.split(";");
    for (int i = 1; i < parts.length; i++) {
      String[] nameValue = parts[i].split("=", 2);
      if (nameValue.length == 2) {
        parameters.put(nameValue[0].trim().toLowerCase(Locale.ROOT), nameValue[1].trim().replace("\"", ""));
      }
    }
    return parameters;
  }

  /** SnakeYAML's maps and lists as Vert.x JSON, every key a string (YAML allows others). */
  private static JsonObject toJson(Object yaml) {
    if (!(yaml instanceof Map<?, ?>)) {
      throw new IllegalStateException(RESOURCE + " is not a YAML mapping");
    }
    return (JsonObject) json(yaml);
  }

  private static Object json(Object yaml) {
    if (yaml instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((key, value) -> object.put(String.valueOf(key), json(value)));
      return object;
    }
    if (yaml instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(item -> array.add(json(item)));
      return array;
    }
    return yaml;
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
