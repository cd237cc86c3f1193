package io.isp.lock.lock;

/** A validated unlock request: release {@code key} if {@code lockKey} holds it. */
public record UnlockCommand(String key, String lockKey) {
}
