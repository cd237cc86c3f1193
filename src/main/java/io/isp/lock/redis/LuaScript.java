package io.isp.lock.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The Lua scripts, each a resource under {@code /lua}, with its SHA-1 computed locally for EVALSHA. */
public enum LuaScript {
  LOCK("lock.lua"),
  UNLOCK("unlock.lua");

  private final String source;
  private final String sha;

  LuaScript(String resource) {
    this.source = load("/lua/" + resource);
    this.sha = sha1(source);
  }

  public String source() {
    return source;
  }

  public String sha() {
    return sha;
  }

  private static String load(String path) {
    try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
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
