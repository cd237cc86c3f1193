package io.isp.lock.config;

import java.util.Optional;

/**
 * What operators' tools read: the probes ({@code /health/*}) and {@code /metrics}.
 *
 * @param port {@code management.port}: set, the probes and metrics are served on this port (of
 *     {@code http.host}, with {@code http.tls.*}) on every node, and {@code http.port} serves only the
 *     API; empty, they are served on {@code http.port}
 * @param metricsEnabled {@code metrics.enabled}: {@code /metrics} and Vert.x's metrics SPI
 */
public record ManagementConfig(Optional<Integer> port, boolean metricsEnabled) {
}
