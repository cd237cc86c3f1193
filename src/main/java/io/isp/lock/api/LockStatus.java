package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/**
 * What anyone may know about a lock: whether it is held, how (read or write), by how many readers,
 * for how much longer, the holder's fencing token, and how many calls wait for it. Never a lockKey.
 *
 * @param ttlMs remaining milliseconds; null when unlocked, or locked without a TTL by someone else
 *     (read-locked: until the last reader's expiry)
 * @param fencingToken null when unlocked, or locked by a client that issues none (the original
 *     service); read-locked: the newest reader's token (the largest)
 * @param waiters calls blocked on this key now, on every instance sharing the Redis
 * @param mode null when unlocked
 * @param readers the readers holding it; 0 when write-locked or unlocked
 */
public record LockStatus(String key, boolean locked, Long ttlMs, Long fencingToken, int waiters, LockMode mode, int readers) {

  public JsonObject toJson() {
    return new JsonObject()
      .put("key", key)
      .put("locked", locked)
      .put("ttl", ttlMs == null ? null : ttlMs / 1000.0)
      .put("fencingToken", fencingToken)
      .put("waiters", waiters)
      .put("mode", mode == null ? null : mode.text())
      .put("readers", readers);
  }

  public static LockStatus fromJson(JsonObject json) {
    Number ttl = json.getNumber("ttl");
    return new LockStatus(json.getString("key"), json.getBoolean("locked", false),
      ttl == null ? null : Seconds.toMillis(ttl), json.getLong("fencingToken"), json.getInteger("waiters", 0),
      LockMode.of(json.getString("mode")), json.getInteger("readers", 0));
  }
}
