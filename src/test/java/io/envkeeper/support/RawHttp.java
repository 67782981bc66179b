package io.envkeeper.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
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

  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  private final int port;
  private final int timeoutMillis;

  public RawHttp(int port) {
    this(port, Duration.ofSeconds(30));
  }

  /** Gives up on a response (an {@link UncheckedIOException}) after {@code timeout} of silence. */
  public RawHttp(int port, Duration timeout) {
    this.port = port;
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
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
      socket.setSoTimeout(timeoutMillis);
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

  /**
   * Opens a GET of {@code target} and leaves the response coming: for event streams, whose bytes
   * (chunk sizes, the final zero-length chunk) a test reads exactly as they arrive.
   */
  public RawStream openStream(byte[] target, List<byte[]> headerLines) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(timeoutMillis);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write("GET ".getBytes(StandardCharsets.US_ASCII));
      request.write(target);
      request.write(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII));
      for (byte[] line : headerLines) {
        request.write(line);
        request.write(new byte[] {'\r', '\n'});
      }
      request.write(new byte[] {'\r', '\n'});
      socket.getOutputStream().write(request.toByteArray());
      socket.getOutputStream().flush();
      return new RawStream(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A response read byte for byte as it arrives, chunked encoding left as it is on the wire. */
  public static final class RawStream implements AutoCloseable {

    private final Socket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    private RawStream(Socket socket) {
      this.socket = socket;
    }

    /** Reads until what arrived contains {@code text}; fails after the timeout of silence or at EOF. */
    public String awaitText(String text) {
      byte[] buffer = new byte[8192];
      try {
        while (!received().contains(text)) {
          int n = socket.getInputStream().read(buffer);
          if (n < 0) {
            throw new IOException("stream ended before '" + text + "' arrived: " + received());
          }
          received.write(buffer, 0, n);
        }
        return received();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Reads until the server closes the connection; everything received, as it was sent. */
    public String readToEnd() {
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
          received.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException e) {
        throw new UncheckedIOException(new IOException("the stream did not end: " + received(), e));
      } catch (IOException e) {
        // A reset instead of an orderly close: what arrived is the answer.
      }
      return received();
    }

    private String received() {
      return received.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing
      }
    }
  }

  /** An Authorization header line for a token. */
  public static byte[] bearer(String token) {
    return ("Authorization: Bearer " + token).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads to the end of the response. An event stream never ends by itself, so for one the answer
   * is its status and headers alone.
   */
  private byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    boolean headersChecked = false;
    try {
      for (int n; (n = in.read(buffer)) >= 0 && response.size() < MAX_RESPONSE_BYTES; ) {
        response.write(buffer, 0, n);
        if (!headersChecked) {
          String soFar = response.toString(StandardCharsets.ISO_8859_1);
          int headEnd = soFar.indexOf("\r\n\r\n");
          if (headEnd >= 0) {
            headersChecked = true;
            if (soFar.substring(0, headEnd).toLowerCase(Locale.ROOT).contains("content-type: text/event-stream")) {
              return Arrays.copyOf(response.toByteArray(), headEnd + 4);
            }
          }
        }
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no complete response within " + timeoutMillis + " ms: " + response, e);
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
    // Interim answers (100 Continue) come first; the final response follows them.
    while (text.startsWith("HTTP/1.1 1")) {
      int interimEnd = text.indexOf("\r\n\r\n");
      if (interimEnd < 0) {
        break;
      }
      raw = Arrays.copyOfRange(raw, interimEnd + 4, raw.length);
      text = text.substring(interimEnd + 4);
    }
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
