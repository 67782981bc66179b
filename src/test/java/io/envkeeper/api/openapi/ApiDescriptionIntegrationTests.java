package io.envkeeper.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.api.ProblemCode;
import io.envkeeper.support.IntegrationTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The API description served at {@code /v3/api-docs}, as a client generator reads it: names,
 * statuses, security and problem responses of the contract (API.md), not springdoc's defaults.
 * The build also lints it with Redocly ({@code ApiDescriptionJarTests}).
 */
class ApiDescriptionIntegrationTests extends IntegrationTest {

  private static final String ENVIRONMENTS = "/api/v1/environments";
  private static final String ENVIRONMENT = ENVIRONMENTS + "/{id}";
  private static final String WORKERS = ENVIRONMENT + "/workers";
  private static final String WORKER = WORKERS + "/{wid}";
  private static final String TOKENS = "/api/v1/admin/tokens";
  private static final String NODES = "/api/v1/admin/nodes";

  private JsonNode document;

  @BeforeEach
  void fetch() {
    var response = api().anonymous().get("/v3/api-docs");
    assertThat(response.status()).isEqualTo(200);
    document = response.json();
  }

  @Test
  void describesTheServiceWithATitleAVersionAndARelativeServer() {
    JsonNode info = document.get("info");
    assertThat(info.get("title").asString()).isEqualTo("Envkeeper API");
    assertThat(info.get("version").asString()).isNotBlank().isNotEqualTo("v0");
    assertThat(info.get("description").asString()).contains("Authorization: Bearer");
    assertThat(document.at("/servers/0/url").asString()).isEqualTo("/");
  }

  @Test
  void everyOperationHasTheStableOperationIdOfTheContract() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("post " + ENVIRONMENTS, "createEnvironment");
    expected.put("get " + ENVIRONMENTS, "listEnvironments");
    expected.put("get " + ENVIRONMENT, "getEnvironment");
    expected.put("delete " + ENVIRONMENT, "destroyEnvironment");
    expected.put("patch " + ENVIRONMENT, "updateEnvironment");
    expected.put("get " + ENVIRONMENT + "/activity", "getActivity");
    expected.put("post " + ENVIRONMENT + "/keepalive", "keepalive");
    expected.put("get " + ENVIRONMENT + "/workspace", "getWorkspace");
    expected.put("get " + ENVIRONMENT + "/events", "streamEvents");
    expected.put("post " + WORKERS, "startWorker");
    expected.put("get " + WORKERS, "listWorkers");
    expected.put("get " + WORKER, "getWorker");
    expected.put("delete " + WORKER, "stopWorker");
    expected.put("get " + WORKER + "/log", "getWorkerLog");
    expected.put("post " + TOKENS, "issueToken");
    expected.put("get " + TOKENS, "listTokens");
    expected.put("delete " + TOKENS + "/{id}", "revokeToken");
    expected.put("get " + NODES, "listNodes");
    expected.put("post " + NODES + "/{id}/retire", "retireNode");

