package io.isp.lock.http;

import io.isp.lock.api.LockException;
import io.isp.lock.api.Unicode;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Decodes the key at the end of {@code /locks/{key}} strictly: percent-escapes are bytes of UTF-8,
 * and anything else is refused rather than replaced ({@code %FF} and {@code %FE} must not both read
 * as U+FFFD, which would make them one key). {@code +} is a plus sign: this is a path, not a form.
 */
final class PathKey {

  private PathKey() {
  }

  static String decode(String encoded) {
    Buffer bytes = Buffer.buffer(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
        if (low < 0) {
          throw LockException.invalidField("key", "is not validly percent-encoded: '%' must be followed by two hex digits");
        }
        bytes.appendByte((byte) (high << 4 | low));
        i += 2;
      } else if (c > 0x20 && c < 0x7F) {
        bytes.appendByte((byte) c);
      } else {
        throw LockException.invalidField("key", "contains a character that must be percent-encoded (as UTF-8)");
      }
    }
    if (!Unicode.isWellFormedUtf8(bytes)) {
      throw LockException.invalidField("key", "is not valid UTF-8 once percent-decoded");
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
