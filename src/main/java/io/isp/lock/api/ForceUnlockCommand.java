package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/** An operator's request to remove the lock on {@code key}, whoever holds it. */
public record ForceUnlockCommand(String key) {

  public JsonObject toJson() {
    return new JsonObject().put("key", key);
  }
}
