package io.isp.lock.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One page of held locks, and where the next page starts ({@code cursor}; null after the last).
 * A page may hold fewer locks than asked for while more follow: go on while the cursor is not null.
 */
public record LockPage(List<Entry> locks, String cursor) {

  public LockPage {
    locks = List.copyOf(locks);
  }

  /** One held lock as anyone may see it: no lockKey. {@code ttlMs} null: held without a TTL. */
  public record Entry(String key, Long ttlMs, Long fencingToken) {

    JsonObject toJson() {
      return new JsonObject().put("key", key).put("ttl", ttlMs == null ? null : ttlMs / 1000.0).put("fencingToken", fencingToken);
    }

    static Entry fromJson(JsonObject json) {
      Number ttl = json.getNumber("ttl");
      return new Entry(json.getString("key"), ttl == null ? null : Seconds.toMillis(ttl), json.getLong("fencingToken"));
    }
  }

  public JsonObject toJson() {
    JsonArray entries = new JsonArray();
    locks.forEach(entry -> entries.add(entry.toJson()));
    return new JsonObject().put("locks", entries).put("cursor", cursor);
  }

  public static LockPage fromJson(JsonObject json) {
    return new LockPage(json.getJsonArray("locks").stream().map(item -> Entry.fromJson((JsonObject) item)).toList(),
      json.getString("cursor"));
  }
}
