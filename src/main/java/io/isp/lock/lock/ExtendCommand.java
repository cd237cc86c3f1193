package io.isp.lock.lock;

/** A validated extend request: if {@code lockKey} holds {@code key}, its TTL becomes {@code ttlMs}. */
public record ExtendCommand(String key, String lockKey, long ttlMs) {
}
