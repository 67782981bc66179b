package io.envkeeper.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.NpmProject;
import io.envkeeper.support.ServiceProcess;
import io.envkeeper.support.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API description as a client author gets it, from the packaged service: Redocly's linter finds
 * nothing in it, and the TypeScript client generated from it (clients/typescript) compiles, passes
 * its own tests and drives the service through a whole environment life. One service serves both.
 * Node.js and npm are required: without them this fails, it does not skip.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDescriptionJarTests {

  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);
  private static final String SMOKE_PROFILE = "smoke";

  private final JsonMapper json = JsonMapper.builder().build();
  private NpmProject client;
  private JarSandbox sandbox;
  private ServiceProcess service;
  private Path description;

  @BeforeAll
  void startService() throws IOException {
    client = NpmProject.installedAt("envkeeper.clients.typescript");
    sandbox = JarSandbox.create("jar-api-description");
    service = ServiceProcess.start(sandbox.home(), arguments());
    Response docs = service.api().anonymous().get("/v3/api-docs");
    assertThat(docs.status()).isEqualTo(200);
    description = Files.createDirectories(Path.of("target", "openapi").toAbsolutePath()).resolve("envkeeper-openapi.json");
    Files.writeString(description, docs.body());
  }

  @AfterAll
  void stopService() {
    if (service != null) {
      service.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void descriptionOfThePackagedServicePassesRedoclyLintWithoutErrorOrWarning() {
    NpmProject.Result lint = client.run(NPM_TIMEOUT, Map.of(), "lint:api", "--format=json", description.toString());

    JsonNode report = parse(lint);
    List<String> problems = new ArrayList<>();
    report.path("problems").forEach(problem -> problems.add(problem.path("severity").asString() + " "
        + problem.path("ruleId").asString() + ": " + problem.path("message").asString() + " at "
        + problem.at("/location/0/pointer").asString()));
    assertThat(problems).as("redocly lint of %s", description).isEmpty();
    assertThat(report.at("/totals/errors").asInt()).isZero();
    assertThat(report.at("/totals/warnings").asInt()).isZero();
    assertThat(lint.exitCode()).as(lint.toString()).isZero();
  }

  @Test
  void typescriptClientGeneratedFromTheDescriptionDrivesThePackagedService() {
    succeeds(client.run(NPM_TIMEOUT, Map.of("ENVKEEPER_OPENAPI", description.toString()), "generate"));
    succeeds(client.run(NPM_TIMEOUT, Map.of(), "build"));
    succeeds(client.run(NPM_TIMEOUT, Map.of(), "test"));

    NpmProject.Result smoke = client.run(NPM_TIMEOUT, Map.of(
        "ENVKEEPER_URL", service.api().baseUrl(),
        "ENVKEEPER_TOKEN", TestTokens.ADMIN,
        "ENVKEEPER_PROFILE", SMOKE_PROFILE), "smoke");

    succeeds(smoke);
    assertThat(smoke.stdout()).contains("# pass 2", "# fail 0");
  }

  private static void succeeds(NpmProject.Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  private JsonNode parse(NpmProject.Result lint) {
    try {
      return json.readTree(lint.stdout());
    } catch (RuntimeException e) {
      throw new AssertionError("redocly did not report as JSON: " + lint, e);
    }
  }

  /** A worker that greets, makes two files in its workspace and waits on stdin, for the smoke test. */
  private List<String> arguments() {
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    String profile = "--envkeeper.workers.profiles." + SMOKE_PROFILE;
    arguments.add(profile + ".command[0]=sh");
    arguments.add(profile + ".command[1]=-c");
    arguments.add(profile + ".command[2]=echo 'hello from the smoke test'; echo a > a.txt; echo b > b.txt;"
        + " while read line; do :; done");
    return arguments;
  }
}
