package io.isp.lock.config;

/**
 * The roles this node plays, and on how many event loops. An edge node ({@code lock: false}) runs
 * only HTTP and forwards to lock nodes over the clustered event bus; a lock node ({@code http: false})
 * serves only the event bus. {@code eventLoops} is resolved (never 0): the size of the Vert.x event
 * loop pool the service starts, and the number of HTTP verticle instances.
 */
public record DeployConfig(boolean http, boolean lock, int eventLoops) {

  /**
   * {@code deploy.eventLoops: 0}: one event loop per two cores, at least one. Each request crosses
   * from its HTTP verticle to the LockVerticle and back; on a separate event loop every crossing is
   * a thread wake-up, which on a 2-core machine cost more than the second loop gained
   * (docs/benchmarks.md, "Tuning log").
   */
  public static int defaultEventLoops(int cores) {
    return Math.max(1, cores / 2);
  }
}
