package io.envkeeper.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given: for requests no well-behaved client would
 * send (bytes that are not UTF-8 in the request target, invalid percent-encoding, NUL, control
 * characters, oversized lines). One request per connection ({@code Connection: close}).
 */
public final class RawHttp {

  private static final int TIMEOUT_MILLIS = 30_000;
  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  private final int port;

  public RawHttp(int port) {
    this.port = port;
  }

  /** A response: status, headers with lower-case names, body (chunked encoding undone). */
  public record Response(int status, Map<String, String> headers, String body) {

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Sends {@code method target HTTP/1.1} with {@code headerLines} (each without CRLF) and
   * {@code body} (with a Content-Length), and reads the whole response.
   */
  public Response send(byte[] method, byte[] target, List<byte[]> headerLines, byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write(method);
      request.write(' ');
      request.write(target);
      request.write(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII));
      for (byte[] line : headerLines) {
        request.write(line);
        request.write(new byte[] {'\r', '\n'});
      }
      if (body != null) {
        request.write(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      }
      request.write(new byte[] {'\r', '\n'});
      if (body != null) {
        request.write(body);
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      return parse(readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A GET of {@code target} with these headers. */
  public Response get(byte[] target, List<byte[]> headerLines) {
    return send("GET".getBytes(StandardCharsets.US_ASCII), target, headerLines, null);
  }

  /** An Authorization header line for a token. */
  public static byte[] bearer(String token) {
    return ("Authorization: Bearer " + token).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0 && response.size() < MAX_RESPONSE_BYTES; ) {
        response.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no complete response within " + TIMEOUT_MILLIS + " ms: " + response, e);
    } catch (IOException e) {
      // A reset after the response was written (the server closed early): keep what arrived.
      if (response.size() == 0) {
        throw e;
      }
    }
    return response.toByteArray();
  }

  private static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
      throw new IOException("not an HTTP response: " + text);
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    byte[] body = Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int position = 0;
    while (position < chunked.length) {
      int lineEnd = indexOfCrlf(chunked, position);
      if (lineEnd < 0) {
        break;
      }
      String sizeLine = new String(chunked, position, lineEnd - position, StandardCharsets.US_ASCII);
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      int start = lineEnd + 2;
      out.write(chunked, start, Math.min(size, chunked.length - start));
      position = start + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length - 1; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
