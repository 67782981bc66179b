package io.envkeeper.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation stays a front door plus documents that resolve: README.md short and carrying
 * the two commands, and every relative link of every markdown file in the repository (README,
 * docs/, helm/, bench/) pointing at a file or heading that exists inside it.
 */
class DocumentationTests {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final int README_MAX_LINES = 250;

  @Test
  void readmeIsAShortFrontDoorWithTheTwoCommands() throws IOException {
    List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));

    assertThat(readme.size()).as("lines in README.md (move detail to docs/)").isLessThanOrEqualTo(README_MAX_LINES);
    assertThat(String.join("\n", readme)).contains("./mvnw spring-boot:run").contains("./mvnw verify");
  }

  @Test
  void everyRelativeLinkInTheDocumentationResolvesInsideTheRepository() throws IOException {
    List<Path> files = MarkdownLinks.markdownFiles(ROOT);
    assertThat(files).extracting(file -> ROOT.relativize(file).toString())
        .contains("README.md", "docs/api.md", "docs/architecture.md", "docs/configuration.md",
            "docs/operations.md", "docs/security.md", "docs/workers.md", "helm/README.md", "bench/README.md");

    assertThat(MarkdownLinks.check(ROOT, files)).as("links that do not resolve").isEmpty();
  }

  @Test
  void theCheckerReportsMissingFilesMissingAnchorsAndPathsOutsideTheRepository(@TempDir Path directory)
      throws IOException {
    Path repository = Files.createDirectories(directory.resolve("repository"));
    Files.writeString(directory.resolve("outside.md"), "# Outside\n");
    Files.createDirectories(repository.resolve("docs"));
    Files.writeString(repository.resolve("docs/guide.md"), """
        # The guide

        ## `envkeeper.workers.profiles.<name>.*`

        ## Stop, then kill — every step bounded

        ## Notes

        ## Notes

        ```sh
        # not a heading
        ```
        """);
    Files.writeString(repository.resolve("README.md"), """
        # Read me

        Good: [guide](docs/guide.md), [profiles](docs/guide.md#envkeeperworkersprofilesname),
        [stop](docs/guide.md#stop-then-kill--every-step-bounded), [second notes](docs/guide.md#notes-1),
        [here](#read-me), [folder](docs/), [web](https://example.com/x.md#nowhere), ![image](docs/guide.md).
        Code is not a link: `[x](missing.md)`.

        ```sh
        [in a fence](missing-too.md)
        ```

        Bad: [gone](docs/missing.md), [only in a fence](docs/guide.md#not-a-heading), [up](../outside.md),
        [third notes](docs/guide.md#notes-2).
        The contract is in `../outside.md`.

        [reference]: docs/nothing.md
        """);

    List<MarkdownLinks.Problem> problems =
        MarkdownLinks.check(repository, MarkdownLinks.markdownFiles(repository));

    assertThat(problems).extracting(MarkdownLinks.Problem::target).containsExactlyInAnyOrder(
        "docs/missing.md", "docs/guide.md#not-a-heading", "../outside.md",
        "docs/guide.md#notes-2", "../outside.md", "docs/nothing.md");
    assertThat(problems).extracting(MarkdownLinks.Problem::why).contains(
        "no such file: docs/missing.md", "points outside the repository", "names a path outside the repository",
        "no heading with the anchor #not-a-heading in docs/guide.md");
  }
}
