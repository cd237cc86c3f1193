package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/**
 * A validated lock request: take {@code key} for {@code ttlMs} in {@code mode}, waiting at most
 * {@code waitMs} (0: try once).
 */
public record LockCommand(String key, long ttlMs, long waitMs, LockMode mode) {

  /** A write lock: the mutex. */
  public LockCommand(String key, long ttlMs, long waitMs) {
    this(key, ttlMs, waitMs, LockMode.WRITE);
  }

  public boolean read() {
    return mode == LockMode.READ;
  }

  /**
   * The documented event-bus body, for callers that cannot send the typed command (across a cluster).
   * A write lock leaves {@code mode} out (its default), so its body is what it always was.
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("key", key).put("ttl", Seconds.of(ttlMs)).put("waitTimeout", Seconds.of(waitMs));
    return read() ? json.put("mode", mode.text()) : json;
  }
}
