package io.isp.lock.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Operators only (force-unlock): the {@code X-Application-Token} must be one of
 * {@code http.adminTokens}. An empty list turns the endpoint off: 403 for everyone. A client's
 * token ({@code http.tokens}) is 403 {@code forbidden}; none, or an unknown one, 401. The token's
 * index and short hash go with the request as its actor, for the audit line; never the token.
 */
final class AdminAuth implements Handler<RoutingContext> {

  /** Routing-context key of the actor string. */
  static final String ACTOR = "isp-lock-service.actor";

  private final TokenSet adminTokens;
  private final TokenSet tokens;

  AdminAuth(TokenSet adminTokens, TokenSet tokens) {
    this.adminTokens = adminTokens;
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (adminTokens.isEmpty()) {
      Problems.send(ctx, HttpError.FORBIDDEN, null, "force-unlock is turned off: http.adminTokens is empty");
      return;
    }
    String presented = ctx.request().getHeader(TokenAuthHandler.HEADER);
    int admin = adminTokens.indexOf(presented);
    boolean client = tokens.indexOf(presented) >= 0;
    if (admin >= 0) {
      ctx.put(ACTOR, "admin token #" + admin + " (sha256 " + TokenSet.shortHash(presented) + "...)");
      ctx.next();
    } else if (client) {
      Problems.send(ctx, HttpError.FORBIDDEN, null, "this token may not force-unlock: that needs one of http.adminTokens");
    } else {
      Problems.send(ctx, HttpError.UNAUTHORIZED, null, presented == null
        ? "header " + TokenAuthHandler.HEADER + " with an admin token is required"
        : "the " + TokenAuthHandler.HEADER + " is not accepted");
    }
  }
}
