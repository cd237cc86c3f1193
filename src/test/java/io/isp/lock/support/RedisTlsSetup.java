package io.isp.lock.support;

import io.isp.lock.support.TestCertificates.Authority;
import io.isp.lock.support.TestCertificates.Pem;

import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS for test Redis and Sentinel processes: the certificate they present and the CA they trust,
 * whether they ask clients for a certificate, and the client certificate the fixtures' own clients
 * (redis-cli, {@link Resp}) present. A server with TLS listens on its TLS port only ({@code port 0}).
 *
 * @param ca the CA that signed {@code server} and {@code client}, and the one the server trusts
 * @param client what the fixtures present; may be null when {@code authClients} is false
 * @param authClients {@code tls-auth-clients yes}: a client without a certificate signed by {@code ca} is refused
 */
public record RedisTlsSetup(Authority ca, Pem server, Pem client, boolean authClients) {

  /** Mutual TLS, as most TLS deployments of Redis run (tls-auth-clients defaults to yes). */
  public static RedisTlsSetup mutual(Authority ca, Pem server, Pem client) {
    return new RedisTlsSetup(ca, server, client, true);
  }

  /** Server-side TLS only: clients need no certificate. */
  public static RedisTlsSetup serverOnly(Authority ca, Pem server, Pem client) {
    return new RedisTlsSetup(ca, server, client, false);
  }

  /**
   * redis.conf lines: TLS on {@code port} and no plain port. {@code tls-replication yes} makes a
   * replica, and a Sentinel, use TLS (and {@code server}'s certificate) to reach the others.
   */
  List<String> config(int port) {
    return List.of(
      "port 0",
      "tls-port " + port,
      "tls-cert-file " + ServerProcess.quote(server.cert().toString()),
      "tls-key-file " + ServerProcess.quote(server.key().toString()),
      "tls-ca-cert-file " + ServerProcess.quote(ca.cert().toString()),
      "tls-auth-clients " + (authClients ? "yes" : "no"),
      "tls-replication yes");
  }

  /** redis-cli's options to connect to such a server. */
  List<String> cliArgs() {
    List<String> args = new ArrayList<>(List.of("--tls", "--cacert", ca.cert().toString()));
    if (client != null) {
      args.addAll(List.of("--cert", client.cert().toString(), "--key", client.key().toString()));
    }
    return args;
  }

  SSLSocketFactory socketFactory() {
    return TestCertificates.sslContext(ca, client).getSocketFactory();
  }
}
