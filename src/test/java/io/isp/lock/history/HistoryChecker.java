package io.isp.lock.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks a history of acquisitions in the spirit of Jepsen's checkers: for every key, no two
 * clients held it at once, and fencing tokens never went backwards in grant order. Each overlap is
 * reported with whether the fencing tokens told the two holders apart (the later grant carries the
 * larger token, so a fenced resource would refuse the earlier holder's late writes).
 *
 * <p>Pure Java, no dependencies: the CI test calls {@link #check}; a soak merges the history files
 * of its clients and runs {@code java -cp target/test-classes io.isp.lock.history.HistoryChecker
 * FILE...}, which prints the report and exits 1 if the history shows an overlap or a token that went
 * backwards.
 */
public final class HistoryChecker {

  /** Two holders of one key at once; {@code toldApart}: the later grant's fencing token is the larger. */
  public record Overlap(Acquisition earlier, Acquisition later, long overlapMicros) {
    public boolean toldApart() {
      return later.fencingToken() > earlier.fencingToken();
    }

    @Override
    public String toString() {
      return "overlap of " + overlapMicros + " us on '" + earlier.key() + "': " + earlier + " and " + later
        + (toldApart() ? "; fencing tokens told them apart" : "; fencing tokens did NOT tell them apart");
    }
  }

  /** A grant whose fencing token is not above that of an earlier grant of the same key. */
  public record Backwards(Acquisition earlier, Acquisition later) {
    @Override
    public String toString() {
      return "fencing token went backwards on '" + later.key() + "': " + earlier + ", then " + later;
    }
  }

  public record Report(int acquisitions, int keys, List<Overlap> overlaps, List<Backwards> backwards) {
    public boolean valid() {
      return overlaps.isEmpty() && backwards.isEmpty();
    }

    public long overlapsToldApart() {
      return overlaps.stream().filter(Overlap::toldApart).count();
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder()
        .append(acquisitions).append(" acquisitions of ").append(keys).append(" keys: ")
        .append(overlaps.size()).append(" overlaps (").append(overlapsToldApart()).append(" told apart by fencing tokens), ")
        .append(backwards.size()).append(" fencing tokens backwards");
      overlaps.forEach(overlap -> text.append("\n  ").append(overlap));
      backwards.forEach(backward -> text.append("\n  ").append(backward));
      return text.toString();
    }
  }

  private HistoryChecker() {
  }

  public static Report check(List<Acquisition> history) {
    Map<String, List<Acquisition>> byKey = history.stream()
      .collect(Collectors.groupingBy(Acquisition::key, TreeMap::new, Collectors.toList()));
    List<Overlap> overlaps = new ArrayList<>();
    List<Backwards> backwards = new ArrayList<>();
    byKey.values().forEach(acquisitions -> checkKey(acquisitions, overlaps, backwards));
    return new Report(history.size(), byKey.size(), overlaps, backwards);
  }

  private static void checkKey(List<Acquisition> acquisitions, List<Overlap> overlaps, List<Backwards> backwards) {
    List<Acquisition> inGrantOrder = new ArrayList<>(acquisitions);
    inGrantOrder.sort(Comparator.comparingLong(Acquisition::grantedAtMicros).thenComparingLong(Acquisition::releasedAtMicros));
    // holds that may still overlap a later grant: those not yet over when it came
    List<Acquisition> open = new ArrayList<>();
    Acquisition highest = null;
    for (Acquisition next : inGrantOrder) {
      open.removeIf(held -> held.releasedAtMicros() <= next.grantedAtMicros());
      for (Acquisition held : open) {
        if (held.overlaps(next)) {
          long overlap = Math.min(held.releasedAtMicros(), next.releasedAtMicros()) - next.grantedAtMicros();
          overlaps.add(new Overlap(held, next, overlap));
        }
      }
      if (next.releasedAtMicros() > next.grantedAtMicros()) {
        open.add(next);
      }
      if (highest != null && next.fencingToken() <= highest.fencingToken()) {
        backwards.add(new Backwards(highest, next));
      }
      if (highest == null || next.fencingToken() > highest.fencingToken()) {
        highest = next;
      }
    }
  }

  /** Reads history files (one {@link Acquisition#toLine()} per line), merged. */
  public static List<Acquisition> read(List<Path> files) throws IOException {
    List<Acquisition> history = new ArrayList<>();
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          history.add(Acquisition.fromLine(line));
        }
      }
    }
    return history;
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: HistoryChecker HISTORY_FILE...");
      System.exit(2);
    }
    Report report = check(read(Arrays.stream(args).map(Path::of).toList()));
    System.out.println(report);
    System.exit(report.valid() ? 0 : 1);
  }
}
