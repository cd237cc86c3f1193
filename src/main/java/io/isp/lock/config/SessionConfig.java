package io.isp.lock.config;

import java.time.Duration;

/**
 * WebSocket lock sessions: a peer silent (no frame, no pong) for {@code idleTimeout} has its session
 * ended; the server pings it every {@code pingInterval} (shorter than {@code idleTimeout}).
 */
public record SessionConfig(Duration idleTimeout, Duration pingInterval) {
}
