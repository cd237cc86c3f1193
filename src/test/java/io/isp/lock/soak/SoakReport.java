package io.isp.lock.soak;

import io.isp.lock.history.Acquisition;
import io.isp.lock.history.HistoryChecker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The soak's verdict: runs the {@link HistoryChecker} on the merged history and splits what it finds
 * between the failovers (from the kill of a master to 10 s after the Sentinels named the new one)
 * and the rest of the run, when Redis stayed up; adds the answers and the lost updates of the
 * protected counters. Exits 1 on an overlap while Redis stayed up, a fencing token going
 * backwards, a 5xx other than 503, or a lost update not explained by an overlap around a failover.
 *
 * <pre>java -cp target/test-classes io.isp.lock.soak.SoakReport DIR</pre>
 * DIR holds {@code history.tsv} and {@code load.properties} (from {@link SoakLoad}) and
 * {@code failovers.tsv} (from the script: kill, promotion and rejoin times in µs, old and new master port).
 */
public final class SoakReport {

  /** Around a failover: a later grant this long before the kill is counted as the failover's too. */
  static final long BEFORE_KILL_MICROS = 1_000_000;
  /** ... and this long after the Sentinels named the new master (the service follows within ~3 s). */
  static final long AFTER_PROMOTION_MICROS = 10_000_000;

  record Failover(long killedAt, long promotedAt, long rejoinedAt, String oldMaster, String newMaster) {
    boolean covers(long micros) {
      return micros >= killedAt - BEFORE_KILL_MICROS && micros <= promotedAt + AFTER_PROMOTION_MICROS;
    }
  }

