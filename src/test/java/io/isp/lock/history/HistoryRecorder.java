package io.isp.lock.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Collects the acquisitions of the clients of one process (thread-safe); writes them as a history file. */
public final class HistoryRecorder {

  private final List<Acquisition> history = new ArrayList<>();

  /** Wall-clock microseconds since the epoch: comparable across the processes of one machine. */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  public synchronized void record(Acquisition acquisition) {
    history.add(acquisition);
  }

  public synchronized List<Acquisition> history() {
    return List.copyOf(history);
  }

  public void write(Path file) throws IOException {
    Files.write(file, history().stream().map(Acquisition::toLine).toList());
  }
}
