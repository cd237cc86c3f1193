package io.isp.lock.http;

import io.isp.lock.api.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers, before anything else, the requests this process will not serve: on a connection over
 * {@code http.maxConnections} (503 {@code too_many_connections}, but {@code /health/*} normally, so
 * probes still see the process), and any request once shutdown has begun (503 {@code shutting_down}).
 * Either way the connection carries no further request: {@code Connection: close}, closed after the
 * response.
 */
final class AdmissionGate implements Handler<RoutingContext> {

  private final HttpAdmission admission;
  private final ConnectionGuard guard;

  AdmissionGate(HttpAdmission admission, ConnectionGuard guard) {
    this.admission = admission;
    this.guard = guard;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    boolean draining = admission.draining();
    if (!draining && !guard.overLimit(connection)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    ctx.addEndHandler(answered -> connection.close());
    if (draining) {
      Problems.send(ctx, ErrorCode.SHUTTING_DOWN, null, "the service is shutting down; retry, another instance will answer");
    } else if (ctx.normalizedPath().startsWith("/health/")) {
      ctx.next();
    } else {
      Problems.send(ctx, HttpError.TOO_MANY_CONNECTIONS, null,
        "the service holds as many connections as it may (http.maxConnections); retry later");
    }
  }
}