  private SoakReport() {
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    List<Acquisition> history = HistoryChecker.read(List.of(dir.resolve("history.tsv")));
    List<Failover> failovers = readFailovers(dir.resolve("failovers.tsv"));
    Properties load = new Properties();
    try (var in = Files.newBufferedReader(dir.resolve("load.properties"))) {
      load.load(in);
    }
    HistoryChecker.Report report = HistoryChecker.check(history);

    Map<String, Long> byStatus = new TreeMap<>();
    long operations = 0;
    for (String name : load.stringPropertyNames()) {
      if (name.startsWith("answer.")) {
        long count = Long.parseLong(load.getProperty(name));
        operations += count;
        byStatus.merge(name.substring("answer.".length()).split("\\.")[1], count, Long::sum);
      }
    }
    long fiveXx = byStatus.entrySet().stream().filter(e -> e.getKey().startsWith("5")).mapToLong(Map.Entry::getValue).sum();
    long unavailable = byStatus.getOrDefault("503", 0L);
    long noAnswer = byStatus.getOrDefault("no_answer", 0L);

    List<HistoryChecker.Overlap> steady = new ArrayList<>();
    Map<Failover, List<HistoryChecker.Overlap>> aroundFailover = new LinkedHashMap<>();
    failovers.forEach(f -> aroundFailover.put(f, new ArrayList<>()));
    for (HistoryChecker.Overlap overlap : report.overlaps()) {
      Failover failover = failovers.stream().filter(f -> f.covers(overlap.later().grantedAtMicros())).findFirst().orElse(null);
      (failover == null ? steady : aroundFailover.get(failover)).add(overlap);
    }
    long failoverOverlaps = aroundFailover.values().stream().mapToLong(List::size).sum();
    long failoverToldApart = aroundFailover.values().stream().flatMap(List::stream).filter(HistoryChecker.Overlap::toldApart).count();

    long committed = Long.parseLong(load.getProperty("increments.committed"));
    long total = Long.parseLong(load.getProperty("counters.total"));
    long lostUpdates = committed - total;

    StringBuilder out = new StringBuilder();
    out.append("operations: ").append(operations).append(" HTTP calls (lock, extend, unlock) by ")
      .append(load.getProperty("clients")).append(" clients; ").append(history.size()).append(" holds of ")
      .append(report.keys()).append(" keys\n");
    Map<String, Long> holdsByKind = new TreeMap<>();
    history.forEach(a -> holdsByKind.merge(a.client().replaceAll("-\\d+$", ""), 1L, Long::sum));
    out.append("holds by kind of client: ").append(holdsByKind).append('\n');
    out.append("answers by status: ").append(byStatus).append('\n');
    out.append("answers by operation: ");
    new TreeMap<>(load).forEach((k, v) -> {
      if (k.toString().startsWith("answer.")) {
        out.append(k.toString().substring(7)).append('=').append(v).append("  ");
      }
    });
    out.append('\n');
    out.append("5xx: ").append(fiveXx).append(" (503: ").append(unavailable).append("); no answer: ").append(noAnswer).append('\n');
    out.append("failovers: ").append(failovers.size()).append('\n');
    for (Failover f : failovers) {
      List<Acquisition> spanning = history.stream()
        .filter(a -> a.grantedAtMicros() < f.killedAt() && a.releasedAtMicros() > f.killedAt()).toList();
      Map<String, Long> outcomes = new TreeMap<>();
      spanning.forEach(a -> outcomes.merge(a.outcome(), 1L, Long::sum));
      List<HistoryChecker.Overlap> lost = aroundFailover.get(f);
      out.append(String.format("  master %s killed; Sentinels named %s after %.1f s; old master back as a replica after %.1f s;"
          + " %d holds spanned the kill, their unlocks: %s; overlaps: %d (%d told apart by fencing tokens)%n",
        f.oldMaster(), f.newMaster(), (f.promotedAt() - f.killedAt()) / 1e6,
        f.rejoinedAt() < 0 ? Double.NaN : (f.rejoinedAt() - f.killedAt()) / 1e6,
        spanning.size(), outcomes, lost.size(), lost.stream().filter(HistoryChecker.Overlap::toldApart).count()));
      lost.forEach(o -> out.append("    ").append(o).append('\n'));
    }
    out.append("overlaps while Redis stayed up: ").append(steady.size()).append('\n');
    steady.forEach(o -> out.append("    ").append(o).append('\n'));
    out.append("overlaps around a failover: ").append(failoverOverlaps).append(" (").append(failoverToldApart)
      .append(" told apart by fencing tokens, ").append(failoverOverlaps - failoverToldApart).append(" not)\n");
    out.append("fencing tokens backwards: ").append(report.backwards().size()).append('\n');
    report.backwards().forEach(b -> out.append("    ").append(b).append('\n'));
    out.append("lost updates: ").append(lostUpdates).append(" (").append(committed).append(" increments written in protected sections, counters sum to ")
      .append(total).append("); writes a fenced resource would refuse: ").append(load.getProperty("increments.stale"))
      .append("; increments given up because the TTL ran out first: ").append(load.getProperty("increments.abandoned")).append('\n');

    List<String> failures = new ArrayList<>();
    if (!steady.isEmpty()) {
      failures.add(steady.size() + " overlaps while Redis stayed up");
    }
    if (!report.backwards().isEmpty()) {
      failures.add(report.backwards().size() + " fencing tokens backwards");
    }
    if (fiveXx != unavailable) {
      failures.add((fiveXx - unavailable) + " 5xx other than 503");
    }
    if (lostUpdates > 0 && failoverOverlaps == 0) {
      failures.add(lostUpdates + " lost updates with no overlap to explain them");
    }
    if (Boolean.parseBoolean(load.getProperty("clients.stuck"))) {
      failures.add("clients still running a minute after the end");
    }
    out.append(failures.isEmpty() ? "verdict: PASS" : "verdict: FAIL: " + String.join("; ", failures)).append('\n');
    System.out.print(out);
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  private static List<Failover> readFailovers(Path file) throws IOException {
    List<Failover> failovers = new ArrayList<>();
    if (!Files.exists(file)) {
      return failovers;
    }
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      failovers.add(new Failover(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], f[4]));
    }
    return failovers;
  }
}
