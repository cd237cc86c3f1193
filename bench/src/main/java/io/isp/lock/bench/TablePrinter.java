package io.isp.lock.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the run as one markdown table: the machine, then a row per scenario (with its ratio to raw
 * Redis where one applies and its issue target), then the raw Redis limit rows.
 */
final class TablePrinter {

  /** Issue targets. */
  static final double UNCONTENDED_MIN_RATIO = 0.30;
  static final double UNCONTENDED_MAX_P99_MS = 10;
  static final double HOT_MIN_HANDOFFS = 3000;
  static final double HOT_MAX_MEDIAN_HANDOFF_MS = 1;
  static final double HOT_MAX_FAIRNESS = 2;
  /** A row during which other processes used more than this share of the machine is flagged. */
  static final double BUSY_SHARE = 0.10;

  private TablePrinter() {
  }

  /** @param source what the service was built from (a commit, and whether the tree had changes) */
  static String render(List<Row> rows, Map<Integer, RedisLimit> limits, String redisVersion, String mode,
                       String source, List<String> notes) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("## isp-lock-service benchmark\n\n");
    out.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT))).append('\n');
    out.append("- machine: ").append(machine()).append('\n');
    out.append("- Java ").append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vm.name"))
      .append("), Redis ").append(redisVersion).append('\n');
    out.append("- service built from: ").append(source).append('\n');
    out.append("- mode: ").append(mode).append('\n');
    out.append("- client, service and Redis share these cores: compare ratios, not absolute numbers\n\n");

    out.append("| row | scenario | clients | pairs/s | p50 ms | p99 ms | p99.9 ms | errors | service CPU s / 10k pairs "
      + "| vs raw Redis pair limit | issue target | details |\n");
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    for (Row row : rows) {
      RedisLimit limit = row.id().startsWith("a") || row.id().startsWith("d") ? limits.get(row.clients()) : null;
      String ratio = limit == null || row.failed() ? "" : pct(row.pairsPerSec() / limit.pairsPerSec());
      double others = row.metrics().getDouble("othersShare", 0.0);
      String details = others > BUSY_SHARE
        ? String.format(Locale.ROOT, "⚠ not quotable: other processes used %.0f %% of the machine; %s", others * 100, row.details())
        : row.details();
      if (row.failed()) {
        out.append(cells(row.id(), row.scenario(), num(row.clients()), "", "", "", "", "", "", "", target(row, limit), row.details()));
      } else {
        out.append(cells(row.id(), row.scenario(), num(row.clients()), num(row.pairsPerSec()), ms(row.p50Ms()),
          ms(row.p99Ms()), ms(row.p999Ms()), num(row.errors()), String.format(Locale.ROOT, "%.2f", row.cpuPer10k()),
          ratio, target(row, limit), details));
      }
    }
    for (RedisLimit limit : limits.values()) {
      out.append(cells("L" + limit.clients(), "raw Redis pair limit: SET NX PX + EVALSHA compare-and-delete (redis-benchmark)",
        num(limit.clients()), num(limit.pairsPerSec()), "", "", "", "", "", "100 %", "",
        String.format(Locale.ROOT, "SET NX PX %,.0f/s (p50 %.3f ms, p99 %.3f ms); EVALSHA %,.0f/s (p50 %.3f ms, p99 %.3f ms)",
          limit.setRps(), limit.setP50Ms(), limit.setP99Ms(), limit.evalRps(), limit.evalP50Ms(), limit.evalP99Ms())));
    }
    if (!notes.isEmpty()) {
      out.append('\n');
      notes.forEach(note -> out.append("- ").append(note).append('\n'));
    }
    return out.toString();
  }

  /** The target for this row, and whether it is met. */
  private static String target(Row row, RedisLimit limit) {
    JsonObject m = row.metrics();
    if (row.id().equals("a64")) {
      if (row.failed() || limit == null) {
        return "≥ 30 % of raw Redis, p99 < 10 ms: not measured";
      }
      double ratio = row.pairsPerSec() / limit.pairsPerSec();
      boolean met = ratio >= UNCONTENDED_MIN_RATIO && row.p99Ms() < UNCONTENDED_MAX_P99_MS && row.errors() == 0;
      return "≥ 30 % of raw Redis, p99 < 10 ms: " + verdict(met);
    }
    if (row.id().equals("b")) {
      if (row.failed()) {
        return "≥ 3,000 handoffs/s, median handoff < 1 ms, max wait ≤ 2× mean: not measured";
      }
      boolean rate = m.getDouble("handoffsPerSec") >= HOT_MIN_HANDOFFS;
      boolean median = m.getDouble("handoffP50Ms") < HOT_MAX_MEDIAN_HANDOFF_MS;
      boolean fair = m.getDouble("fairness") <= HOT_MAX_FAIRNESS;
      return "≥ 3,000 handoffs/s: " + verdict(rate) + "; median handoff < 1 ms: " + verdict(median)
        + String.format(Locale.ROOT, "; max wait ≤ 2× mean: %s (worst client %.2f×; longest single wait %.2f×)",
        verdict(fair), m.getDouble("fairness"), m.getDouble("maxSingleWaitRatio"));
    }
    if (row.id().equals("c")) {
      if (row.failed()) {
        return "10,000 waiters held with -Xmx256m, each served: not measured";
      }
      long waiters = m.getLong("waiters");
      boolean met = m.getLong("queued") >= waiters && m.getLong("served") == waiters && row.errors() == 0
        && m.getBoolean("serviceAlive") && m.getLong("grantedBeforeRelease") == 0;
      return String.format(Locale.ROOT, "%,d waiters held with -Xmx256m, each served: %s", waiters, verdict(met));
    }
    if (m.containsKey("holdersHighWater")) {
      // a semaphore row: a sanity check rather than a target; the semaphore may never hold more than its permits
      int permits = m.getInteger("permits");
      boolean met = !row.failed() && m.getInteger("holdersHighWater") <= permits;
      return "at most " + permits + " holders at once: " + (row.failed() ? "not measured" : verdict(met));
    }
    return "";
  }

  private static String verdict(boolean met) {
    return met ? "**met**" : "**missed**";
  }

  private static String machine() throws IOException {
    String model = "unknown CPU";
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        model = line.substring(line.indexOf(':') + 1).trim();
        break;
      }
    }
    long memKb = 0;
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    return String.format(Locale.ROOT, "%d cores (nproc), %s, %.1f GiB RAM, Linux %s",
      Runtime.getRuntime().availableProcessors(), model, memKb / 1024.0 / 1024.0, kernel);
  }

  private static String cells(String... values) {
    StringBuilder line = new StringBuilder("|");
    for (String value : values) {
      line.append(' ').append(value.replace("|", "\\|")).append(" |");
    }
    return line.append('\n').toString();
  }

  private static String num(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String ms(double value) {
    return String.format(Locale.ROOT, value < 10 ? "%.2f" : "%,.0f", value);
  }

  private static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.0f %%", ratio * 100);
  }
}
