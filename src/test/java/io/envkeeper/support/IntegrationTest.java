package io.envkeeper.support;

import java.nio.file.Path;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests that run the whole application on a real port against the per-JVM test database.
 * Workspace roots and the managed root live under the build folder; the tokens of {@link TestTokens}
 * are configured; subclasses sharing this configuration share one application context, and each
 * context has a node id of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TeardownRecorder.Config.class)
public abstract class IntegrationTest {

  /** The one workspace root client paths must lie under. */
  protected static final Path WORKSPACE_ROOT = TestDirectories.create("roots");
  /** Where managed workspaces are created. */
  protected static final Path MANAGED_ROOT = TestDirectories.create("managed");
  /** A directory outside every root. */
  protected static final Path OUTSIDE = TestDirectories.create("outside");

  @LocalServerPort protected int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestDatabase.Coordinates database = TestDatabase.get();
    // Contexts share the test database: a node id of its own keeps each context's reconciler to
    // the environments it created (a pass only looks at its own node's rows).
    String node = "test-" + UUID.randomUUID();
    registry.add("envkeeper.node.id", () -> node);
    // Cached contexts are live nodes of one cluster on the shared database: each keeps what it
    // creates, as a single node would, instead of placing it on another context's node.
    registry.add("envkeeper.cluster.placement", () -> "receiving-node");
    registry.add("spring.datasource.url", database::url);
    registry.add("spring.datasource.username", database::username);
    registry.add("spring.datasource.password", database::password);
    registry.add("envkeeper.data-dir", () -> TestDirectories.create("data").toString());
    registry.add("envkeeper.workspace.roots[0]", WORKSPACE_ROOT::toString);
    registry.add("envkeeper.workspace.managed-root", MANAGED_ROOT::toString);
    TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
  }

  /** A client sending the test admin token; {@code api().as(TestTokens.CLIENT_A)} for a tenant's client. */
  protected ApiClient api() {
    return new ApiClient(port);
  }
}
