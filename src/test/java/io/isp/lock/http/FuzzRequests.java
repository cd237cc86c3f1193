package io.isp.lock.http;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random requests for every endpoint of the API: bodies that are JSON of every shape and type (wrong
 * types, deep nesting, huge, tiny and non-finite numbers, "NaN" strings, Unicode, control characters,
 * lone surrogate escapes, duplicate fields, giant strings), mostly close to a valid request so that
 * they get past the first check, and bytes that are not JSON at all (random bytes, truncated text).
 * Paths and tokens vary too. Keys of the locks the test holds ({@code held}) come up often, with
 * lockKeys that are not theirs.
 */
final class FuzzRequests {

  /** One request to send, as raw HTTP/1.1 bytes, and what the checks need to know of it. */
  record Request(String what, byte[] bytes, boolean lock, boolean admin) {
    @Override
    public String toString() {
      String text = new String(bytes, StandardCharsets.UTF_8);
      return what + ": " + (text.length() > 300 ? text.substring(0, 300) + "... (" + bytes.length + " bytes)" : text);
    }
  }

  private static final String API = "/api/isp-lock-service";
  private static final String[] FIELDS = {"key", "ttl", "ttlInSec", "waitTimeout", "lockKey", "cursor", "prefix", "limit", "extra"};
  private static final String[] WEIRD_STRINGS = {
    "", " ", "NaN", "Infinity", "-Infinity", "null", "true", "0", "1e400", "-1", "0x10", "\\u0000", "\u0000", "a\nb",
    "\t", "\u007f", "\u202e", "\ud83d\udd12", "\ufffd", "\ufeff", "::", "*", "?", "[", "a:fence", ":fence", "../..",
    "%00", "é", "\u0001\u0002", "<script>", "' OR 1=1", "{}", "[]"};
  private static final String[] NUMBERS = {
    "0", "-0", "1", "-1", "0.0001", "0.001", "1e-320", "4.9e-324", "1e308", "1e309", "-1e309", "1e999",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
    "0.5", "86400", "86400.001", "300", "300.0001", "1.0e2", "1E2", "-0.0", "0e0", "2", "30", "0.2", "0.499"};

  private final Random random;
  private final List<String> heldKeys;
  private final String clientToken;
  private final String adminToken;

  FuzzRequests(Random random, List<String> heldKeys, String clientToken, String adminToken) {
    this.random = random;
    this.heldKeys = heldKeys;
    this.clientToken = clientToken;
    this.adminToken = adminToken;
  }

  Request next() {
    String token = pickToken();
    boolean admin = adminToken.equals(token);
    int endpoint = random.nextInt(10);
    if (endpoint < 2) {
      return post("lock", token, false, true);
    } else if (endpoint < 4) {
      return post("unlock", token, admin, false);
    } else if (endpoint < 6) {
      return post("extend", token, admin, false);
    } else if (endpoint < 7) {
      return bodyless("GET", API + "/locks/" + pathKey(), token, "status", false);
    } else if (endpoint < 8) {
      return bodyless("GET", API + "/locks" + query(), token, "list", false);
    } else if (endpoint < 9) {
      // an admin's force-unlock is allowed to change any lock: never aim one at a held key
      String key = admin ? "free-" + pathKey() : pathKey();
      return bodyless("DELETE", API + "/locks/" + key, token, "force-unlock", admin);
    } else {
      return post(new String[] {"lock", "unlock", "extend"}[random.nextInt(3)], token, admin, true);
    }
  }

  private String pickToken() {
    int roll = random.nextInt(20);
    return roll < 15 ? clientToken : roll < 17 ? adminToken : roll < 18 ? null : roll < 19 ? "wrong" : clientToken + "x";
  }

  private Request post(String endpoint, String token, boolean admin, boolean lockLike) {
    byte[] body = body(endpoint);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder("POST ").append(API).append('/').append(endpoint).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    int type = random.nextInt(12);
    if (type < 9) {
      head.append("Content-Type: application/json\r\n");
    } else if (type == 9) {
      head.append("Content-Type: text/plain\r\n");
    } else if (type == 10) {
      head.append("Content-Type: application/problem+json; charset=utf-8\r\n");
    }
    appendToken(head, token);
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return new Request("POST /" + endpoint, out.toByteArray(), endpoint.equals("lock") || lockLike, admin);
  }

  private Request bodyless(String method, String path, String token, String what, boolean admin) {
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    appendToken(head, token);
    head.append("\r\n");
    return new Request(what, head.toString().getBytes(StandardCharsets.ISO_8859_1), false, admin);
  }

  private static void appendToken(StringBuilder head, String token) {
    if (token != null) {
      head.append("X-Application-Token: ").append(token).append("\r\n");
    }
  }

