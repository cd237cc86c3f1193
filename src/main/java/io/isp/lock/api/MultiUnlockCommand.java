package io.isp.lock.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** A validated unlock of a lock on several keys: release every one of {@code keys} that {@code lockKey} holds. */
public record MultiUnlockCommand(List<String> keys, String lockKey) {

  public MultiUnlockCommand {
    keys = List.copyOf(keys);
  }

  public JsonObject toJson() {
    return new JsonObject().put("keys", new JsonArray(keys)).put("lockKey", lockKey);
  }
}
