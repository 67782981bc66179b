package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.worker.WorkerRequestException;
import io.envkeeper.workspace.InvalidWorkspacePathException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The error codes the documentation lists are exactly the codes the service can answer with: every
 * documented code is emitted somewhere, every emitted code is documented.
 *
 * <p>Documented: the rows of the Markdown tables (README and {@code docs/}) whose first cell is a
 * status. Emitted: the codes given to a problem in the sources (the advice, filters, parameter
 * checks), the codes of the reason enums, and the generic code of every status.
 */
class ErrorCodesDocumentationTests {

  private static final Path SOURCES = Path.of("src/main/java/io/envkeeper");
  private static final Pattern STATUS_ROW = Pattern.compile("^\\|\\s*\\d{3}(?:\\s*/\\s*\\d{3})*\\s*\\|([^|]*)\\|");
  private static final Pattern CODE = Pattern.compile("`([a-z][a-z0-9]*(?:_[a-z0-9]+)*)`");
  /** {@code problem(HttpStatus.X, "code"} and {@code Problems.of(HttpStatus.X, "code"}. */
  private static final Pattern PROBLEM_CODE =
      Pattern.compile("(?:problem|Problems\\.of)\\(\\s*HttpStatus\\.\\w+,\\s*\"([a-z_]+)\"");
  private static final Pattern INVALID_REQUEST_CODE = Pattern.compile("InvalidRequestException\\(\\s*\"([a-z_]+)\"");

  @Test
  void everyDocumentedCodeIsEmittedAndEveryEmittedCodeIsDocumented() throws IOException {
    Set<String> documented = documentedCodes();
    Set<String> emitted = emittedCodes();

    assertThat(documented).as("codes documented but never answered").isSubsetOf(emitted);
    assertThat(emitted).as("codes answered but not documented").isSubsetOf(documented);
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
    for (Path document : documents()) {
      for (String line : Files.readAllLines(document)) {
        Matcher row = STATUS_ROW.matcher(line);
        if (row.find()) {
          Matcher code = CODE.matcher(row.group(1));
          while (code.find()) {
            codes.add(code.group(1));
          }
        }
      }
    }
    return codes;
  }

  private static List<Path> documents() throws IOException {
    Path docs = Path.of("docs");
    Stream<Path> markdown = Files.isDirectory(docs)
        ? Files.walk(docs).filter(path -> path.toString().endsWith(".md"))
        : Stream.empty();
    try (markdown) {
      return Stream.concat(Stream.of(Path.of("README.md")), markdown.toList().stream()).toList();
    }
  }

  private static Set<String> emittedCodes() throws IOException {
    Set<String> codes = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(SOURCES)) {
      for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
        String text = Files.readString(source);
        for (Pattern pattern : List.of(PROBLEM_CODE, INVALID_REQUEST_CODE)) {
          Matcher code = pattern.matcher(text);
          while (code.find()) {
            codes.add(code.group(1));
          }
        }
      }
    }
    Arrays.stream(InvalidWorkspacePathException.Reason.values()).map(InvalidWorkspacePathException.Reason::code).forEach(codes::add);
    Arrays.stream(WorkerRequestException.Reason.values()).map(WorkerRequestException.Reason::code).forEach(codes::add);
    for (int status = 400; status < 600; status++) {
      codes.add(Problems.codeForStatus(status));
    }
    return codes;
  }
}
