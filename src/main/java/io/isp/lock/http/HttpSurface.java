package io.isp.lock.http;

/**
 * What one HTTP server of the node serves: the lock API ({@code /api/...}, {@code /openapi.yaml}),
 * the management endpoints ({@code /health/*}, {@code /metrics}), or both. Both on {@code http.port}
 * by default; {@code management.port} splits them, and a lock-only node ({@code deploy.http: false})
 * serves the management endpoints alone.
 */
public enum HttpSurface {
  API(true, false),
  MANAGEMENT(false, true),
  BOTH(true, true);

  private final boolean api;
  private final boolean management;

  HttpSurface(boolean api, boolean management) {
    this.api = api;
    this.management = management;
  }

  public boolean api() {
    return api;
  }

  public boolean management() {
    return management;
  }
}
