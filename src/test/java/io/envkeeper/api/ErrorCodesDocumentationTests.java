package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.expiry.ExpiryRequestException;
import io.envkeeper.worker.WorkerRequestException;
import io.envkeeper.workspace.InvalidWorkspacePathException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The error codes the documentation lists are exactly the codes the service can answer with: every
 * documented code is emitted somewhere, every emitted code is documented, and every {@link
 * ProblemCode} constant is one of them (no constant the API description lists but nothing answers).
 *
 * <p>Documented: the rows of the Markdown table in {@code docs/errors.md} whose first cell is a
 * status. Emitted: the {@link ProblemCode} constants the sources hand to a problem (the advice,
 * filters, parameter checks; not the {@code @ProblemResponse} declarations nor the API description
 * package, which only describe), the codes of the reason enums, and the generic code of every status.
 */
class ErrorCodesDocumentationTests {

  private static final Path SOURCES = Path.of("src/main/java/io/envkeeper");
  private static final Path ERRORS = Path.of("docs/errors.md");
  private static final Path DESCRIPTION_PACKAGE = SOURCES.resolve("api/openapi");
  private static final Path CODE_ENUM = SOURCES.resolve("api/ProblemCode.java");
  private static final Pattern STATUS_ROW = Pattern.compile("^\\|\\s*\\d{3}(?:\\s*/\\s*\\d{3})*\\s*\\|([^|]*)\\|");
  private static final Pattern CODE = Pattern.compile("`([a-z][a-z0-9]*(?:_[a-z0-9]+)*)`");
  /** A declaration for the API description: {@code @ProblemResponse(status = 409, codes = {...})}. */
  private static final Pattern DECLARATION = Pattern.compile("@ProblemResponse\\([^)]*\\)");
  private static final Pattern CONSTANT = Pattern.compile("\\bProblemCode\\.([A-Z][A-Z0-9_]*)\\b");

  @Test
  void everyDocumentedCodeIsEmittedAndEveryEmittedCodeIsDocumented() throws IOException {
    Set<String> documented = documentedCodes();
    Set<String> emitted = emittedCodes();

    assertThat(documented).as("codes documented but never answered").isSubsetOf(emitted);
    assertThat(emitted).as("codes answered but not documented").isSubsetOf(documented);
  }

  @Test
  void everyProblemCodeConstantIsAnswered() throws IOException {
    Set<String> constants = new TreeSet<>();
    Arrays.stream(ProblemCode.values()).map(ProblemCode::code).forEach(constants::add);

    assertThat(constants).as("ProblemCode constants nothing answers with").isSubsetOf(emittedCodes());
  }

  @Test
  void theScanFindsTheCodesItIsMeantToFind() throws IOException {
    // Guards the patterns above: if they stopped matching, the comparison would prove nothing.
    assertThat(emittedCodes()).contains(
        "environment_not_found", "payload_too_large", "invalid_id", "invalid_parameter", "path_not_allowed",
        "unknown_profile", "method_not_allowed", "malformed_json");
    assertThat(documentedCodes()).contains("environment_not_found", "method_not_allowed", "unsupported_media_type");
  }

  private static Set<String> documentedCodes() throws IOException {
    Set<String> codes = new TreeSet<>();
    for (String line : Files.readAllLines(ERRORS)) {
      Matcher row = STATUS_ROW.matcher(line);
      if (row.find()) {
        Matcher code = CODE.matcher(row.group(1));
        while (code.find()) {
          codes.add(code.group(1));
        }
      }
    }
    return codes;
  }

  private static Set<String> emittedCodes() throws IOException {
    Set<String> codes = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(SOURCES)) {
      for (Path source : sources.filter(ErrorCodesDocumentationTests::answers).toList()) {
        String text = DECLARATION.matcher(Files.readString(source)).replaceAll("");
        Matcher constant = CONSTANT.matcher(text);
        while (constant.find()) {
          codes.add(ProblemCode.valueOf(constant.group(1)).code());
        }
      }
    }
    Arrays.stream(InvalidWorkspacePathException.Reason.values()).map(InvalidWorkspacePathException.Reason::code).forEach(codes::add);
    Arrays.stream(WorkerRequestException.Reason.values()).map(WorkerRequestException.Reason::code).forEach(codes::add);
    Arrays.stream(ExpiryRequestException.Reason.values()).map(ExpiryRequestException.Reason::code).forEach(codes::add);
    for (int status = 400; status < 600; status++) {
      codes.add(Problems.codeForStatus(status).code());
    }
    return codes;
  }

  /** A source that may answer with a code: not the enum itself, not the API description's package. */
  private static boolean answers(Path source) {
    return source.toString().endsWith(".java") && !source.equals(CODE_ENUM) && !source.startsWith(DESCRIPTION_PACKAGE);
  }
}
