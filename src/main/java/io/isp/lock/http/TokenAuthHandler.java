package io.isp.lock.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Requires {@code X-Application-Token} to be one of {@code http.tokens}, or of
 * {@code http.adminTokens} (an operator's token works wherever a client's does).
 */
final class TokenAuthHandler implements Handler<RoutingContext> {

  static final String HEADER = "X-Application-Token";
  /** A session's token as a WebSocket subprotocol: this prefix, then the token in base64url (padding optional). */
  static final String TOKEN_SUBPROTOCOL = "isp-lock.token.";

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
    String presented = presented(ctx);
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

  /**
   * The header; on the session endpoint, without it, a token offered as a WebSocket subprotocol
   * ({@value #TOKEN_SUBPROTOCOL}{@code <base64url of the token>}): a browser's WebSocket cannot set
   * headers, and a query parameter would put the token in every proxy's access log.
   */
  private static String presented(RoutingContext ctx) {
    String header = ctx.request().getHeader(HEADER);
    if (header != null || !ctx.normalizedPath().equals(HttpVerticle.API + HttpVerticle.SESSION_PATH)) {
      return header;
    }
    String offered = ctx.request().getHeader("Sec-WebSocket-Protocol");
    if (offered == null) {
      return null;
    }
    for (String protocol : offered.split(",")) {
      String trimmed = protocol.trim();
      if (trimmed.startsWith(TOKEN_SUBPROTOCOL)) {
        try {
          return new String(Base64.getUrlDecoder().decode(trimmed.substring(TOKEN_SUBPROTOCOL.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
          return "";
        }
      }
    }
    return null;
  }
}
