package io.isp.lock.engine;

import io.isp.lock.api.LockException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a listing goes on: a Redis SCAN cursor and the last key already listed from that cursor's
 * batch (see lua/list.lua). Clients see it as one opaque URL-safe string.
 */
record ScanCursor(String redisCursor, String after) {

  static final ScanCursor START = new ScanCursor("0", "");

  boolean isEnd() {
    return redisCursor.equals("0") && after.isEmpty();
  }

  String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((redisCursor + ":" + after).getBytes(StandardCharsets.UTF_8));
  }

  /** null: the first page. Anything this service did not hand out is {@code invalid_field} naming {@code cursor}. */
  static ScanCursor decode(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return START;
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    int colon = text.indexOf(':');
    if (colon < 1 || !text.substring(0, colon).chars().allMatch(Character::isDigit)) {
      throw invalid();
    }
    return new ScanCursor(text.substring(0, colon), text.substring(colon + 1));
  }

  /** Makes {@code text} match itself literally in a Redis glob pattern (SCAN MATCH). */
  static String globEscape(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  private static LockException invalid() {
    return LockException.invalidField("cursor", "is not a cursor this service returned");
  }
}
