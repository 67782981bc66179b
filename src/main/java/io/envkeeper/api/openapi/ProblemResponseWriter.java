package io.envkeeper.api.openapi;

import io.envkeeper.api.ProblemCode;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;

/**
 * Problem responses of an operation: codes are collected by status (in the
 * {@value #CODES_EXTENSION} extension, which stays in the description for tools that want the list)
 * and then rendered as one {@code application/problem+json} response per status, with the shared
 * {@code Problem} schema, a description naming each code and one example per code.
 */
final class ProblemResponseWriter {

  static final String CODES_EXTENSION = "x-problem-codes";
  static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

  private ProblemResponseWriter() {}

  /** Adds codes to the operation's problem response of this status, creating it if needed. */
  static void addCodes(Operation operation, int status, Collection<ProblemCode> codes) {
    if (codes.isEmpty()) {
      return;
    }
    if (operation.getResponses() == null) {
      operation.setResponses(new ApiResponses());
    }
    String key = Integer.toString(status);
    ApiResponse response = operation.getResponses().computeIfAbsent(key, missing -> new ApiResponse());
    Set<ProblemCode> merged = codesOf(response);
    merged.addAll(codes);
    response.addExtension(CODES_EXTENSION, merged.stream().map(ProblemCode::code).toList());
  }

  /** Renders every problem response of the operation and orders all responses by status. */
  static void render(Operation operation) {
    ApiResponses responses = operation.getResponses();
    if (responses == null) {
      return;
    }
    responses.forEach((status, response) -> {
      Set<ProblemCode> codes = codesOf(response);
      if (!codes.isEmpty()) {
        write(Integer.parseInt(status), codes, response);
      }
    });
    ApiResponses ordered = new ApiResponses();
    responses.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
        .forEach(entry -> ordered.addApiResponse(entry.getKey(), entry.getValue()));
    operation.setResponses(ordered);
  }

  private static void write(int status, Set<ProblemCode> codes, ApiResponse response) {
    response.setDescription(description(status, codes));
    Map<String, Example> examples = new LinkedHashMap<>();
    codes.forEach(code -> examples.put(code.code(), example(status, code)));
    MediaType problemJson = new MediaType().schema(new Schema<>().$ref(ProblemSchemas.PROBLEM_REF)).examples(examples);
    response.setContent(new Content().addMediaType(PROBLEM_JSON, problemJson));
    headers(status).forEach(response::addHeaderObject);
  }

  private static String description(int status, Set<ProblemCode> codes) {
    String lines = codes.stream()
        .map(code -> "- `" + code.code() + "`: " + code.description())
        .collect(Collectors.joining("\n"));
    return reason(status) + ". The problem's `code` is one of:\n\n" + lines;
  }

  private static Example example(int status, ProblemCode code) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "urn:envkeeper:problem:" + code.code());
    problem.put("title", reason(status));
    problem.put("status", status);
    problem.put("detail", code.description());
    problem.put("code", code.code());
    return new Example().summary(code.code()).value(problem);
  }

  /** Headers the service sends with these problems. */
  private static Map<String, Header> headers(int status) {
    Map<String, Header> headers = new LinkedHashMap<>();
    if (status == 401) {
      headers.put("WWW-Authenticate", new Header()
          .description("`Bearer`, or `Bearer error=\"invalid_token\"` for a token that is unknown, revoked or malformed")
          .schema(new StringSchema()));
    }
    if (status == 429 || status == 503) {
      headers.put("Retry-After", new Header()
          .description("Seconds to wait before trying again")
          .schema(new IntegerSchema().minimum(java.math.BigDecimal.ZERO)));
    }
    return headers;
  }

  private static String reason(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    return known == null ? "Error " + status : known.getReasonPhrase();
  }

  private static Set<ProblemCode> codesOf(ApiResponse response) {
    Set<ProblemCode> codes = EnumSet.noneOf(ProblemCode.class);
    if (response.getExtensions() != null && response.getExtensions().get(CODES_EXTENSION) instanceof List<?> list) {
      list.forEach(code -> codes.add(ProblemCode.valueOf(code.toString().toUpperCase(Locale.ROOT))));
    }
    return codes;
  }
}
