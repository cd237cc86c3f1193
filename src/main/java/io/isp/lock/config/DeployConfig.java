package io.isp.lock.config;

/**
 * The roles this node plays. An edge node ({@code lock: false}) runs only HTTP and forwards to lock
 * nodes over the clustered event bus; a lock node ({@code http: false}) serves only the event bus.
 */
public record DeployConfig(boolean http, boolean lock) {
}
