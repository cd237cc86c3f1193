package io.isp.lock.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throwaway certificate authorities and certificates, made with {@code openssl} by the same commands
 * the README gives (EC P-256 keys, unencrypted PKCS#8 PEM), in a temp dir of their own, valid for two
 * days. openssl rather than a Java library so that the README's recipe is the one the tests run, and
 * the certificates are what an operator following it would give Redis and the service.
 */
public final class TestCertificates extends Fixture {

  private static final String[] EC_KEY = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
  private static final String DAYS = "2";

  /** A CA: its certificate signs others. */
  public record Authority(String name, Path cert, Path key) {
  }

  /** A certificate (possibly followed by its chain) and its private key. */
  public record Pem(Path cert, Path key) {
  }

  private Path dir;
  private int serial;

  public static TestCertificates fixture() {
    return new TestCertificates();
  }

  @Override
  protected void open() {
    dir = ServerProcess.newDir("certs-");
  }

  @Override
  protected void shut() {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp dir is harmless
    }
  }

  public Path dir() {
    return dir;
  }

  /** A self-signed root CA. */
  public Authority authority(String name) {
    String base = fileName(name);
    openssl("req", "-x509", "-new", EC_KEY, "-keyout", base + ".key", "-out", base + ".crt", "-days", DAYS,
      "-subj", "/CN=" + name,
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return new Authority(name, dir.resolve(base + ".crt"), dir.resolve(base + ".key"));
  }

  /** A CA signed by {@code parent}: a server whose certificate it signs must send it along (a chain). */
  public Authority intermediate(Authority parent, String name) {
    Pem pem = sign(parent, name, "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign");
    return new Authority(name, pem.cert(), pem.key());
  }

  /**
   * A server certificate with these subjectAltName entries ({@code "IP:127.0.0.1"},
   * {@code "DNS:localhost"}). It may also serve as a client certificate: Redis nodes and Sentinels use
   * theirs to connect to each other ({@code tls-replication}).
   */
  public Pem server(Authority ca, String name, String... subjectAltNames) {
    return sign(ca, name, "subjectAltName=" + String.join(",", subjectAltNames),
      "extendedKeyUsage=serverAuth,clientAuth");
  }

  /** A client certificate. */
  public Pem client(Authority ca, String name) {
    return sign(ca, name, "extendedKeyUsage=clientAuth");
  }

  /** A copy of {@code leaf} whose certificate file carries {@code chain} after it, as a server sends it. */
  public Pem withChain(Pem leaf, Authority... chain) {
    Path file = dir.resolve(leaf.cert().getFileName() + "-chain-" + ++serial + ".crt");
    try {
      StringBuilder pem = new StringBuilder(Files.readString(leaf.cert()));
      for (Authority ca : chain) {
        pem.append(Files.readString(ca.cert()));
      }
      Files.writeString(file, pem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Pem(file, leaf.key());
  }

  /** A Java TLS context that trusts {@code trusted} only and presents {@code client} (null: no certificate). */
  public static SSLContext sslContext(Authority trusted, Pem client) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (Certificate cert : certificates(trusted.cert())) {
        trust.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (client != null) {
        char[] password = "unused".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", privateKey(client.key()), password, certificates(client.cert()).toArray(Certificate[]::new));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Pem sign(Authority ca, String name, String... extensions) {
    String base = fileName(name);
    Path ext = dir.resolve(base + ".ext");
    try {
      Files.write(ext, List.of(extensions), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl("req", "-new", EC_KEY, "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=" + name);
    openssl("x509", "-req", "-in", base + ".csr", "-CA", ca.cert().toString(), "-CAkey", ca.key().toString(),
      "-CAcreateserial", "-days", DAYS, "-out", base + ".crt", "-extfile", ext.toString());
    return new Pem(dir.resolve(base + ".crt"), dir.resolve(base + ".key"));
  }

  /** A file name of its own for each certificate, even when two share a name. */
  private String fileName(String name) {
    return name.replaceAll("[^A-Za-z0-9.-]", "_") + "-" + ++serial;
  }

  private void openssl(Object... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    for (Object arg : args) {
      if (arg instanceof String[] many) {
        command.addAll(List.of(many));
      } else {
        command.add((String) arg);
      }
    }
    Path out = null;
    try {
      out = Files.createTempFile(dir, "openssl-", ".out");
      Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("openssl timed out: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("exit " + process.exitValue() + " from " + String.join(" ", command) + ":\n"
          + Files.readString(out));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (is it on PATH? .ci/run installs it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (out != null) {
        out.toFile().delete();
      }
    }
  }

  private static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  /** An unencrypted PKCS#8 EC key ("BEGIN PRIVATE KEY"), as openssl 3 writes it. */
  private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }
}
