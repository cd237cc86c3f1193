package io.isp.lock.session;

/** A key of one primitive: what a session holds or waits for, at most once each. */
record Claim(Primitive primitive, String key) {
}
