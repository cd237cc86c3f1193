package io.isp.lock.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How to reach Redis and how locks are laid out in it. Exactly one of {@code server},
 * {@code sentinel} and {@code clusterNodes} is present (non-empty) on a lock node, unless
 * {@code embedded}: then the process starts a private Redis and runs on {@link #usingEmbedded} of it,
 * whatever these say.
 *
 * @param prefix lock keys are {@code <prefix>::<key>}, the original service's layout
 * @param defaultTtl TTL of a lock whose request names none ({@code redis.defaultTimeOut})
 * @param commandTimeout a Redis call not answered within this fails with 503
 * @param maxPoolSize pooled connections to the master (lock commands share one pipelined connection)
 * @param maxPoolWaiting commands that may be in flight at once before new ones fail fast
 * @param minReplicasToAck replicas that must confirm a granted lock (Redis WAIT) before it is acknowledged
 * @param replicaAckTimeout how long to wait for them; a lock they do not confirm in time is given back (503)
 * @param embedded {@code redis.embedded} / {@code --dev}: a private redis-server for this process, for development
 * @param tls TLS to Redis and the Sentinels ({@code redis.tls.*}), or to every node of a cluster
 * @param clusterNodes {@code redis.cluster.nodes}: seed nodes of a Redis Cluster; empty: not cluster mode
 */
public record RedisConfig(Optional<String> server, String userName, String password, int db, String prefix,
                          Duration defaultTtl, Duration commandTimeout, Optional<SentinelConfig> sentinel,
                          int maxPoolSize, int maxPoolWaiting, int minReplicasToAck, Duration replicaAckTimeout,
                          boolean embedded, RedisTls tls, List<String> clusterNodes) {

  public RedisConfig {
    clusterNodes = List.copyOf(clusterNodes);
  }

  /** Cluster mode: the lock keyspace is sharded over the masters of a Redis Cluster. */
  public boolean cluster() {
    return !clusterNodes.isEmpty();
  }

  /**
   * This configuration pointed at the private Redis at {@code hostPort}: standalone, and without
   * credentials or TLS, since that server has neither.
   */
  public RedisConfig usingEmbedded(String hostPort) {
    return new RedisConfig(Optional.of(hostPort), "", "", db, prefix, defaultTtl, commandTimeout, Optional.empty(),
      maxPoolSize, maxPoolWaiting, minReplicasToAck, replicaAckTimeout, true, RedisTls.OFF, List.of());
  }
}
