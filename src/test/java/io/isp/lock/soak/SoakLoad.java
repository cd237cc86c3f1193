package io.isp.lock.soak;

import io.isp.lock.history.HistoryRecorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The soak's load generator (run by {@code scripts/soak.sh}): a mix of {@link SoakClient}s against
 * one service for a bounded time. Writes {@code history.tsv} (every hold, for the history checker)
 * and {@code load.properties} (answers by operation and status, and the protected counters).
 *
 * <pre>java -cp target/test-classes io.isp.lock.soak.SoakLoad --port P --seconds S --out DIR
 *     [--uncontended 6] [--hot 8] [--waiters 6] [--extenders 3] [--sessions 4]</pre>
 */
public final class SoakLoad {

  private SoakLoad() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int port = Integer.parseInt(required(options, "port"));
    long seconds = Long.parseLong(required(options, "seconds"));
    Path out = Path.of(required(options, "out"));
    Map<SoakClient.Kind, Integer> mix = new HashMap<>();
    mix.put(SoakClient.Kind.UNCONTENDED, Integer.parseInt(options.getOrDefault("uncontended", "6")));
    mix.put(SoakClient.Kind.HOT, Integer.parseInt(options.getOrDefault("hot", "8")));
    mix.put(SoakClient.Kind.WAITER, Integer.parseInt(options.getOrDefault("waiters", "6")));
    mix.put(SoakClient.Kind.EXTENDER, Integer.parseInt(options.getOrDefault("extenders", "3")));

    LockHttp http = new LockHttp(port);
    ProtectedCounters counters = new ProtectedCounters();
    HistoryRecorder recorder = new HistoryRecorder();
    long endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int sessions = Integer.parseInt(options.getOrDefault("sessions", "4"));
    List<Callable<Void>> clients = new ArrayList<>();
    mix.forEach((kind, count) -> {
      for (int i = 0; i < count; i++) {
        clients.add(new SoakClient(kind.name().toLowerCase() + "-" + i, kind, http, counters, recorder, endNanos));
      }
    });
    for (int i = 0; i < sessions; i++) {
      clients.add(new SessionSoakClient("session-" + i, port, http, counters, recorder, endNanos));
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    List<Future<Void>> running = clients.stream().map(pool::submit).toList();
    pool.shutdown();
    while (!pool.awaitTermination(30, TimeUnit.SECONDS) && System.nanoTime() < endNanos) {
      System.err.printf("[soak load] %d holds so far, %d increments%n", recorder.history().size(), counters.committed());
    }
    // every call is bounded (the longest wait plus 15 s), so the clients end soon after endNanos
    boolean stuck = !pool.awaitTermination(60, TimeUnit.SECONDS);
    for (Future<Void> client : running) {
      try {
        client.get(1, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        client.cancel(true);
      }
    }

    Files.createDirectories(out);
    recorder.write(out.resolve("history.tsv"));
    List<String> lines = new ArrayList<>();
    http.tally().forEach((what, count) -> lines.add("answer." + what.replace(' ', '.') + "=" + count));
    lines.add("clients=" + clients.size());
    mix.forEach((kind, count) -> lines.add("clients." + kind.name().toLowerCase() + "=" + count));
    lines.add("clients.session=" + sessions);
    lines.add("holds=" + recorder.history().size());
    lines.add("increments.committed=" + counters.committed());
    lines.add("increments.abandoned=" + counters.abandoned());
    lines.add("increments.stale=" + counters.staleWrites());
    lines.add("counters.total=" + counters.total());
    lines.add("clients.stuck=" + stuck);
    Files.write(out.resolve("load.properties"), lines);
    System.exit(stuck ? 3 : 0);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
