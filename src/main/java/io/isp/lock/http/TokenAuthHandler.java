package io.isp.lock.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Requires {@code X-Application-Token} to be one of {@code http.tokens}. Tokens are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}: constant time, and no length is leaked.
 */
final class TokenAuthHandler implements Handler<RoutingContext> {

  static final String HEADER = "X-Application-Token";

  private final List<byte[]> tokenDigests;

  TokenAuthHandler(List<String> tokens) {
    this.tokenDigests = tokens.stream().map(TokenAuthHandler::digest).toList();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String presented = ctx.request().getHeader(HEADER);
    if (presented != null) {
      byte[] digest = digest(presented);
      boolean match = false;
      for (byte[] token : tokenDigests) {
        match |= MessageDigest.isEqual(token, digest);
      }
      if (match) {
        ctx.next();
        return;
      }
    }
    Problems.send(ctx, HttpError.UNAUTHORIZED, null,
      presented == null ? "header " + HEADER + " is required" : "the " + HEADER + " is not accepted");
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
