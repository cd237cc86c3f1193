package io.isp.lock.bench;

import java.util.Map;
import java.util.TreeMap;

/** Error counts by label ({@code lock 409 lock_held}), with the first detail seen for each as evidence. */
final class Errors {

  private final Map<String, Long> counts = new TreeMap<>();
  private final Map<String, String> firstDetail = new TreeMap<>();

  synchronized void add(String operation, Reply reply) {
    String label = operation + " " + reply.errorLabel();
    counts.merge(label, 1L, Long::sum);
    firstDetail.putIfAbsent(label, reply.body() != null ? reply.body().encode() : String.valueOf(reply.error()));
  }

  synchronized void addAll(Errors other) {
    synchronized (other) {
      other.counts.forEach((label, count) -> counts.merge(label, count, Long::sum));
      other.firstDetail.forEach(firstDetail::putIfAbsent);
    }
  }

  synchronized long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** {@code lock 409 lock_held ×3; unlock failure: ... ×1}, or empty. */
  synchronized String summary() {
    StringBuilder out = new StringBuilder();
    counts.forEach((label, count) -> out.append(out.length() == 0 ? "" : "; ").append(label).append(" ×").append(count));
    return out.toString();
  }

  synchronized String evidence() {
    StringBuilder out = new StringBuilder();
    firstDetail.forEach((label, detail) -> out.append("  ").append(label).append(" ×").append(counts.get(label))
      .append(", first: ").append(detail.length() > 300 ? detail.substring(0, 300) + "…" : detail).append('\n'));
    return out.toString();
  }
}