    expected.forEach((operation, id) ->
        assertThat(operation(operation).path("operationId").asString()).as(operation).isEqualTo(id));
  }

  @Test
  void everyApiOperationRequiresTheBearerTokenAndDocumentsItsRefusal() {
    assertThat(document.at("/components/securitySchemes/bearer/type").asString()).isEqualTo("http");
    assertThat(document.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
    Set<String> definedTags = new TreeSet<>();
    document.get("tags").forEach(tag -> definedTags.add(tag.get("name").asString()));

    List<String> operations = apiOperations();
    assertThat(operations).hasSizeGreaterThanOrEqualTo(19);
    for (String name : operations) {
      JsonNode operation = operation(name);
      assertThat(operation.at("/security/0/bearer").isArray()).as(name).isTrue();
      assertThat(operation.path("summary").asString()).as(name).isNotBlank();
      assertThat(operation.path("tags")).as(name).isNotEmpty();
      operation.path("tags").forEach(tag -> assertThat(definedTags).as(name).contains(tag.asString()));
      assertProblem(name, "401", ProblemCode.UNAUTHORIZED);
      assertProblem(name, "429", ProblemCode.RATE_LIMITED);
      assertProblem(name, "503", ProblemCode.DATABASE_UNAVAILABLE);
    }
  }

  @Test
  void problemCodesAreExactlyTheCodesTheServiceSends() {
    JsonNode codes = document.at("/components/schemas/ProblemCode/enum");
    List<String> listed = new ArrayList<>();
    codes.forEach(code -> listed.add(code.asString()));
    assertThat(listed).containsExactlyElementsOf(Arrays.stream(ProblemCode.values()).map(ProblemCode::code).toList());
    assertThat(document.at("/components/schemas/Problem/properties/code/$ref").asString())
        .isEqualTo("#/components/schemas/ProblemCode");
    assertThat(document.at("/components/schemas/Problem/required").toString())
        .contains("\"type\"", "\"title\"", "\"status\"", "\"detail\"", "\"code\"");
  }

  @Test
  void operationsDocumentEveryStatusTheContractDefines() {
    assertThat(statuses("post " + ENVIRONMENTS))
        .containsExactly("201", "400", "401", "409", "413", "415", "422", "429", "503");
    assertProblem("post " + ENVIRONMENTS, "409", ProblemCode.PATH_IN_USE, ProblemCode.ENVIRONMENT_LIMIT_REACHED);
    assertProblem("post " + ENVIRONMENTS, "422", ProblemCode.IDEMPOTENCY_KEY_REUSED);
    assertProblem("post " + ENVIRONMENTS, "400", ProblemCode.PATH_NOT_ALLOWED, ProblemCode.VALIDATION_FAILED,
        ProblemCode.UNKNOWN_FIELD, ProblemCode.MALFORMED_JSON, ProblemCode.INVALID_URL);
    assertThat(operation("post " + ENVIRONMENTS).at("/responses/201/headers/Location")).isNotEmpty();
    assertThat(operation("post " + ENVIRONMENTS).at("/responses/201/content/application~1json/schema/$ref").asString())
        .isEqualTo("#/components/schemas/EnvironmentResponse");

    assertThat(statuses("get " + ENVIRONMENT)).containsExactly("200", "400", "401", "404", "429", "503");
    assertProblem("get " + ENVIRONMENT, "404", ProblemCode.ENVIRONMENT_NOT_FOUND);
    assertProblem("get " + ENVIRONMENT, "400", ProblemCode.INVALID_ID);

    assertThat(statuses("delete " + ENVIRONMENT)).contains("200", "202", "404").doesNotContain("410");
    assertThat(statuses("get " + ENVIRONMENT + "/workspace")).contains("200", "404", "410");
    assertProblem("get " + ENVIRONMENT + "/workspace", "410", ProblemCode.ENVIRONMENT_DESTROYED);

    assertThat(statuses("post " + WORKERS)).contains("201", "400", "404", "409", "410", "500");
    assertProblem("post " + WORKERS, "400", ProblemCode.UNKNOWN_PROFILE, ProblemCode.INVALID_ARGS);
    assertProblem("post " + WORKERS, "409",
        ProblemCode.WORKER_LIMIT_REACHED, ProblemCode.WORKSPACE_MISSING, ProblemCode.WORKSPACE_MOVED);
    assertThat(statuses("delete " + WORKER)).contains("200", "202", "404", "410");
    assertProblem("get " + WORKER, "404", ProblemCode.ENVIRONMENT_NOT_FOUND, ProblemCode.WORKER_NOT_FOUND);

    assertProblem("post " + TOKENS, "403", ProblemCode.FORBIDDEN);
    assertProblem("delete " + TOKENS + "/{id}", "404", ProblemCode.TOKEN_NOT_FOUND);
    assertThat(statuses("get " + ENVIRONMENTS)).doesNotContain("403", "404", "410");
  }

  @Test
  void expiryCallsDocumentTheirConditionsAndProblems() {
    assertThat(statuses("patch " + ENVIRONMENT)).contains("200", "400", "404", "410", "412").doesNotContain("201");
    assertProblem("patch " + ENVIRONMENT, "412", ProblemCode.PRECONDITION_FAILED);
    assertProblem("patch " + ENVIRONMENT, "410", ProblemCode.ENVIRONMENT_DESTROYED);
    assertProblem("patch " + ENVIRONMENT, "400", ProblemCode.INVALID_DURATION, ProblemCode.TTL_ABOVE_MAX,
        ProblemCode.IDLE_TIMEOUT_ABOVE_MAX, ProblemCode.INVALID_PARAMETER, ProblemCode.VALIDATION_FAILED);
    assertThat(parameter("patch " + ENVIRONMENT, "If-Match").path("in").asString()).isEqualTo("header");
    JsonNode patchBody = operation("patch " + ENVIRONMENT).at("/requestBody/content");
    assertThat(patchBody.propertyNames()).contains("application/json", "application/merge-patch+json");
    assertThat(document.at("/components/schemas/UpdateEnvironmentRequest/properties").propertyNames())
        .containsExactlyInAnyOrder("ttl", "idleTimeout", "labels");
    assertThat(document.at("/components/schemas/UpdateEnvironmentRequest/properties/ttl/type").toString())
        .contains("null");
    assertProblem("post " + ENVIRONMENTS, "400", ProblemCode.INVALID_DURATION, ProblemCode.TTL_ABOVE_MAX);
    assertThat(document.at("/components/schemas/CreateEnvironmentRequest/properties").propertyNames())
        .contains("ttl", "idleTimeout");

    for (String expiry : List.of("get " + ENVIRONMENT + "/activity", "post " + ENVIRONMENT + "/keepalive")) {
      assertProblem(expiry, "410", ProblemCode.ENVIRONMENT_DESTROYED);
      assertProblem(expiry, "503", ProblemCode.NODE_UNAVAILABLE);
      assertThat(operation(expiry).at("/responses/200/content/application~1json/schema/$ref").asString())
          .as(expiry).isEqualTo("#/components/schemas/ActivityResponse");
    }
    assertThat(document.at("/components/schemas/ActivityResponse/required").toString())
        .contains("\"lastActivityAt\"", "\"idleSince\"", "\"destroyAt\"", "\"keptAliveBy\"");
    JsonNode environment = document.at("/components/schemas/EnvironmentResponse/properties");
    assertThat(environment.propertyNames()).contains("expiresAt", "idleTimeout", "lastActivityAt", "destroyReason");
    assertThat(environment.at("/destroyReason/enum").toString()).contains("client", "ttl", "idle", "node_retired");
  }

  @Test
  void clusterCallsDocumentTheirNodesAndProblems() {
    for (String forwarded : List.of("get " + ENVIRONMENT + "/workspace", "get " + ENVIRONMENT + "/events",
        "post " + WORKERS, "delete " + WORKER, "get " + WORKER + "/log", "delete " + ENVIRONMENT)) {
      assertProblem(forwarded, "503", ProblemCode.NODE_UNAVAILABLE);
      assertThat(operation(forwarded).at("/responses/503/headers/Retry-After")).as(forwarded).isNotEmpty();
    }
    assertProblem("post " + ENVIRONMENTS, "409", ProblemCode.NODE_UNAVAILABLE);
    JsonNode node = document.at("/components/schemas/CreateEnvironmentRequest/properties/node");
    assertThat(node.path("type").asString()).isEqualTo("string");
    assertThat(node.path("maxLength").asInt()).isEqualTo(253);
    assertThat(node.path("description").asString()).contains("node_unavailable");

    assertProblem("post " + NODES + "/{id}/retire", "409", ProblemCode.NODE_LIVE);
    assertProblem("post " + NODES + "/{id}/retire", "404", ProblemCode.NODE_NOT_FOUND);
    assertProblem("get " + NODES, "403", ProblemCode.FORBIDDEN);
    assertThat(statuses("get " + NODES)).doesNotContain("404", "409", "410");
    JsonNode counts = document.at("/components/schemas/EnvironmentCounts");
    assertThat(counts.get("properties").propertyNames()).containsExactlyInAnyOrder("READY", "DESTROYING");
    assertThat(document.at("/components/schemas/NodeResponse/required").toString())
        .contains("\"id\"", "\"advertiseUrl\"", "\"live\"", "\"environments\"");
  }

  @Test
  void workerLogIsPlainTextOrAFollowedEventStream() {
    JsonNode operation = operation("get " + WORKER + "/log");
    JsonNode ok = operation.at("/responses/200/content");
    assertThat(ok.propertyNames()).containsExactlyInAnyOrder("text/plain", "text/event-stream");
    assertThat(ok.at("/text~1plain/schema/type").asString()).isEqualTo("string");
    assertThat(ok.at("/text~1event-stream/schema/$ref").asString()).isEqualTo("#/components/schemas/WorkerLogEvent");
    assertThat(operation.get("parameters").toString()).contains("\"follow\"", "Last-Event-ID", "\"tail\"");
    JsonNode event = document.at("/components/schemas/WorkerLogEvent");
    assertThat(event.at("/discriminator/propertyName").asString()).isEqualTo("event");
    assertThat(event.at("/discriminator/mapping/line").asString()).isEqualTo("#/components/schemas/LogLineEvent");
    assertThat(event.at("/discriminator/mapping/truncated").asString()).isEqualTo("#/components/schemas/LogTruncatedEvent");
    assertThat(event.at("/discriminator/mapping/exit").asString()).isEqualTo("#/components/schemas/LogExitEvent");
    assertThat(document.at("/components/schemas/LogLineEventData/properties").propertyNames()).containsExactly("text");
    assertThat(document.at("/components/schemas/LogExitEventData/properties").propertyNames())
        .containsExactlyInAnyOrder("status", "exitCode", "signal");
    assertThat(document.at("/components/schemas/LogExitEventData/required").size()).isEqualTo(3);
    assertProblem("get " + WORKER + "/log", "404", ProblemCode.WORKER_NOT_FOUND);
    assertProblem("get " + WORKER + "/log", "400", ProblemCode.INVALID_PARAMETER);
  }

  @Test
  void eventStreamIsDescribedAsServerSentEventsWithOneSchemaPerEvent() {
    JsonNode operation = operation("get " + ENVIRONMENT + "/events");
    JsonNode content = operation.at("/responses/200/content");
    assertThat(content.propertyNames()).containsExactly("text/event-stream");
    assertThat(content.at("/text~1event-stream/schema/$ref").asString())
        .isEqualTo("#/components/schemas/EnvironmentEvent");
    JsonNode event = document.at("/components/schemas/EnvironmentEvent");
    assertThat(event.at("/discriminator/propertyName").asString()).isEqualTo("event");
    assertThat(event.get("oneOf").toString()).contains("ChangeEvent", "WorkerEvent", "ExpiringEvent", "DestroyedEvent");
    assertThat(event.at("/discriminator/mapping/worker").asString()).isEqualTo("#/components/schemas/WorkerEvent");
    assertThat(document.at("/components/schemas/WorkerEventData/properties").propertyNames())
        .containsExactlyInAnyOrder("workerId", "status", "pid", "exitCode", "signal", "restarts");
    assertThat(document.at("/components/schemas/WorkerEventData/required").size()).isEqualTo(6);
    assertThat(document.at("/components/schemas/WorkerEvent/properties").has("id")).isFalse();
    assertThat(event.at("/discriminator/mapping/expiring").asString()).isEqualTo("#/components/schemas/ExpiringEvent");
    assertThat(document.at("/components/schemas/ExpiringEvent/properties/data/$ref").asString())
        .isEqualTo("#/components/schemas/ExpiringEventData");
    assertThat(document.at("/components/schemas/ExpiringEventData/properties").propertyNames())
        .containsExactlyInAnyOrder("destroyAt", "reason");
    assertThat(document.at("/components/schemas/ChangeEvent/properties/data/$ref").asString())
        .isEqualTo("#/components/schemas/WorkspaceChange");
    assertThat(document.at("/components/schemas/ChangeEvent/properties/event/enum/0").asString()).isEqualTo("change");
    assertThat(operation.get("parameters").toString()).contains("Last-Event-ID");
  }

  @Test
  void statusesAndKindsAreNamedEnums() {
    assertThat(enumValues("EnvironmentStatus")).containsExactly("READY", "DESTROYING", "DESTROYED");
    assertThat(enumValues("WorkerStatus")).contains("RUNNING", "BACKOFF", "STOPPING", "EXITED", "LOST");
    assertThat(enumValues("ChangeKind")).containsExactly("CREATE", "MODIFY", "DELETE", "OVERFLOW");
    assertThat(enumValues("WatcherState")).contains("WATCHING", "POLLING", "RETRYING", "FAILED");
    assertThat(document.at("/components/schemas/EnvironmentResponse/properties/status/$ref").asString())
        .isEqualTo("#/components/schemas/EnvironmentStatus");
    JsonNode statusParameter = parameter("get " + ENVIRONMENTS, "status");
    assertThat(statusParameter.at("/schema/$ref").asString()).isEqualTo("#/components/schemas/EnvironmentStatus");
  }

  @Test
  void responsePropertiesAreAlwaysPresentAndNullOnlyWhereTheyCanBe() {
    JsonNode environment = document.at("/components/schemas/EnvironmentResponse");
    List<String> required = new ArrayList<>();
    environment.get("required").forEach(name -> required.add(name.asString()));
    assertThat(required).containsExactlyInAnyOrderElementsOf(environment.get("properties").propertyNames());
    assertThat(environment.at("/properties/lastError/type").toString()).isEqualTo("[\"string\",\"null\"]");
    assertThat(environment.at("/properties/destroyedAt/type").toString()).contains("null");
    assertThat(environment.at("/properties/name/type").asString()).isEqualTo("string");
    assertThat(document.at("/components/schemas/WorkerResponse/properties/exitCode/type").toString()).contains("null");
    assertThat(document.at("/components/schemas/EnvironmentListResponse/properties/nextCursor/type").toString())
        .contains("null");

    JsonNode request = document.at("/components/schemas/CreateEnvironmentRequest");
    assertThat(request.get("required").toString()).isEqualTo("[\"name\"]");
    assertThat(request.at("/properties/name/pattern").asString()).isEqualTo("^(?:[A-Za-z0-9._-]{1,100})$");
  }

  @Test
  void workersDescribeSupervision() {
    JsonNode worker = document.at("/components/schemas/WorkerResponse");
    assertThat(worker.get("properties").propertyNames()).contains("restarts", "ready", "readyAt");
    List<String> required = new ArrayList<>();
    worker.get("required").forEach(name -> required.add(name.asString()));
    assertThat(required).containsExactlyInAnyOrderElementsOf(worker.get("properties").propertyNames());
    assertThat(worker.at("/properties/restarts/type").asString()).isEqualTo("integer");
    assertThat(worker.at("/properties/ready/type").asString()).isEqualTo("boolean");
    assertThat(worker.at("/properties/readyAt/type").toString()).contains("null");

    JsonNode waitReady = parameter("post " + WORKERS, "waitReady");
    assertThat(waitReady.get("in").asString()).isEqualTo("query");
    assertThat(waitReady.get("description").asString()).contains("PT60S");
    assertProblem("post " + WORKERS, "400", ProblemCode.INVALID_PARAMETER, ProblemCode.UNKNOWN_PROFILE);
  }

  @Test
  void everyProblemResponseHasAnExamplePerCode() {
    for (String name : apiOperations()) {
      operation(name).get("responses").properties().forEach(entry -> {
        JsonNode codes = entry.getValue().path("x-problem-codes");
        if (codes.isArray()) {
          JsonNode examples = entry.getValue().at("/content/application~1problem+json/examples");
          codes.forEach(code -> assertThat(examples.at("/" + code.asString() + "/value/code").asString())
              .as(name + " " + entry.getKey()).isEqualTo(code.asString()));
        }
      });
    }
  }

  private void assertProblem(String operation, String status, ProblemCode... codes) {
    JsonNode response = operation(operation).at("/responses/" + status);
    assertThat(response.isMissingNode()).as(operation + " documents " + status).isFalse();
    assertThat(response.at("/content/application~1problem+json/schema/$ref").asString())
        .as(operation + " " + status).isEqualTo("#/components/schemas/Problem");
    List<String> listed = new ArrayList<>();
    response.path("x-problem-codes").forEach(code -> listed.add(code.asString()));
    assertThat(listed).as(operation + " " + status)
        .containsAll(Arrays.stream(codes).map(ProblemCode::code).toList());
  }

  private List<String> statuses(String operation) {
    return new ArrayList<>(operation(operation).get("responses").propertyNames());
  }

  private List<String> enumValues(String schema) {
    List<String> values = new ArrayList<>();
    document.at("/components/schemas/" + schema + "/enum").forEach(value -> values.add(value.asString()));
    return values;
  }

  private JsonNode parameter(String operation, String name) {
    for (JsonNode parameter : operation(operation).path("parameters")) {
      if (parameter.get("name").asString().equals(name)) {
        return parameter;
      }
    }
    throw new AssertionError(operation + " has no parameter " + name);
  }

  /** "method path" of every operation under /api/v1. */
  private List<String> apiOperations() {
    List<String> operations = new ArrayList<>();
    document.get("paths").properties().forEach(path -> {
      if (path.getKey().startsWith("/api/v1/")) {
        path.getValue().propertyNames().forEach(method -> operations.add(method + " " + path.getKey()));
      }
    });
    return operations;
  }

  private JsonNode operation(String methodAndPath) {
    String[] parts = methodAndPath.split(" ", 2);
    JsonNode operation = document.path("paths").path(parts[1]).path(parts[0]);
    assertThat(operation.isMissingNode()).as(methodAndPath + " is described").isFalse();
    return operation;
  }
}
