package io.isp.lock.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lock API over the JDK's own HTTP client (no dependency, so the soak runs from
 * {@code target/test-classes} alone), tallying every answer by operation and status.
 */
final class LockHttp {

  /** One answer: {@code status} 0 when none came (connection refused, reset, or no answer in time). */
  record Answer(int status, String body, String failure) {
    String field(String name) {
      Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(body);
      return m.find() ? m.group(1) : null;
    }

    long number(String name) {
      Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(-?\\d+)").matcher(body);
      if (!m.find()) {
        throw new IllegalStateException("no " + name + " in " + body);
      }
      return Long.parseLong(m.group(1));
    }

    String outcome() {
      if (status == 0) {
        return "no_answer";
      }
      String code = field("code");
      return status == 200 ? "released" : status + (code == null ? "" : " " + code);
    }
  }

  private static final String API = "/api/isp-lock-service/";
  // past any answer the service owes: the longest wait used here plus redis.commandTimeout and margin
  private static final Duration SLACK = Duration.ofSeconds(15);

  private final HttpClient client = HttpClient.newBuilder()
    .version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5))
    .build();
  private final String base;
  private final Map<String, AtomicLong> tally = new ConcurrentHashMap<>();

  LockHttp(int port) {
    base = "http://127.0.0.1:" + port + API;
  }

  Answer lock(String key, double ttlSeconds, double waitSeconds) {
    return post("lock", "{\"key\":\"" + key + "\",\"ttl\":" + ttlSeconds + ",\"waitTimeout\":" + waitSeconds + "}",
      Duration.ofMillis((long) (waitSeconds * 1000)).plus(SLACK));
  }

  Answer unlock(String key, String lockKey) {
    return post("unlock", "{\"key\":\"" + key + "\",\"lockKey\":\"" + lockKey + "\"}", SLACK);
  }

  Answer extend(String key, String lockKey, double ttlSeconds) {
    return post("extend", "{\"key\":\"" + key + "\",\"lockKey\":\"" + lockKey + "\",\"ttl\":" + ttlSeconds + "}", SLACK);
  }

  private Answer post(String operation, String json, Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + operation))
      .timeout(timeout)
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(json))
      .build();
    Answer answer;
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      answer = new Answer(response.statusCode(), response.body(), null);
    } catch (IOException e) {
      answer = new Answer(0, "", e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer = new Answer(0, "", "interrupted");
    }
    tally.computeIfAbsent(operation + " " + (answer.status() == 200 ? "200" : answer.outcome()), k -> new AtomicLong()).incrementAndGet();
    return answer;
  }

  /** Tallies an answer that came another way (a session's reply or event): status 0 for none, then the code. */
  void count(String operation, int status, String code) {
    String outcome = status == 200 ? "200" : status == 0 ? code : status + (code.isEmpty() ? "" : " " + code);
    tally.computeIfAbsent(operation + " " + outcome, k -> new AtomicLong()).incrementAndGet();
  }

  /** "operation outcome" → count, sorted, e.g. {@code lock 409 lock_held → 1234}. */
  Map<String, Long> tally() {
    Map<String, Long> sorted = new TreeMap<>();
    tally.forEach((k, v) -> sorted.put(k, v.get()));
    return sorted;
  }
}
