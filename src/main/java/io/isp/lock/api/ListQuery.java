package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/**
 * A validated listing request: held locks whose key starts with {@code prefix} (taken literally),
 * at most {@code limit}, from {@code cursor} (null: the first page).
 */
public record ListQuery(String prefix, int limit, String cursor) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public JsonObject toJson() {
    return new JsonObject().put("prefix", prefix).put("limit", limit).put("cursor", cursor);
  }
}
