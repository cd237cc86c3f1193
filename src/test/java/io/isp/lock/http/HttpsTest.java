package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.TestCertificates;
import io.isp.lock.support.TestCertificates.Authority;
import io.isp.lock.support.TestCertificates.Pem;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("HTTPS (http.tls.certPath/keyPath) and mutual TLS (http.tls.clientCaPath)")
class HttpsTest {

  @RegisterExtension
  static final TestCertificates certs = TestCertificates.fixture();

  @Test
  @DisplayName("lock and unlock over HTTPS; the chain in the cert file is served whole; no plain HTTP on the port")
  void https() throws Exception {
    Authority root = certs.authority("https root");
    Authority intermediate = certs.intermediate(root, "https intermediate");
    // the client trusts the root only: the handshake succeeds only if the server sends the intermediate
    Pem server = certs.withChain(certs.server(intermediate, "lock service", "IP:127.0.0.1", "DNS:localhost"), intermediate);
    try (ServiceUnderTest service = ServiceUnderTest.onSharedRedis(tls(server, null))
      .overHttps(TestCertificates.sslContext(root, null)).started()) {
      String lockKey = service.lockKeyFor("over-https", 30);
      assertThat(service.unlock("over-https", lockKey).status()).isEqualTo(200);

      assertThatThrownBy(() -> plainHttp(service.port())).as("plain HTTP on the TLS port").isInstanceOf(IOException.class);
    }
  }

  @Test
  @DisplayName("mutual TLS: no client certificate, or one from another CA, is refused in the handshake; a good one is served")
  void mutualTls() throws Exception {
    Authority serverCa = certs.authority("server CA");
    Authority clientCa = certs.authority("client CA");
    Authority strangers = certs.authority("stranger CA");
    Pem server = certs.server(serverCa, "lock service", "IP:127.0.0.1");
    JsonObject config = tls(server, clientCa);

    try (ServiceUnderTest service = ServiceUnderTest.onSharedRedis(config).started()) {
      int port = service.port();
      SSLContext anonymous = TestCertificates.sslContext(serverCa, null);
      assertThatThrownBy(() -> lockOver(anonymous, port)).as("no client certificate").isInstanceOf(IOException.class);

      SSLContext stranger = TestCertificates.sslContext(serverCa, certs.client(strangers, "stranger"));
      assertThatThrownBy(() -> lockOver(stranger, port)).as("a certificate of another CA").isInstanceOf(IOException.class);

      SSLContext member = TestCertificates.sslContext(serverCa, certs.client(clientCa, "member"));
      HttpResponse<String> granted = lockOver(member, port);
      // granted at once (waitTimeout 0): neither refused call got as far as taking the lock
      assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    }
  }

  /** http.tls.* for {@code server}; with {@code clientCa}, mutual TLS. */
  private static JsonObject tls(Pem server, Authority clientCa) {
    JsonObject tls = new JsonObject().put("certPath", server.cert().toString()).put("keyPath", server.key().toString());
    if (clientCa != null) {
      tls.put("clientCaPath", clientCa.cert().toString());
    }
    return new JsonObject().put("http", new JsonObject().put("tls", tls));
  }

  /** A lock call on a fresh connection with {@code context}'s certificate; waitTimeout 0: tries once. */
  private static HttpResponse<String> lockOver(SSLContext context, int port) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
      .connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + API + "/lock"))
      .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString("{\"key\": \"mtls\", \"ttl\": 30, \"waitTimeout\": 0}")).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResult plainHttp(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build()
      .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new HttpResult(response.statusCode(), response.headers(), response.body());
  }
}
