package io.isp.lock.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Keys are sequences of Unicode scalar values. Redis stores them as UTF-8, so text that is not
 * Unicode (malformed or overlong UTF-8, a lone UTF-16 surrogate) would be replaced or decoded
 * leniently on its way there, and two different keys could meet in one Redis key.
 */
public final class Unicode {

  private Unicode() {
  }

  /** True when {@code bytes} are well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
  public static boolean isWellFormedUtf8(Buffer bytes) {
    int length = bytes.length();
    int i = 0;
    while (i < length) {
      int b = bytes.getByte(i) & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int continuation;
      int min;
      int max = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        continuation = 1;
        min = 0x80;
      } else if (b >= 0xE0 && b <= 0xEF) {
        continuation = 2;
        min = b == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
        max = b == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a surrogate
      } else if (b >= 0xF0 && b <= 0xF4) {
        continuation = 3;
        min = b == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
        max = b == 0xF4 ? 0x8F : 0xBF; // F4 90.. would be above U+10FFFF
      } else {
        return false; // a stray continuation byte, C0/C1 (overlong) or F5..FF
      }
      if (i + continuation >= length) {
        return false; // truncated
      }
      int second = bytes.getByte(i + 1) & 0xFF;
      if (second < min || second > max) {
        return false;
      }
      for (int k = 2; k <= continuation; k++) {
        int next = bytes.getByte(i + k) & 0xFF;
        if (next < 0x80 || next > 0xBF) {
          return false;
        }
      }
      i += continuation + 1;
    }
    return true;
  }

  /** True when {@code text} holds a UTF-16 surrogate that is not part of a pair (JSON allows {@code "\udbff"}). */
  public static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** True when any string in {@code json}, a member name or a value at any depth, has a lone surrogate. */
  public static boolean hasLoneSurrogate(Object json) {
    if (json instanceof String text) {
      return hasLoneSurrogate(text);
    }
    if (json instanceof JsonObject object) {
      for (Map.Entry<String, Object> member : object) {
        if (hasLoneSurrogate(member.getKey()) || hasLoneSurrogate(member.getValue())) {
          return true;
        }
      }
    } else if (json instanceof JsonArray array) {
      for (Object item : array) {
        if (hasLoneSurrogate(item)) {
          return true;
        }
      }
    }
    return false;
  }
}
