package io.envkeeper.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.EnvkeeperApplication;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.support.OsProcesses;
import io.envkeeper.runtime.watch.WatcherState;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.TestDirectories;
import io.envkeeper.support.TestTokens;
import java.util.ArrayList;
import java.util.List;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The database stopped under a running service and started again (a real PostgreSQL, stopped and
 * restarted on the same port and data): the API answers 503 problem+json instead of hanging,
 * readiness goes DOWN, workers and watchers keep running and nothing is torn down; once the
 * database is back everything converges and no transition is lost.
 */
class DatabaseOutageIntegrationTests {

  private static final String BASE = "/api/v1/environments";
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  private final Path dataDirectory = TestDirectories.create("outage-db");
  private final Path root = TestDirectories.create("outage-root");
  private final int port = freePort();
  private EmbeddedPostgres database;
  private ConfigurableApplicationContext service;

  @AfterEach
  void tearDown() throws IOException {
    if (service != null) {
      service.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void outageAnswers503KeepsEverythingRunningAndConvergesWhenTheDatabaseReturns() throws Exception {
    database = startDatabase();
    service = startService();
    ApiClient api = new ApiClient(((WebServerApplicationContext) service).getWebServer().getPort());
    JsonNode created = api.post(BASE, "{\"name\":\"outage\"}").json();
    String env = created.get("id").asString();
    Path workspace = Path.of(created.get("path").asString());
    JsonNode longWorker = api.post(BASE + "/" + env + "/workers", "{\"profile\":\"long\"}").json();
    JsonNode shortWorker = api.post(BASE + "/" + env + "/workers", "{\"profile\":\"short\"}").json();
    RuntimeManager runtimes = service.getBean(RuntimeManager.class);

    database.close();
    database = null;

    long started = System.nanoTime();
    Response during = api.get(BASE + "/" + env);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    assertThat(during.status()).isEqualTo(503);
    assertThat(during.header("Content-Type")).contains("application/problem+json");
    assertThat(during.code()).isEqualTo("database_unavailable");
    assertThat(api.post(BASE, "{\"name\":\"refused\"}").status()).isEqualTo(503);
    assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(503);
    assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
    // The short worker ends during the outage; its end cannot be recorded yet.
    await().atMost(CONVERGE).until(() -> !isRunning(shortWorker.get("pid").asInt()));
    Files.writeString(workspace.resolve("written-during-outage.txt"), "x");
    await().atMost(CONVERGE).until(() ->
        api.get("/actuator/health").json().path("components").path("reconciler").path("details")
            .path("consecutiveFailures").asInt() > 0);
    assertThat(isRunning(longWorker.get("pid").asInt())).isTrue();
    assertThat(runtimes.find(UUID.fromString(env))).isPresent()
        .hasValueSatisfying(runtime -> assertThat(runtime.watcher().state()).isEqualTo(WatcherState.WATCHING));

    database = startDatabase();

    await().atMost(CONVERGE).until(() -> api.get("/actuator/health/readiness").status() == 200);
    await().atMost(CONVERGE).until(() -> status(api, env, shortWorker).equals("EXITED"));
    assertThat(api.get(BASE + "/" + env + "/workers/" + shortWorker.get("id").asString()).json().get("exitCode").asInt()).isZero();
    assertThat(status(api, env, longWorker)).isEqualTo("RUNNING");
    assertThat(api.get(BASE + "/" + env).json().get("status").asString()).isEqualTo("READY");
    assertThat(api.get(BASE + "/" + env + "/workspace").body()).contains("written-during-outage.txt");
    assertThat(api.delete(BASE + "/" + env + "?wait=PT30S").status()).isEqualTo(200);
    assertThat(isRunning(longWorker.get("pid").asInt())).isFalse();
  }

  private EmbeddedPostgres startDatabase() throws IOException {
    return EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setServerConfig("unix_socket_directories", "") // TCP only: nothing left in /tmp
        .start();
  }

  private ConfigurableApplicationContext startService() {
    List<String> arguments = new ArrayList<>(TestTokens.arguments());
    arguments.addAll(List.of(
        "--server.port=0",
        "--envkeeper.node.id=outage-" + UUID.randomUUID(),
        "--spring.datasource.url=jdbc:postgresql://localhost:" + port + "/postgres",
        "--spring.datasource.username=postgres",
        "--envkeeper.data-dir=" + TestDirectories.create("outage-data"),
        "--envkeeper.workspace.roots[0]=" + root,
        "--envkeeper.workspace.managed-root=" + root.resolve("managed"),
        "--envkeeper.reconcile.interval=500ms",
        "--envkeeper.reconcile.max-outage-backoff=1s",
        "--management.endpoint.health.show-details=always",
        "--envkeeper.workers.profiles.long.command[0]=sleep",
        "--envkeeper.workers.profiles.long.command[1]=1000",
        "--envkeeper.workers.profiles.short.command[0]=sleep",
        "--envkeeper.workers.profiles.short.command[1]=2"));
    return new SpringApplicationBuilder(EnvkeeperApplication.class).run(arguments.toArray(String[]::new));
  }

  private static String status(ApiClient api, String env, JsonNode worker) {
    return api.get(BASE + "/" + env + "/workers/" + worker.get("id").asString()).json().get("status").asString();
  }

  private static boolean isRunning(int pid) {
    return OsProcesses.isRunning(pid);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
