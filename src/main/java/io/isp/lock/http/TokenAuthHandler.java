package io.isp.lock.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Requires {@code X-Application-Token} to be one of {@code http.tokens}, or of
 * {@code http.adminTokens} (an operator's token works wherever a client's does).
 */
final class TokenAuthHandler implements Handler<RoutingContext> {

  static final String HEADER = "X-Application-Token";

  private final TokenSet tokens;
  private final TokenSet adminTokens;

  TokenAuthHandler(TokenSet tokens, TokenSet adminTokens) {
    this.tokens = tokens;
    this.adminTokens = adminTokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (adminTokens.isEmpty() && ctx.request().method() == HttpMethod.DELETE
      && ctx.normalizedPath().startsWith(HttpVerticle.API + LockApi.STATUS_PATH)) {
      // force-unlock is off: it answers 403 to everyone (AdminAuth), with a token or without
      ctx.next();
      return;
    }
    String presented = ctx.request().getHeader(HEADER);
    // both lists are always compared: which one matched must not show in the time taken
    boolean client = tokens.indexOf(presented) >= 0;
    boolean admin = adminTokens.indexOf(presented) >= 0;
    if (client || admin) {
      ctx.next();
      return;
    }
    Problems.send(ctx, HttpError.UNAUTHORIZED, null,
      presented == null ? "header " + HEADER + " is required" : "the " + HEADER + " is not accepted");
  }
}
