package io.isp.lock.config;

import java.time.Duration;

/** Bounds on what a client may ask for, and the default wait when it does not say. */
public record LockLimits(int maxKeyLength, Duration maxTtl, Duration maxWaitTimeout,
                         Duration defaultWaitTimeout) {
}
