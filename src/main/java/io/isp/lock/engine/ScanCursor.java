package io.isp.lock.engine;

import io.isp.lock.api.LockException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a listing goes on: a Redis SCAN cursor and the last key already listed from that cursor's
 * batch (see lua/list.lua), and in a Redis Cluster which master ({@code shard}, an index into
 * RedisMaster#shards) the cursor is of. Clients see it as one opaque URL-safe string.
 */
record ScanCursor(String redisCursor, String after, int shard) {

  static final ScanCursor START = new ScanCursor("0", "", 0);

  ScanCursor(String redisCursor, String after) {
    this(redisCursor, after, 0);
  }

  boolean isEnd() {
    return redisCursor.equals("0") && after.isEmpty();
  }

  String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(((shard == 0 ? "" : shard + "-") + redisCursor + ":" + after).getBytes(StandardCharsets.UTF_8));
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
    int dash = text.indexOf('-');
    int shard = 0;
    if (dash > 0 && dash < colon) {
      // "<master>-<cursor>": which master of a cluster the listing is on (see RedisLockStore#list)
      if (!digits(text.substring(0, dash)) || dash > 6) {
        throw invalid();
      }
      shard = Integer.parseInt(text.substring(0, dash));
    }
    String redisCursor = colon < 0 ? "" : text.substring(dash > 0 && dash < colon ? dash + 1 : 0, colon);
    if (redisCursor.isEmpty() || !digits(redisCursor)) {
      throw invalid();
    }
    return new ScanCursor(redisCursor, text.substring(colon + 1), shard);
  }

  private static boolean digits(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
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
