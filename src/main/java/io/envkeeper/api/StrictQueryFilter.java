package io.envkeeper.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses an {@code /api/} request whose query string is not well-formed: a {@code %} not followed
 * by two hex digits, bytes that are not UTF-8, or control characters (NUL included) once decoded.
 * Every endpoint answers such a URL with the same 400, whether or not it reads its parameters, so
 * a malformed URL never does something on one endpoint and fails on another.
 */
@Component
class StrictQueryFilter extends ApiRequestFilter {

  StrictQueryFilter(JsonMapper json) {
    super(json);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String query = request.getQueryString();
    if (query != null && !wellFormed(query)) {
      refuse(response, HttpStatus.BAD_REQUEST, ProblemCode.INVALID_PARAMETER,
          "the query string is not valid percent-encoded UTF-8 text");
      return;
    }
    chain.doFilter(request, response);
  }

  /** Percent-decodes strictly ({@code +} is a space) and checks the result is printable UTF-8. */
  static boolean wellFormed(String query) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(query.length());
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '%') {
        if (i + 2 >= query.length()) {
          return false;
        }
        char high = query.charAt(i + 1);
        char low = query.charAt(i + 2);
        if (!HexFormat.isHexDigit(high) || !HexFormat.isHexDigit(low)) {
          return false;
        }
        bytes.write(HexFormat.fromHexDigit(high) << 4 | HexFormat.fromHexDigit(low));
        i += 2;
      } else if (c > 0x7e || c < 0x20) {
        return false;
      } else {
        bytes.write(c == '+' ? ' ' : c);
      }
    }
    String decoded;
    try {
      decoded = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return false;
    }
    return decoded.codePoints().noneMatch(Character::isISOControl);
  }
}
