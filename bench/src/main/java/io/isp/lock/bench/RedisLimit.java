package io.isp.lock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What redis-benchmark measured against the same Redis at one client count: SET NX PX and the
 * compare-and-delete EVALSHA. A lock + unlock pair needs one of each, so the most pairs/s any
 * service in front of this Redis could do is 1 / (1/set + 1/evalsha).
 */
record RedisLimit(int clients, double setRps, double setP50Ms, double setP99Ms, double evalRps, double evalP50Ms,
                  double evalP99Ms) {

  double pairsPerSec() {
    return 1 / (1 / setRps + 1 / evalRps);
  }

  /**
   * The file run.sh writes: one line per client count, tab-separated: clients, then rps, p50 and
   * p99 (ms) of SET, then the same of EVALSHA.
   */
  static Map<Integer, RedisLimit> read(Path file) throws IOException {
    Map<Integer, RedisLimit> limits = new TreeMap<>();
    if (file == null || !Files.exists(file)) {
      return limits;
    }
    for (String line : Files.readAllLines(file)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 7) {
        RedisLimit limit = new RedisLimit(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
          Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]));
        limits.put(limit.clients(), limit);
      }
    }
    return limits;
  }
}
