package io.envkeeper.cluster;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpHeaders;

/**
 * Headers that belong to one connection, not to the call (RFC 9110 section 7.6.1), plus those the
 * forwarding client sets itself: never copied from one hop to the next.
 */
final class HopHeaders {

  /** Marks a forwarded request (its value is the forwarding node): such a request is never forwarded again. */
  static final String FORWARDED_BY = "Envkeeper-Forwarded-By";

  private static final Set<String> NEVER_COPIED = Set.of(
      "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
      "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length", "expect",
      FORWARDED_BY.toLowerCase(Locale.ROOT));

  private HopHeaders() {}

  /** Headers not to copy: the fixed set plus every header the {@code Connection} header names. */
  static Set<String> excluded(Iterable<String> connectionHeaderValues) {
    Set<String> excluded = new TreeSet<>(NEVER_COPIED);
    for (String value : connectionHeaderValues) {
      for (String token : value.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          excluded.add(name);
        }
      }
    }
    return excluded;
  }

  static boolean isExcluded(Set<String> excluded, String name) {
    return excluded.contains(name.toLowerCase(Locale.ROOT));
  }

  static Set<String> excluded(HttpHeaders headers) {
    return excluded(headers.getOrEmpty(HttpHeaders.CONNECTION));
  }
}
