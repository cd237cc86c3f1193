package io.isp.lock.support;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A legitimate client's latency: {@code n} lock + unlock pairs in a row on one kept-alive connection
 * of its own, each pair's round trip timed. Used to compare a baseline with the same client under
 * abuse.
 */
public record LatencySample(long[] sortedMicros) {

  /** Runs {@code n} pairs on {@code key} against the service on {@code port}; {@code headers} are name/value pairs (a token). */
  public static LatencySample lockUnlockPairs(int port, String key, int n, String... headers) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    String base = "http://127.0.0.1:" + port + ServiceUnderTest.API;
    List<Long> micros = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        HttpResponse<String> lock = http.send(post(base + "/lock", new JsonObject().put("key", key).put("ttl", 5)
          .put("waitTimeout", 0), headers), HttpResponse.BodyHandlers.ofString());
        assertThat(lock.statusCode()).as(lock.body()).isEqualTo(200);
        HttpResponse<String> unlock = http.send(post(base + "/unlock", new JsonObject().put("key", key)
          .put("lockKey", new JsonObject(lock.body()).getString("lockKey")), headers), HttpResponse.BodyHandlers.ofString());
        assertThat(unlock.statusCode()).as(unlock.body()).isEqualTo(200);
        micros.add((System.nanoTime() - start) / 1000);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    long[] sorted = micros.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new LatencySample(sorted);
  }

  /** Pairs as above, 50 at a time, until at least {@code minimum} has passed: the sample spans a whole stretch of abuse. */
  public static LatencySample lockUnlockPairsFor(Duration minimum, int port, String key, String... headers) {
    long until = System.nanoTime() + minimum.toNanos();
    List<long[]> parts = new ArrayList<>();
    do {
      parts.add(lockUnlockPairs(port, key, 50, headers).sortedMicros());
    } while (System.nanoTime() < until);
    long[] all = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new LatencySample(all);
  }

  private static HttpRequest post(String uri, JsonObject body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return request.build();
  }

  /** The {@code q} quantile (0.5: median), in milliseconds. */
  public double quantileMs(double q) {
    return sortedMicros[(int) Math.min(sortedMicros.length - 1, Math.floor(q * sortedMicros.length))] / 1000.0;
  }

  public double medianMs() {
    return quantileMs(0.5);
  }

  @Override
  public String toString() {
    return String.format("%d pairs: median %.1f ms, p90 %.1f ms, max %.1f ms", sortedMicros.length, medianMs(),
      quantileMs(0.9), sortedMicros[sortedMicros.length - 1] / 1000.0);
  }
}
