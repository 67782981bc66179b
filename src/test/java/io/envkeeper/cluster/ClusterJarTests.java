package io.envkeeper.cluster;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.OsProcesses;
import io.envkeeper.support.ServiceProcess;
import io.envkeeper.support.TestDatabase;
import io.envkeeper.support.TestTokens;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Three packaged jars, each with its own data dir, port and node id, against one PostgreSQL (the
 * test JVM's): placement, calls through a node that does not own the environment (streams
 * included), wake-ups through LISTEN/NOTIFY, a second process with a live node's id, lease loss, a
 * node killed and restarted, retirement, and the change feed's cursors through a non-owner across
 * the owner's restart. One cluster is shared by the ordered tests (a jar
 * start costs seconds), so later tests pin their environments to the node they need.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterJarTests {

  private static final String BASE = "/api/v1/environments";
  private static final Duration LEASE = Duration.ofSeconds(8);
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<ServiceProcess> extra = new ArrayList<>();

  /** One node: its sandbox, its fixed id and port, its process. */
  private final class Node {
    final String id;
    final JarSandbox sandbox;
    final Path stallFile;
    ServiceProcess process;
    int port;

    Node(String name) {
      this.id = name + "-" + run;
      this.sandbox = JarSandbox.create("cluster-" + name);
      this.stallFile = sandbox.home().resolve("stall-heartbeat");
    }

    List<String> arguments(int port) {
      TestDatabase.Coordinates database = TestDatabase.get();
      List<String> arguments = new ArrayList<>(sandbox.arguments());
      arguments.addAll(List.of(
          "--spring.datasource.url=" + database.url(),
          "--spring.datasource.username=" + database.username(),
          "--spring.datasource.password=" + database.password(),
          "--envkeeper.node.id=" + id,
          "--envkeeper.node.advertise-url=http://localhost:" + port,
          "--envkeeper.cluster.heartbeat-interval=1s",
          "--envkeeper.cluster.lease-duration=" + LEASE.toSeconds() + "s",
          // Long: what is woken within seconds here was woken through NOTIFY, not by a pass.
          "--envkeeper.reconcile.interval=60s",
          // Long too: a revoked token's stream that ends within seconds was ended by a revocation
          // made through this node or the owner, not found by a re-validation.
          "--envkeeper.security.stream-revalidation-interval=60s",
          "--envkeeper.workers.profiles.sleep.command[0]=sleep",
          "--envkeeper.workers.profiles.sleep.command[1]=300",
          "--envkeeper.workers.profiles.brief.command[0]=sleep",
          "--envkeeper.workers.profiles.brief.command[1]=12"));
      arguments.addAll(ServiceProcess.stallingHeartbeatsWhile(stallFile));
      return arguments;
    }

    void start() {
      port = ServiceProcess.freePort();
      process = ServiceProcess.start(sandbox.home(), arguments(port), port);
    }

    ApiClient api() {
      return process.api();
    }
  }

  @BeforeAll
  void startCluster() {
    for (String name : List.of("a", "b", "c")) {
      Node node = new Node(name);
      nodes.put(name, node);
      node.start();
    }
  }

  @AfterAll
  void stopCluster() {
    extra.forEach(ServiceProcess::close);
    for (Node node : nodes.values()) {
      if (node.process != null) {
        node.process.close();
      }
      node.sandbox.close();
    }
  }

  @Test
  @Order(1)
  void placementSpreadsManagedEnvironmentsOverEveryLiveNode() {
    Map<String, Integer> placed = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      Response created = node("a").api().post(BASE, "{\"name\":\"spread-" + i + "\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      placed.merge(created.json().get("node").asString(), 1, Integer::sum);
      assertThat(Path.of(created.json().get("path").asString())).isDirectory();
    }
    assertThat(placed).containsOnly(
        Map.entry(node("a").id, 2), Map.entry(node("b").id, 2), Map.entry(node("c").id, 2));

    Response pinnedToUnknown = node("a").api().post(BASE, "{\"name\":\"nowhere\",\"node\":\"no-such-node\"}");
    assertProblem(pinnedToUnknown, 409, "node_unavailable");
  }

  @Test
  @Order(2)
  void everyOwnerCallWorksThroughANodeThatDoesNotOwnTheEnvironment() throws Exception {
    Node owner = node("b");
    ApiClient other = node("a").api();
    JsonNode created = other.post(BASE, "{\"name\":\"through\",\"node\":\"" + owner.id + "\"}").json();
    String id = created.get("id").asString();
    Path workspace = Path.of(created.get("path").asString());
    assertThat(created.get("node").asString()).isEqualTo(owner.id);
    assertThat(workspace).isDirectory();

    // An Idempotency-Key replays across nodes.
    Map<String, String> key = Map.of("Idempotency-Key", "cluster-" + run);
    String first = other.post(BASE, "{\"name\":\"once\"}", key).json().get("id").asString();
    assertThat(node("c").api().post(BASE, "{\"name\":\"once\"}", key).json().get("id").asString()).isEqualTo(first);

    try (EventStreamClient events = EventStreamClient.connect(other.uri(BASE + "/" + id + "/events"), null)) {
      Files.writeString(workspace.resolve("hello.txt"), "hi");
      events.awaitEvent(CONVERGE, event -> event.name().equals("change") && event.data().contains("hello.txt"));

      Response workspaceStatus = other.get(BASE + "/" + id + "/workspace?since=0");
      assertThat(workspaceStatus.status()).as(workspaceStatus.body()).isEqualTo(200);
      assertThat(workspaceStatus.json().get("watcher").asString()).isEqualTo("WATCHING");
      assertThat(workspaceStatus.body()).contains("hello.txt");
      // The node that forwarded it now knows the owner and sends such reads there at once; the
      // owner still checks the caller: another tenant learns nothing, as on any node.
      assertProblem(other.as(TestTokens.CLIENT_B).get(BASE + "/" + id + "/workspace"), 404, "environment_not_found");
      assertProblem(node("c").api().as(TestTokens.CLIENT_B).get(BASE + "/" + id + "/workspace"), 404,
          "environment_not_found");

      Response started = other.post(BASE + "/" + id + "/workers", "{\"profile\":\"sleep\"}");
      assertThat(started.status()).as(started.body()).isEqualTo(201);
      int pid = owner.sandbox.track(started.json().get("pid").asInt());
      assertThat(OsProcesses.of(pid)).isPresent();
      assertThat((long) OsProcesses.of(pid).orElseThrow().ppid())
          .as("the worker's parent is its owner's JVM").isEqualTo(owner.process.pid());
      String worker = started.json().get("id").asString();
      assertThat(other.get(BASE + "/" + id + "/workers/" + worker).json().get("status").asString()).isEqualTo("RUNNING");
      Response stopped = other.delete(BASE + "/" + id + "/workers/" + worker + "?wait=PT20S");
      assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
      assertThat(JarSandbox.isRunning(pid)).isFalse();

      // A forwarded request that reaches a node which does not own the environment is not forwarded again.
      Response looped = node("c").api().send(HttpRequest.newBuilder(node("c").api().uri(BASE + "/" + id + "/workspace"))
          .header("Envkeeper-Forwarded-By", node("a").id).GET());
      assertProblem(looped, 503, "node_unavailable");

      // The owner answers polls of its READY environment from memory.
      assertThat(owner.api().get(BASE + "/" + id).json().get("status").asString()).isEqualTo("READY");

      // Accepted on a node that does not own it: the owner is woken through the database at once
      // (its reconcile interval is 60 s), and the answer comes once the owner has dropped the row
      // from its memory (acknowledged, well within a lease duration): its very next poll sees it.
      long sent = System.nanoTime();
      Response accepted = other.delete(BASE + "/" + id);
      Duration answeredIn = Duration.ofNanos(System.nanoTime() - sent);
      assertThat(accepted.status()).as(accepted.body()).isIn(200, 202);
      assertThat(owner.api().get(BASE + "/" + id).json().get("status").asString()).isNotEqualTo("READY");
      assertThat(answeredIn).isLessThan(Duration.ofSeconds(3));
      events.awaitEvent(Duration.ofSeconds(10), event -> event.name().equals("destroyed"));
      await().atMost(Duration.ofSeconds(10)).until(events::ended);
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> other.get(BASE + "/" + id).json().get("status").asString().equals("DESTROYED"));
    assertThat(workspace).doesNotExist();
    assertProblem(other.get(BASE + "/" + id + "/workspace"), 410, "environment_destroyed");
  }

  @Test
  @Order(3)
  void aSecondProcessWithALiveNodesIdNeverServesAndTheRealOneKeepsServing() {
    Node real = node("a");
    JsonNode created = real.api().post(BASE, "{\"name\":\"kept\",\"node\":\"" + real.id + "\"}").json();
    String id = created.get("id").asString();
    JarSandbox impostorSandbox = JarSandbox.create("cluster-impostor");
    try {
      int port = ServiceProcess.freePort();
      List<String> arguments = new ArrayList<>(real.arguments(port));
      arguments.replaceAll(argument -> argument.replace(real.sandbox.home().toString(), impostorSandbox.home().toString()));
      ServiceProcess impostor = ServiceProcess.launch(impostorSandbox.home(), arguments, port);
      extra.add(impostor);
      // Long enough for its web server to come up and for several of its lease attempts.
      await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
          .until(() -> impostor.log().contains("another live process holds this node id"));
      long until = System.nanoTime() + LEASE.multipliedBy(2).toNanos();
      while (System.nanoTime() < until) {
        assertThat(readiness(impostor.api())).isEqualTo(503);
        assertProblem(impostor.api().get(BASE + "/" + id), 503, "node_unavailable");
        assertThat(readiness(real.api())).isEqualTo(200);
        assertThat(real.api().get(BASE + "/" + id + "/workspace").status()).isEqualTo(200);
      }
      impostor.close();
    } finally {
      impostorSandbox.close();
    }
    assertThat(real.api().get(BASE + "/" + id + "/workspace").status()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void aNodeThatLostItsLeaseStopsActingAsOwnerUntilItHoldsOneAgain() throws IOException, SQLException {
    Node stalled = node("c");
    ApiClient other = node("a").api();
    JsonNode created = other.post(BASE, "{\"name\":\"fenced\",\"node\":\"" + stalled.id + "\"}").json();
    String id = created.get("id").asString();
    Path workspace = Path.of(created.get("path").asString());
    JsonNode brief = other.post(BASE + "/" + id + "/workers", "{\"profile\":\"brief\"}").json();
    stalled.sandbox.track(brief.get("pid").asInt());

    Files.createFile(stalled.stallFile); // its heartbeats stop; the database stays reachable
    try {
      fencedUntilTheStallEnds(stalled, other, id, workspace, brief);
    } finally {
      Files.deleteIfExists(stalled.stallFile);
    }
    await().atMost(CONVERGE).until(() -> readiness(stalled.api()) == 200);
    await().atMost(CONVERGE).until(() -> other.get(BASE + "/" + id).json().get("status").asString().equals("DESTROYED"));
    assertThat(workspace).doesNotExist();
    assertThat(workerStatus(brief.get("id").asString())).isEqualTo("EXITED");
  }

  private void fencedUntilTheStallEnds(Node stalled, ApiClient other, String id, Path workspace, JsonNode brief)
      throws SQLException {
    await().atMost(CONVERGE).until(() -> readiness(stalled.api()) == 503);
    assertProblem(stalled.api().get(BASE + "/" + id + "/workspace"), 503, "node_unavailable");
    await().atMost(CONVERGE).until(() -> other.get(BASE + "/" + id + "/workspace").status() == 503);
    Response viaOther = other.get(BASE + "/" + id + "/workspace");
    assertProblem(viaOther, 503, "node_unavailable");
    assertThat(viaOther.header("Retry-After")).isNotBlank();
    assertThat(other.get(BASE + "/" + id).json().get("status").asString()).isEqualTo("READY");

    Response accepted = other.delete(BASE + "/" + id);
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.json().get("status").asString()).isEqualTo("DESTROYING");
    // Its brief worker ends meanwhile; the fenced node records nothing and tears nothing down.
    await().atMost(CONVERGE).until(() -> !JarSandbox.isRunning(brief.get("pid").asInt()));
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < until) {
      assertThat(other.get(BASE + "/" + id).json().get("status").asString()).isEqualTo("DESTROYING");
      assertThat(workerStatus(brief.get("id").asString())).as("the worker's end is not recorded").isEqualTo("RUNNING");
      assertThat(workspace).isDirectory();
    }
  }

  /** The worker row as it stands (its environment is DESTROYING: the API answers 410 under it). */
  private static String workerStatus(String workerId) throws SQLException {
    TestDatabase.Coordinates database = TestDatabase.get();
    try (Connection connection = DriverManager.getConnection(database.url(), database.username(), database.password());
        PreparedStatement select = connection.prepareStatement("SELECT status FROM worker WHERE id = ?")) {
      select.setObject(1, UUID.fromString(workerId));
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getString(1) : null;
      }
    }
  }

  @Test
  @Order(5)
  void aKilledNodesEnvironmentsReadFineAndItFinishesTheirTeardownWhenBack() {
    Node killed = node("b");
    ApiClient other = node("a").api();
    JsonNode created = other.post(BASE, "{\"name\":\"orphaned\",\"node\":\"" + killed.id + "\"}").json();
    String id = created.get("id").asString();
    Path workspace = Path.of(created.get("path").asString());

    killed.process.kill();
    assertThat(other.get(BASE + "/" + id).json().get("status").asString()).isEqualTo("READY");
    await().atMost(CONVERGE).until(() -> other.get(BASE + "/" + id + "/workspace").status() == 503);
    Response unavailable = other.get(BASE + "/" + id + "/workspace");
    assertProblem(unavailable, 503, "node_unavailable");
    assertThat(unavailable.header("Retry-After")).isNotBlank();
    assertThat(other.get(BASE + "/" + id).status()).isEqualTo(200);
    await().atMost(CONVERGE).until(() -> createPinnedTo(other, killed.id).status() == 409);

    Response accepted = other.delete(BASE + "/" + id);
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(workspace).isDirectory();

    killed.start();
    await().atMost(CONVERGE).until(() -> other.get(BASE + "/" + id).json().get("status").asString().equals("DESTROYED"));
    assertThat(workspace).doesNotExist();
  }

  @Test
  @Order(6)
  void aNodeGoneForGoodIsRetired() {
    Node gone = node("c");
    ApiClient admin = node("a").api();
    String id = admin.post(BASE, "{\"name\":\"left-behind\",\"node\":\"" + gone.id + "\"}").json().get("id").asString();
    assertProblem(admin.post("/api/v1/admin/nodes/" + gone.id + "/retire", "{}"), 409, "node_live");
    assertProblem(admin.post("/api/v1/admin/nodes/no-such-node/retire", "{}"), 404, "node_not_found");
    assertProblem(node("b").api().as(io.envkeeper.support.TestTokens.CLIENT_A).post("/api/v1/admin/nodes/" + gone.id + "/retire", "{}"),
        403, "forbidden");

    JsonNode listed = admin.get("/api/v1/admin/nodes").json().get("items");
    assertThat(listed.findValuesAsString("id")).contains(node("a").id, node("b").id, gone.id);

    gone.process.kill();
    await().atMost(CONVERGE).until(() -> admin.post("/api/v1/admin/nodes/" + gone.id + "/retire", "{}").status() == 200);

    JsonNode retired = admin.get(BASE + "/" + id).json();
    assertThat(retired.get("status").asString()).isEqualTo("DESTROYED");
    assertThat(retired.get("lastError").asString()).contains("retired");
    assertThat(retired.get("destroyReason").asString()).isEqualTo("node_retired");
    assertThat(admin.get("/api/v1/admin/nodes").json().get("items").findValuesAsString("id")).doesNotContain(gone.id);
    assertProblem(createPinnedTo(admin, gone.id), 409, "node_unavailable");
    for (int i = 0; i < 4; i++) {
      assertThat(admin.post(BASE, "{\"name\":\"after-" + i + "\"}").json().get("node").asString()).isNotEqualTo(gone.id);
    }
  }

  @Test
  @Order(7)
  void aRevokedTokensStreamThroughAnotherNodeEndsWhetherRevokedThereOrOnTheOwner() {
    Node owner = node("b");
    Node forwarding = node("a");
    for (Node revokingNode : List.of(forwarding, owner)) {
      Response issued = forwarding.api().post("/api/v1/admin/tokens", "{\"tenant\":\"tenant-a\",\"role\":\"client\"}");
      assertThat(issued.status()).as(issued.body()).isEqualTo(201);
      String token = issued.json().get("token").asString();
      Response created = forwarding.api().as(token).post(BASE, "{\"name\":\"revoked\",\"node\":\"" + owner.id + "\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String id = created.json().get("id").asString();
      try (EventStreamClient stream = EventStreamClient.connect(
              forwarding.api().uri(BASE + "/" + id + "/events"), null, Map.of("Authorization", "Bearer " + token));
          EventStreamClient kept = EventStreamClient.connect(forwarding.api().uri(BASE + "/" + id + "/events"), null)) {
        assertThat(stream.ended()).isFalse();

        Response revoked = revokingNode.api().delete("/api/v1/admin/tokens/" + issued.json().get("id").asString());
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);

        // Well inside the 60 s re-validation: ended by the revocation itself, on whichever node it was made.
        await("stream revoked through " + revokingNode.id).atMost(Duration.ofSeconds(10)).until(stream::ended);
        assertThat(kept.ended()).as("another token's stream goes on").isFalse();
      }
      assertThat(forwarding.api().delete(BASE + "/" + id + "?wait=PT30S").status()).isEqualTo(200);
    }
  }

  @Test
  @Order(8)
  void aPatchThroughAnotherNodeIsWhatTheOwnersExpiryGoesBy() {
    Node owner = node("b");
    ApiClient other = node("a").api();
    JsonNode created = other.post(BASE, "{\"name\":\"patched\",\"node\":\"" + owner.id + "\",\"ttl\":\"PT5H\"}").json();
    String id = created.get("id").asString();

    Response patched = other.send(HttpRequest.newBuilder(other.uri(BASE + "/" + id))
        .header("Content-Type", "application/merge-patch+json")
        .header("If-Match", created.get("version").asString())
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"ttl\":\"PT2H\"}")));
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    String expiresAt = patched.json().get("expiresAt").asString();

    // The owner's in-memory view (activity is forwarded to it) reads the deadline the PATCH wrote.
    Response activity = other.get(BASE + "/" + id + "/activity");
    assertThat(activity.status()).as(activity.body()).isEqualTo(200);
    assertThat(java.time.Instant.parse(activity.json().get("destroyAt").asString()))
        .isEqualTo(java.time.Instant.parse(expiresAt));
    assertThat(other.delete(BASE + "/" + id + "?wait=PT30S").status()).isEqualTo(200);
  }

  /**
   * The change feed through a node that does not own the environment: a cursor means what it means
   * on the owner (a future one is refused there), the owner's orderly restart ends the forwarded
   * stream without {@code destroyed}, and the client's cursor from before it gets, through the
   * other node, exactly what changed while the owner was down, numbered right after it.
   */
  @Test
  @Order(9)
  void aChangeFeedCursorMeansTheSameThroughAnotherNodeAcrossTheOwnersRestart() {
    Node owner = node("b");
    ApiClient other = node("a").api();
    JsonNode created = other.post(BASE, "{\"name\":\"feed\",\"node\":\"" + owner.id + "\"}").json();
    String id = created.get("id").asString();
    Path workspace = Path.of(created.get("path").asString());
    String events = BASE + "/" + id + "/events";
    long cursor;
    try (EventStreamClient stream = EventStreamClient.connect(other.uri(events), "0")) {
      placeFile(owner, workspace.resolve("before.txt"));
      stream.awaitEvent(CONVERGE, event -> event.name().equals("change") && event.data().contains("before.txt"));
      cursor = Long.parseLong(stream.named("change").get(stream.named("change").size() - 1).id());
      assertThat(other.get(BASE + "/" + id + "/workspace?since=0").json().get("changeSeq").asLong()).isEqualTo(cursor);

      assertProblem(other.get(BASE + "/" + id + "/workspace?since=" + (cursor + 1)), 400, "invalid_parameter");
      try (EventStreamClient ahead = EventStreamClient.connect(other.uri(events), Long.toString(cursor + 1))) {
        assertThat(ahead.status()).isEqualTo(400);
      }

      assertThat(owner.process.stop(Duration.ofSeconds(60))).as(owner.process.log()).isIn(0, 143);
      await().atMost(Duration.ofSeconds(10)).until(stream::ended);
      assertThat(stream.named("destroyed")).as("the environment lives on").isEmpty();
    }
    placeFile(owner, workspace.resolve("while-down.txt"));
    owner.start();
    await().atMost(CONVERGE).until(() -> other.get(BASE + "/" + id + "/workspace?since=" + cursor).status() == 200);

    JsonNode resumed = other.get(BASE + "/" + id + "/workspace?since=" + cursor).json();
    assertThat(resumed.get("changes").findValuesAsString("path")).containsExactly("while-down.txt");
    assertThat(resumed.get("changes").get(0).get("seq").asLong()).isEqualTo(cursor + 1);
    try (EventStreamClient stream = EventStreamClient.connect(other.uri(events), Long.toString(cursor))) {
      EventStreamClient.Event change =
          stream.awaitEvent(CONVERGE, event -> event.name().equals("change") && event.data().contains("while-down.txt"));
      assertThat(change.id()).isEqualTo(Long.toString(cursor + 1));
      assertThat(stream.named("change")).hasSize(1);
    }
    assertThat(other.delete(BASE + "/" + id + "?wait=PT30S").status()).isEqualTo(200);
  }

  /** A file written beside the workspace and moved in whole: one CREATE, nothing after it. */
  private static void placeFile(Node node, Path file) {
    try {
      Path written = Files.writeString(node.sandbox.home().resolve("placed-" + UUID.randomUUID()), "x");
      Files.move(written, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Response createPinnedTo(ApiClient api, String node) {
    return api.post(BASE, "{\"name\":\"pinned\",\"node\":\"" + node + "\"}");
  }

  private Node node(String name) {
    return nodes.get(name);
  }

  private static int readiness(ApiClient api) {
    try {
      return api.anonymous().get("/actuator/health/readiness").status();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Field 4 of /proc/<pid>/stat: the parent's pid. */}
