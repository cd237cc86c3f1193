package io.isp.lock.engine;

import java.security.SecureRandom;
import java.util.Base64;

/** Owner tokens ({@code lockKey}): 16 bytes from {@link SecureRandom} in standard base64, as redsync makes them. */
final class LockKeyGenerator {

  private final SecureRandom random = new SecureRandom();
  private final Base64.Encoder encoder = Base64.getEncoder();

  String next() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return encoder.encodeToString(bytes);
  }
}
