package io.isp.lock.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts, each a resource under {@code /lua}, with its SHA-1 computed locally for EVALSHA.
 * Shared functions live in {@code /lua/lib} and are prepended to the scripts that use them.
 *
 * <p>Each script comes in two variants: as written, release notices go out with PUBLISH; the
 * {@code sharded} variant (Redis Cluster) sends them with SPUBLISH, to the shard of the lock's slot
 * only. The channel is an argument, so nothing else differs.
 */
public enum LuaScript {
  LOCK("lock.lua", 4, "fencing.lua", "holders.lua", "readers.lua"),
  READ_LOCK("read_lock.lua", 5, "fencing.lua", "holders.lua", "readers.lua"),
  WITHDRAW_WRITER("withdraw_writer.lua", 1),
  UNLOCK("unlock.lua", 6, "owner.lua", "fencing.lua", "holders.lua", "readers.lua"),
  EXTEND("extend.lua", 4, "owner.lua", "holders.lua", "readers.lua"),
  STATUS("status.lua", 5, "holders.lua", "readers.lua"),
  FORCE_UNLOCK("force_unlock.lua", 4, "readers.lua"),
  LIST("list.lua", 0, "holders.lua", "readers.lua"),
  SEMAPHORE_ACQUIRE("semaphore_acquire.lua", 3, "fencing.lua", "holders.lua", "semaphore.lua"),
  SEMAPHORE_RELEASE("semaphore_release.lua", 3, "fencing.lua", "holders.lua", "semaphore.lua"),
  SEMAPHORE_EXTEND("semaphore_extend.lua", 2, "holders.lua", "semaphore.lua"),
  SEMAPHORE_STATUS("semaphore_status.lua", 3, "holders.lua", "semaphore.lua"),
  MULTI_LOCK("multi_lock.lua", LuaScript.VARIABLE_KEYS, "fencing.lua", "multi.lua"),
  MULTI_UNLOCK("multi_unlock.lua", LuaScript.VARIABLE_KEYS, "multi.lua"),
  MULTI_EXTEND("multi_extend.lua", LuaScript.VARIABLE_KEYS, "multi.lua");

  /** The key count of a script whose callers say how many keys each call passes (locks on several keys). */
  public static final int VARIABLE_KEYS = -1;

  private final String source;
  private final String sha;
  private final String shardedSource;
  private final String shardedSha;
  private final int keyCount;

  LuaScript(String resource, int keyCount, String... libraries) {
    StringBuilder text = new StringBuilder();
    for (String library : libraries) {
      text.append(load("lib/" + library));
    }
    this.source = text.append(load(resource)).toString();
    this.sha = sha1(this.source);
    this.shardedSource = source.replace("redis.call('PUBLISH',", "redis.call('SPUBLISH',");
    this.shardedSha = sha1(this.shardedSource);
    this.keyCount = keyCount;
  }

  /** The variant that notifies with SPUBLISH ({@code sharded}) or PUBLISH. */
  public String source(boolean sharded) {
    return sharded ? shardedSource : source;
  }

  public String sha(boolean sharded) {
    return sharded ? shardedSha : sha;
  }

  public String source() {
    return source;
  }

  public String sha() {
    return sha;
  }

  /** How many of a call's leading arguments are keys ({@link #VARIABLE_KEYS}: the call says). */
  public int keyCount() {
    return keyCount;
  }

  private static String load(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream("/lua/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource /lua/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