  /** Mostly a near-valid object with one or more fields mangled; sometimes anything at all. */
  private byte[] body(String endpoint) {
    int roll = random.nextInt(20);
    if (roll == 0) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      return bytes;
    }
    if (roll == 1) {
      return json(0).getBytes(StandardCharsets.UTF_8);
    }
    if (roll == 2) {
      return ("{\"key\": \"" + "g".repeat(random.nextBoolean() ? 1025 : 70_000) + "\", \"waitTimeout\": 0}").getBytes(StandardCharsets.UTF_8);
    }
    String text = nearValid(endpoint);
    if (roll == 3) {
      text = text.substring(0, random.nextInt(text.length() + 1)); // truncated
    } else if (roll == 4) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > 0) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256); // one byte flipped
      }
      return bytes;
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private String nearValid(String endpoint) {
    List<String> fields = new ArrayList<>();
    fields.add("\"key\": " + keyValue());
    if (!endpoint.equals("lock")) {
      fields.add("\"lockKey\": " + (random.nextInt(4) == 0 ? value(1) : quoted(randomBase64())));
    }
    if (!endpoint.equals("unlock") || random.nextInt(4) == 0) {
      fields.add("\"" + (random.nextInt(5) == 0 ? "ttlInSec" : "ttl") + "\": " + numberish());
    }
    if (endpoint.equals("lock") || random.nextInt(4) == 0) {
      fields.add("\"waitTimeout\": " + numberish());
    }
    int extra = random.nextInt(3);
    for (int i = 0; i < extra; i++) {
      fields.add(quoted(FIELDS[random.nextInt(FIELDS.length)]) + ": " + value(1)); // duplicates, wrong types
    }
    if (random.nextInt(3) == 0 && fields.size() > 1) {
      fields.remove(random.nextInt(fields.size())); // a field missing
    }
    Collections.shuffle(fields, random);
    return "{" + String.join(random.nextBoolean() ? ", " : ",", fields) + "}";
  }

  private String keyValue() {
    int roll = random.nextInt(10);
    if (roll < 3 && !heldKeys.isEmpty()) {
      return quoted(heldKeys.get(random.nextInt(heldKeys.size())));
    }
    return roll < 8 ? quoted(randomText(1 + random.nextInt(12))) : value(1);
  }

  private String numberish() {
    int roll = random.nextInt(10);
    if (roll < 6) {
      return NUMBERS[random.nextInt(NUMBERS.length)];
    }
    return roll < 8 ? quoted(NUMBERS[random.nextInt(NUMBERS.length)]) : value(1);
  }

  /** Any JSON value (sometimes not quite JSON: NaN, Infinity, single quotes, trailing commas). */
  private String value(int depth) {
    int roll = random.nextInt(depth > 6 ? 7 : 10);
    switch (roll) {
      case 0: return "null";
      case 1: return random.nextBoolean() ? "true" : "false";
      case 2: case 3: return NUMBERS[random.nextInt(NUMBERS.length)];
      case 4: case 5: return quoted(random.nextBoolean() ? WEIRD_STRINGS[random.nextInt(WEIRD_STRINGS.length)] : randomText(random.nextInt(20)));
      case 6: return new String[] {"NaN", "Infinity", "-Infinity", "'single'", "undefined", "01", "+1", ".5", "1.", "[1,]", "{\"a\":1,}"}[random.nextInt(11)];
      case 7: return random.nextInt(4) == 0 ? "[".repeat(200 + random.nextInt(2000)) + "]".repeat(random.nextInt(2300)) : json(depth + 1);
      case 8: return "[" + value(depth + 1) + ", " + value(depth + 1) + "]";
      default: return "{" + quoted(FIELDS[random.nextInt(FIELDS.length)]) + ": " + value(depth + 1) + "}";
    }
  }

  private String json(int depth) {
    return random.nextBoolean() ? "[" + value(depth + 1) + "]" : "{\"key\": " + value(depth + 1) + "}";
  }

  /** Text with ASCII, Unicode beyond the BMP, control characters and the odd lone surrogate. */
  private String randomText(int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int roll = random.nextInt(20);
      if (roll < 12) {
        text.append((char) (' ' + random.nextInt(95)));
      } else if (roll < 15) {
        text.appendCodePoint(0xA0 + random.nextInt(0x2FFFF));
      } else if (roll < 18) {
        text.append((char) random.nextInt(0x20));
      } else {
        text.append((char) (0xD800 + random.nextInt(0x800))); // a lone surrogate
      }
    }
    return text.toString();
  }

  private String randomBase64() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A JSON string literal: escapes quotes and backslashes, writes the rest raw or as a \\u escape at random. */
  private String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 && random.nextInt(4) != 0) {
        out.append(String.format("\\u%04x", (int) c));
      } else if (Character.isSurrogate(c) && random.nextBoolean()) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private String pathKey() {
    int roll = random.nextInt(6);
    if (roll == 0 && !heldKeys.isEmpty()) {
      return URLEncoder.encode(heldKeys.get(random.nextInt(heldKeys.size())), StandardCharsets.UTF_8).replace("+", "%20");
    }
    if (roll == 1) {
      StringBuilder escapes = new StringBuilder();
      for (int i = 0; i < 1 + random.nextInt(6); i++) {
        escapes.append('%').append(String.format("%02X", random.nextInt(256)));
      }
      return escapes.toString();
    }
    if (roll == 2) {
      return new String[] {"%zz", "%", "%4", "a%2", "..%2F..", "%00", "a%0Ab", "*", "?x=1", "a#b", ";x"}[random.nextInt(11)];
    }
    String text = randomText(1 + random.nextInt(10)).replaceAll("[\\uD800-\\uDFFF]", "x");
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private String query() {
    StringBuilder query = new StringBuilder();
    String[] names = {"prefix", "limit", "cursor", "x"};
    for (int i = 0; i < random.nextInt(4); i++) {
      query.append(i == 0 ? '?' : '&').append(names[random.nextInt(names.length)]).append('=');
      int roll = random.nextInt(4);
      query.append(roll == 0 ? NUMBERS[random.nextInt(NUMBERS.length)] : roll == 1 ? pathKey() : roll == 2 ? "held" : randomBase64());
    }
    return query.toString();
  }
}
