package io.isp.lock.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds used so far by the service, by this JVM, by Redis and by the whole machine
 * (/proc/stat). The difference of two readings gives the service's CPU for a row, and how much of
 * the machine other processes (a concurrent build, say) took meanwhile: such a row is not quotable.
 */
final class CpuMeter {

  private final long servicePid;
  private final long[] redisPids;
  private final long selfPid = ProcessHandle.current().pid();

  /** @param servicePid the service process, or -1 when there is none (yet) @param redisPids the benchmark's redis-servers (-1: none) */
  CpuMeter(long servicePid, long... redisPids) {
    this.servicePid = servicePid;
    this.redisPids = redisPids;
  }

  record Reading(long atNanos, double service, double self, double redis, double machineBusy) {

    Reading since(Reading start) {
      return new Reading(atNanos - start.atNanos, service - start.service, self - start.self, redis - start.redis,
        machineBusy - start.machineBusy);
    }

    /** Two differences added up (two phases of one row). */
    Reading plus(Reading other) {
      return new Reading(atNanos + other.atNanos, service + other.service, self + other.self, redis + other.redis,
        machineBusy + other.machineBusy);
    }

    /** For a difference of readings: the share of all cores that other processes used, 0..1. */
    double othersShare() {
      double seconds = atNanos / 1e9;
      double others = machineBusy - service - self - redis;
      return seconds <= 0 ? 0 : Math.max(0, others) / (seconds * Runtime.getRuntime().availableProcessors());
    }
  }

  Reading read() {
    boolean inProcess = servicePid == selfPid;
    return new Reading(System.nanoTime(),
      servicePid > 0 ? ProcessStats.cpuSeconds(servicePid) : 0,
      inProcess ? 0 : ProcessStats.cpuSeconds(selfPid),
      redisSeconds(),
      machineBusySeconds());
  }

  private double redisSeconds() {
    double seconds = 0;
    for (long pid : redisPids) {
      seconds += pid > 0 && ProcessStats.alive(pid) ? ProcessStats.cpuSeconds(pid) : 0;
    }
    return seconds;
  }

  /**
   * Waits, up to {@code maxWaitMs}, for two seconds in which other processes use less than
   * {@code maxShare} of the machine, so a row does not start in the middle of someone's build.
   * Returns whether it got one.
   */
  boolean awaitQuiet(double maxShare, long maxWaitMs) throws InterruptedException {
    long deadline = System.nanoTime() + maxWaitMs * 1_000_000;
    boolean told = false;
    do {
      Reading start = read();
      Thread.sleep(2000);
      Reading used = read().since(start);
      double share = used.othersShare();
      if (share < maxShare) {
        return true;
      }
      if (!told) {
        System.err.printf("[bench] other processes use %.0f %% of the machine (all busy %.2f s, this JVM %.2f s, service %.2f s, "
            + "Redis %.2f s in %.1f s); waiting up to %d s for them to calm down%n", share * 100, used.machineBusy(), used.self(),
          used.service(), used.redis(), used.atNanos() / 1e9, maxWaitMs / 1000);
        told = true;
      }
    } while (System.nanoTime() < deadline);
    return false;
  }

  /** Busy time of all cores together: user + nice + system + irq + softirq + steal, from /proc/stat. */
  static double machineBusySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
        + Long.parseLong(f[6]) + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
      return busy / ProcessStats.CLK_TCK;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
