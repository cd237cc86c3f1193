package io.isp.lock.lock;

/** A validated lock request: take {@code key} for {@code ttlMs}, waiting at most {@code waitMs}. */
public record LockCommand(String key, long ttlMs, long waitMs) {
}
