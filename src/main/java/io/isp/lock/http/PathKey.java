package io.isp.lock.http;

import io.isp.lock.api.LockException;
import io.isp.lock.api.Unicode;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes the key at the end of {@code /locks/{key}}, and query parameters, strictly:
 * percent-escapes are bytes of UTF-8, and anything else is refused rather than replaced ({@code %FF}
 * and {@code %FE} must not both read as U+FFFD, which would make them one key). In a path {@code +}
 * is a plus sign; in a query it is a space, as forms encode it.
 */
final class PathKey {

  private PathKey() {
  }

  static String decode(String encoded) {
    return decode(encoded, "key", false);
  }

  /**
   * The query's parameters, each decoded strictly; a parameter given twice keeps its first value.
   * A malformed one is {@code invalid_field} naming it.
   */
  static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals), "query", true);
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1), name, true);
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String decode(String encoded, String field, boolean plusIsSpace) {
    Buffer bytes = Buffer.buffer(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
        if (low < 0) {
          throw LockException.invalidField(field, "is not validly percent-encoded: '%' must be followed by two hex digits");
        }
        bytes.appendByte((byte) (high << 4 | low));
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.appendByte((byte) ' ');
      } else if (c > 0x20 && c < 0x7F) {
        bytes.appendByte((byte) c);
      } else {
        throw LockException.invalidField(field, "contains a character that must be percent-encoded (as UTF-8)");
      }
    }
    if (!Unicode.isWellFormedUtf8(bytes)) {
      throw LockException.invalidField(field, "is not valid UTF-8 once percent-decoded");
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
