package io.isp.lock.api;

import io.isp.lock.config.LockLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns request bodies into validated commands, the same for HTTP and the event bus: the HTTP
 * verticle validates what clients send, the LockVerticle what other verticles and cluster nodes send
 * as JSON (typed commands from this JVM's HTTP verticle arrive validated). Every rejection names
 * the field. Unknown fields are ignored. Numbers must be JSON numbers: a string "20" is a wrong type.
 */
public final class LockRequests {

  private final LockLimits limits;
  private final long defaultTtlMs;

  public LockRequests(LockLimits limits, Duration defaultTtl) {
    this.limits = limits;
    this.defaultTtlMs = defaultTtl.toMillis();
  }

  public LockCommand lock(JsonObject body) {
    LockCommand write = writeLock(body);
    return new LockCommand(write.key(), write.ttlMs(), write.waitMs(), mode(body));
  }

  /** The fields a lock and a semaphore acquire share: key, ttl, waitTimeout. */
  private LockCommand writeLock(JsonObject body) {
    String key = key(body);
    long ttlMs = millis(body, ttlField(body), defaultTtlMs, limits.maxTtl(), false);
    long waitMs = millis(body, "waitTimeout", limits.defaultWaitTimeout().toMillis(), limits.maxWaitTimeout(), true);
    return new LockCommand(key, ttlMs, waitMs);
  }

  /** {@code mode}: "read" or "write", default "write" (the mutex). */
  private static LockMode mode(JsonObject body) {
    Object value = body.getValue("mode");
    if (value == null) {
      return LockMode.WRITE;
    }
    LockMode mode = value instanceof String text ? LockMode.of(text) : null;
    if (mode == null) {
      throw LockException.invalidField("mode", "must be \"read\" or \"write\"");
    }
    return mode;
  }

  /** A body with {@code keys} is a lock on several keys ({@link MultiLockCommand}), any other a {@link LockCommand}. */
  public Object lockOrMultiLock(JsonObject body) {
    return namesSeveralKeys(body) ? multiLock(body) : lock(body);
  }

  /** All of {@code keys} (1..{@value MultiLockCommand#MAX_KEYS}) or none, with the lock's {@code ttl} and {@code waitTimeout}. */
  public MultiLockCommand multiLock(JsonObject body) {
    List<String> keys = keys(body);
    long ttlMs = millis(body, ttlField(body), defaultTtlMs, limits.maxTtl(), false);
    long waitMs = millis(body, "waitTimeout", limits.defaultWaitTimeout().toMillis(), limits.maxWaitTimeout(), true);
    if (mode(body) == LockMode.READ) {
      // silently taking write locks instead would surprise; refusing keeps the door open for read sets
      throw LockException.invalidField("mode", "a lock on several keys is a write lock: \"read\" takes one key");
    }
    return new MultiLockCommand(keys, ttlMs, waitMs);
  }

  /** An {@link UnlockCommand}, or with {@code keys} a {@link MultiUnlockCommand}. */
  public Object unlockOrMultiUnlock(JsonObject body) {
    return namesSeveralKeys(body) ? new MultiUnlockCommand(keys(body), requiredString(body, "lockKey")) : unlock(body);
  }

  /** An {@link ExtendCommand}, or with {@code keys} a {@link MultiExtendCommand}. */
  public Object extendOrMultiExtend(JsonObject body) {
    if (!namesSeveralKeys(body)) {
      return extend(body);
    }
    List<String> keys = keys(body);
    String lockKey = requiredString(body, "lockKey");
    return new MultiExtendCommand(keys, lockKey, millis(body, ttlField(body), defaultTtlMs, limits.maxTtl(), false));
  }

  /** The validated {@code keys} of a body that names several (a session's unlock or extend, whose lockKey is optional). */
  public List<String> severalKeys(JsonObject body) {
    return keys(body);
  }

  /** Whether {@code body} names its keys with {@code keys} (a lock on several keys) rather than {@code key}. */
  public static boolean namesSeveralKeys(JsonObject body) {
    return body.getValue("keys") != null;
  }

  /** A semaphore acquire: the lock's fields and {@code permits}, required, 1..{@value SemaphoreCommand#MAX_PERMITS}. */
  public SemaphoreCommand semaphoreAcquire(JsonObject body) {
    String key = key(body);
    Object permits = body.getValue("permits");
    if (permits == null) {
      throw LockException.invalidField("permits", "is required (the semaphore's size)");
    }
    if (!(permits instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      throw LockException.invalidField("permits", "must be a whole number");
    }
    if (number.doubleValue() < 1 || number.doubleValue() > SemaphoreCommand.MAX_PERMITS) {
      throw LockException.invalidField("permits", "must be 1.." + SemaphoreCommand.MAX_PERMITS);
    }
    LockCommand lock = writeLock(body);
    return new SemaphoreCommand(key, number.intValue(), lock.ttlMs(), lock.waitMs());
  }

  public UnlockCommand unlock(JsonObject body) {
    return new UnlockCommand(key(body), requiredString(body, "lockKey"));
  }

  /** Extend takes the lock's fields: {@code ttl} (or {@code ttlInSec}), default {@code redis.defaultTimeOut}. */
  public ExtendCommand extend(JsonObject body) {
    String key = key(body);
    String lockKey = requiredString(body, "lockKey");
    return new ExtendCommand(key, lockKey, millis(body, ttlField(body), defaultTtlMs, limits.maxTtl(), false));
  }

  /** A status request names only the key. */
  public StatusQuery status(JsonObject body) {
    return new StatusQuery(key(body));
  }

  public ForceUnlockCommand forceUnlock(JsonObject body) {
    return new ForceUnlockCommand(key(body));
  }

  /** {@code prefix} (default: every key), {@code limit} (1..1000, default 100), {@code cursor} (absent: the first page). */
  public ListQuery list(JsonObject body) {
    Object prefix = body.getValue("prefix");
    if (prefix != null && !(prefix instanceof String)) {
      throw LockException.invalidField("prefix", "must be a string");
    }
    if (prefix != null && Unicode.hasLoneSurrogate((String) prefix)) {
      throw LockException.invalidField("prefix", "must be Unicode text: it has a lone UTF-16 surrogate");
    }
    Object limit = body.getValue("limit");
    int pageSize = ListQuery.DEFAULT_LIMIT;
    if (limit != null) {
      if (!(limit instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
        throw LockException.invalidField("limit", "must be a whole number");
      }
      if (number.doubleValue() < 1 || number.doubleValue() > ListQuery.MAX_LIMIT) {
        throw LockException.invalidField("limit", "must be 1.." + ListQuery.MAX_LIMIT);
      }
      pageSize = number.intValue();
    }
    Object cursor = body.getValue("cursor");
    if (cursor != null && !(cursor instanceof String)) {
      throw LockException.invalidField("cursor", "must be a string (the previous page's cursor)");
    }
    return new ListQuery(prefix == null ? "" : (String) prefix, pageSize, (String) cursor);
  }

  /** "ttlInSec" is the original service's current name for "ttl"; "ttl" wins when both are given. */
  private static String ttlField(JsonObject body) {
    return body.getValue("ttl") != null || body.getValue("ttlInSec") == null ? "ttl" : "ttlInSec";
  }

  private String key(JsonObject body) {
    return key(body.getValue("key"), "key");
  }

  /**
   * {@code keys}: a JSON array of 1..{@value MultiLockCommand#MAX_KEYS} distinct keys, each checked as
   * {@code key} is; a problem with one item names the field {@code keys} and the item's position.
   */
  private List<String> keys(JsonObject body) {
    if (body.getValue("key") != null) {
      throw LockException.invalidField("keys", "give either key (one key) or keys (several), not both");
    }
    if (!(body.getValue("keys") instanceof JsonArray array)) {
      throw LockException.invalidField("keys", "must be an array of 1.." + MultiLockCommand.MAX_KEYS + " keys");
    }
    if (array.isEmpty() || array.size() > MultiLockCommand.MAX_KEYS) {
      throw LockException.invalidField("keys", "must hold 1.." + MultiLockCommand.MAX_KEYS + " keys, got " + array.size());
    }
    List<String> keys = new ArrayList<>(array.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String key;
      try {
        key = key(array.getValue(i), "keys");
      } catch (LockException invalid) {
        throw LockException.invalidField("keys", "item " + i + " " + invalid.detail());
      }
      if (!seen.add(key)) {
        throw LockException.invalidField("keys", "item " + i + " repeats '" + key + "': each key may appear once");
      }
      keys.add(key);
    }
    return keys;
  }

  private String key(Object value, String field) {
    String key = text(value, field);
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limits.maxKeyLength()) {
      throw LockException.invalidField(field, "must be at most " + limits.maxKeyLength() + " UTF-8 bytes, got " + bytes);
    }
    return key;
  }

  private static String requiredString(JsonObject body, String field) {
    return text(body.getValue(field), field);
  }

  private static String text(Object value, String field) {
    if (value == null) {
      throw LockException.invalidField(field, "is required");
    }
    if (!(value instanceof String text)) {
      throw LockException.invalidField(field, "must be a string");
    }
    if (text.isEmpty()) {
      throw LockException.invalidField(field, "must not be empty");
    }
    if (Unicode.hasLoneSurrogate(text)) {
      // Redis would store it as '?': two different keys would be one lock
      throw LockException.invalidField(field, "must be Unicode text: it has a lone UTF-16 surrogate");
    }
    return text;
  }

  /** A number of seconds (fractions down to 1 ms) as milliseconds, within (0 or 1 ms)..max. */
  private static long millis(JsonObject body, String field, long defaultMs, Duration max, boolean zeroAllowed) {
    Object value = body.getValue(field);
    if (value == null) {
      return defaultMs;
    }
    if (!(value instanceof Number number)) {
      throw LockException.invalidField(field, "must be a number of seconds");
    }
    double seconds = number.doubleValue();
    double maxSeconds = max.toMillis() / 1000.0;
    // a number too large for a double (1e400) reads as +Infinity: out of range, not negative
    if (Double.isNaN(seconds) || seconds < 0 || (!zeroAllowed && seconds == 0)) {
      throw LockException.invalidField(field, zeroAllowed ? "must be >= 0" : "must be > 0");
    }
    if (seconds > maxSeconds) {
      throw LockException.invalidField(field, "must be at most " + format(maxSeconds) + " seconds");
    }
    long ms = Math.round(seconds * 1000);
    if (!zeroAllowed && ms < 1) {
      throw LockException.invalidField(field, "must be at least 0.001 seconds (1 ms)");
    }
    return ms;
  }

  private static String format(double seconds) {
    return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
  }
}
