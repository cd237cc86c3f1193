package io.isp.lock.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A list of accepted {@code X-Application-Token} values, compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}: constant time, every token compared, and no length leaked.
 */
final class TokenSet {

  private final List<byte[]> digests;

  TokenSet(List<String> tokens) {
    this.digests = tokens.stream().map(TokenSet::digest).toList();
  }

  boolean isEmpty() {
    return digests.isEmpty();
  }

  /** The position of {@code presented} in the list, or -1 (also for null). */
  int indexOf(String presented) {
    if (presented == null) {
      return -1;
    }
    byte[] digest = digest(presented);
    int found = -1;
    for (int i = 0; i < digests.size(); i++) {
      if (MessageDigest.isEqual(digests.get(i), digest) && found < 0) {
        found = i;
      }
    }
    return found;
  }

  /** How a log line names a token without revealing it: the first 8 hex digits of its SHA-256. */
  static String shortHash(String token) {
    return HexFormat.of().formatHex(digest(token)).substring(0, 8);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
