package io.isp.lock.config;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.util.Optional;

/**
 * HTTPS for the HTTP front end ({@code http.tls.*}). When present, the server on {@code http.port}
 * speaks TLS only: no plain-text listener is opened beside it.
 *
 * @param certPath PEM certificate, or a chain (server first, then intermediates), served whole
 * @param keyPath PEM private key of the first certificate (PKCS#8, PKCS#1 RSA or SEC1 EC)
 * @param clientCaPath PEM CA certificate(s): when present, a client must present a certificate signed
 *     by one of them, or the TLS handshake fails (mutual TLS)
 */
public record HttpTls(String certPath, String keyPath, Optional<String> clientCaPath) {

  /**
   * The {@code http.tls.*} values as one setting, or empty when TLS is off. A certificate without its
   * key (or the reverse), or a client CA without HTTPS, is refused, naming the keys.
   */
  static Optional<HttpTls> from(Optional<String> certPath, Optional<String> keyPath, Optional<String> clientCaPath) {
    if (certPath.isPresent() != keyPath.isPresent()) {
      throw new ConfigException("http.tls.certPath and http.tls.keyPath must be set together, but only "
        + (certPath.isPresent() ? "http.tls.certPath" : "http.tls.keyPath") + " is");
    }
    if (certPath.isEmpty()) {
      if (clientCaPath.isPresent()) {
        throw new ConfigException("http.tls.clientCaPath needs http.tls.certPath and http.tls.keyPath:"
          + " client certificates are asked for in the HTTPS handshake");
      }
      return Optional.empty();
    }
    return Optional.of(new HttpTls(certPath.get(), keyPath.get(), clientCaPath));
  }

  public PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath);
  }

  /** The CAs that client certificates must chain to, when mutual TLS is on. */
  public Optional<PemTrustOptions> clientTrust() {
    return clientCaPath.map(path -> new PemTrustOptions().addCertPath(path));
  }

  public ClientAuth clientAuth() {
    return clientCaPath.isPresent() ? ClientAuth.REQUIRED : ClientAuth.NONE;
  }
}
