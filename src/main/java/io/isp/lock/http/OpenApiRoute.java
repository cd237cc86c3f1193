package io.isp.lock.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.yaml}: the API's OpenAPI 3.1 document ({@code src/main/resources/openapi.yaml})
 * byte for byte, so that a client or a gateway can read the contract from the service it talks to.
 * No token, like the probes: it tells nothing the README does not.
 */
final class OpenApiRoute {

  static final String PATH = "/openapi.yaml";
  static final String RESOURCE = "openapi.yaml";
  static final String CONTENT_TYPE = "application/yaml";

  /** Read once per process: it is part of the jar and never changes while the service runs. */
  private static final byte[] DOCUMENT = load();

  private OpenApiRoute() {
  }

  static void mount(Router router) {
    MethodRouting.getAndHead(router, PATH).handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
      .end(Buffer.buffer(DOCUMENT)));
  }

  private static byte[] load() {
    try (InputStream in = OpenApiRoute.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
