package io.isp.lock.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** Reads a request body (or a WebSocket session's text frame) as a JSON object, or says why it is not one ({@code invalid_json}). */
public final class JsonBodies {

  private JsonBodies() {
  }

  public static JsonObject parse(Buffer raw) {
    if (raw == null || raw.length() == 0) {
      throw invalid("the request body must be a JSON object, got nothing");
    }
    // JSON text is Unicode (RFC 8259 8.1): malformed or overlong UTF-8, and escaped lone surrogates,
    // would otherwise be decoded leniently or replaced, and two different keys could meet in Redis
    if (!Unicode.isWellFormedUtf8(raw)) {
      throw invalid("the request body is not valid UTF-8");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw invalid("the request body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw invalid("the request body must be a JSON object");
    }
    if (Unicode.hasLoneSurrogate(object)) {
      throw invalid("the request body has a string with a lone UTF-16 surrogate, which is not Unicode text");
    }
    return object;
  }

  private static LockException invalid(String detail) {
    return new LockException(ErrorCode.INVALID_JSON, detail);
  }
}
