package io.isp.lock.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 exchange over a plain socket, for requests that a well-behaved client library
 * refuses to send (a malformed percent-escape, raw bytes): the bytes go out exactly as given.
 */
public final class RawHttp {

  private RawHttp() {
  }

  /** Sends {@code request} (which should say {@code Connection: close}) and reads the response until the server closes. */
  public static HttpResult exchange(int port, byte[] request) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code GET path} with {@code Connection: close}. */
  public static HttpResult get(int port, String path) {
    return exchange(port, ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
      .getBytes(StandardCharsets.ISO_8859_1));
  }

  static HttpResult parse(byte[] response) {
    String text = new String(response, StandardCharsets.UTF_8);
    int headerEnd = text.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
      throw new IllegalStateException("no complete response: '" + text + "'");
    }
    String[] lines = text.substring(0, headerEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.computeIfAbsent(lines[i].substring(0, colon).trim(), name -> new ArrayList<>())
        .add(lines[i].substring(colon + 1).trim());
    }
    return new HttpResult(status, HttpHeaders.of(headers, (name, value) -> true), text.substring(headerEnd + 4));
  }
}
