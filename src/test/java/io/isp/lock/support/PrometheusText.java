package io.isp.lock.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code /metrics} answer (Prometheus text format 0.0.4) read back: its samples and its
 * {@code # TYPE} lines, so that tests can ask for a value by name and labels.
 */
public final class PrometheusText {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)(?: \\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /** One sample line: its metric name, labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {
  }

  private final String text;
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, String> types = new LinkedHashMap<>();

  public PrometheusText(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        Matcher sample = SAMPLE.matcher(line);
        if (!sample.matches()) {
          throw new IllegalArgumentException("not a Prometheus sample line: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (sample.group(2) != null) {
          Matcher label = LABEL.matcher(sample.group(2));
          while (label.find()) {
            labels.put(label.group(1), label.group(2));
          }
        }
        samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
      }
    }
  }

  public String text() {
    return text;
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The {@code # TYPE} of a metric family ({@code counter}, {@code gauge}, {@code histogram}...), or null. */
  public String type(String family) {
    return types.get(family);
  }

  /**
   * The sum of the samples named {@code name} whose labels include {@code labelPairs} (name, value,
   * name, value...); 0 when there is none (a counter not yet incremented may be absent).
   */
  public double value(String name, String... labelPairs) {
    return matching(name, labelPairs).stream().mapToDouble(Sample::value).sum();
  }

  /** The samples named {@code name} whose labels include {@code labelPairs}. */
  public List<Sample> matching(String name, String... labelPairs) {
    List<Sample> found = new ArrayList<>();
    for (Sample sample : samples) {
      if (sample.name().equals(name) && hasLabels(sample, labelPairs)) {
        found.add(sample);
      }
    }
    return found;
  }

  public boolean has(String name) {
    return samples.stream().anyMatch(sample -> sample.name().equals(name));
  }

  private static boolean hasLabels(Sample sample, String[] labelPairs) {
    for (int i = 0; i + 1 < labelPairs.length; i += 2) {
      if (!labelPairs[i + 1].equals(sample.labels().get(labelPairs[i]))) {
        return false;
      }
    }
    return true;
  }
}
