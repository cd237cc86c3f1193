package io.isp.lock.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** A validated extend of a lock on several keys: if {@code lockKey} holds all of {@code keys}, their TTL becomes {@code ttlMs}. */
public record MultiExtendCommand(List<String> keys, String lockKey, long ttlMs) {

  public MultiExtendCommand {
    keys = List.copyOf(keys);
  }

  public JsonObject toJson() {
    return new JsonObject().put("keys", new JsonArray(keys)).put("lockKey", lockKey).put("ttl", Seconds.of(ttlMs));
  }
}
