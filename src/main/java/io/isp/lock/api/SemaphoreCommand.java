package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/**
 * A validated semaphore acquire: take one of the {@code permits} permits of {@code key} for
 * {@code ttlMs}, waiting at most {@code waitMs} (0: try once). Every caller names the size; one
 * whose size differs from the current holders' is refused ({@code permits_mismatch}).
 */
public record SemaphoreCommand(String key, int permits, long ttlMs, long waitMs) {

  /** The largest semaphore. */
  public static final int MAX_PERMITS = 10_000;

  /** The documented event-bus body, for callers that cannot send the typed command (across a cluster). */
  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("permits", permits)
      .put("ttl", Seconds.of(ttlMs)).put("waitTimeout", Seconds.of(waitMs));
  }
}
