package io.isp.lock.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of the results table. Each scenario run appends its row as one JSON line to the rows
 * file; {@link TablePrinter} reads them all back. {@code metrics} holds the scenario's own numbers
 * (handoffs, fairness, heap, ...) that the targets are checked against.
 */
record Row(String id, String scenario, int clients, double pairsPerSec, double p50Ms, double p99Ms, double p999Ms,
           long errors, double cpuPer10k, String details, JsonObject metrics) {

  static Row of(String id, String scenario, int clients, double pairsPerSec, Histogram pairMicros, long errors,
                double cpuPer10k, String details, JsonObject metrics) {
    return new Row(id, scenario, clients, pairsPerSec, ms(pairMicros, 50), ms(pairMicros, 99), ms(pairMicros, 99.9),
      errors, cpuPer10k, details, metrics);
  }

  /** A row whose scenario could not run to the end: the table shows why. */
  static Row failed(String id, String scenario, int clients, Throwable error) {
    return new Row(id, scenario, clients, 0, 0, 0, 0, 0, 0,
      "FAILED: " + error.getClass().getSimpleName() + ": " + error.getMessage(), new JsonObject().put("failed", true));
  }

  /** How busy other processes kept the machine during the row; above a few % the row is not quotable. */
  static String othersNote(CpuMeter.Reading used) {
    return String.format(java.util.Locale.ROOT, "other processes used %.0f %% of the machine", used.othersShare() * 100);
  }

  /** The load generator's own CPU per 10,000 pairs (0 when it hosts the service: then it is all in the service's). */
  static String clientCpuNote(CpuMeter.Reading used, long pairs) {
    return used.self() == 0 || pairs == 0 ? ""
      : String.format(java.util.Locale.ROOT, "load generator CPU %.2f s / 10k pairs; ", used.self() / pairs * 10_000);
  }

  static double ms(Histogram micros, double percentile) {
    return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
  }

  boolean failed() {
    return metrics.getBoolean("failed", false);
  }

  JsonObject toJson() {
    return new JsonObject()
      .put("id", id).put("scenario", scenario).put("clients", clients)
      .put("pairsPerSec", pairsPerSec).put("p50Ms", p50Ms).put("p99Ms", p99Ms).put("p999Ms", p999Ms)
      .put("errors", errors).put("cpuPer10k", cpuPer10k).put("details", details).put("metrics", metrics);
  }

  static Row fromJson(JsonObject json) {
    return new Row(json.getString("id"), json.getString("scenario"), json.getInteger("clients"),
      json.getDouble("pairsPerSec"), json.getDouble("p50Ms"), json.getDouble("p99Ms"), json.getDouble("p999Ms"),
      json.getLong("errors"), json.getDouble("cpuPer10k"), json.getString("details"), json.getJsonObject("metrics"));
  }

  void appendTo(Path rows) throws IOException {
    Files.writeString(rows, toJson().encode() + "\n", StandardCharsets.UTF_8,
      StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static List<Row> readAll(Path rows) throws IOException {
    List<Row> all = new ArrayList<>();
    if (Files.exists(rows)) {
      for (String line : Files.readAllLines(rows, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          all.add(fromJson(new JsonObject(line)));
        }
      }
    }
    return all;
  }
}
