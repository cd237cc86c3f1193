package io.isp.lock.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What /proc and jcmd say about a process: CPU time, resident memory, Java heap. Linux only. */
final class ProcessStats {

  /** USER_HZ: /proc/PID/stat counts CPU time in these ticks. 100 on every Linux we run on. */
  static final double CLK_TCK = 100.0;
  private static final Pattern HEAP_LINE = Pattern.compile("total (\\d+)K, used (\\d+)K");

  private ProcessStats() {
  }

  /** utime + stime of {@code pid}, in seconds. */
  static double cpuSeconds(long pid) {
    String stat = read(Path.of("/proc", String.valueOf(pid), "stat"));
    // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks / CLK_TCK;
  }

  /** VmRSS of {@code pid}, in MiB. */
  static double rssMiB(long pid) {
    for (String line : read(Path.of("/proc", String.valueOf(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }

  /** Java heap used now, in MiB, from {@code jcmd PID GC.heap_info} (summed over the generations it lists). */
  static double heapUsedMiB(long pid) {
    Matcher matcher = HEAP_LINE.matcher(jcmd(pid, "GC.heap_info"));
    long usedKb = 0;
    boolean found = false;
    while (matcher.find()) {
      usedKb += Long.parseLong(matcher.group(2));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("jcmd GC.heap_info printed no heap line for " + pid);
    }
    return usedKb / 1024.0;
  }

  /** Asks {@code pid} for a full GC (jcmd GC.run), so the next heap reading is the live set. */
  static void gc(long pid) {
    jcmd(pid, "GC.run");
  }

  static boolean alive(long pid) {
    return Files.exists(Path.of("/proc", String.valueOf(pid)));
  }

  private static String jcmd(long pid, String command) {
    try {
      Process process = new ProcessBuilder(List.of("jcmd", String.valueOf(pid), command)).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
