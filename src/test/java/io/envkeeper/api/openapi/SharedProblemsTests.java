package io.envkeeper.api.openapi;

import static io.envkeeper.api.ProblemCode.ENVIRONMENT_BUSY;
import static io.envkeeper.api.ProblemCode.ENVIRONMENT_DESTROYED;
import static io.envkeeper.api.ProblemCode.ENVIRONMENT_NOT_FOUND;
import static io.envkeeper.api.ProblemCode.FORBIDDEN;
import static io.envkeeper.api.ProblemCode.INVALID_ID;
import static io.envkeeper.api.ProblemCode.MALFORMED_JSON;
import static io.envkeeper.api.ProblemCode.NODE_UNAVAILABLE;
import static io.envkeeper.api.ProblemCode.PAYLOAD_TOO_LARGE;
import static io.envkeeper.api.ProblemCode.UNAUTHORIZED;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.api.ProblemCode;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A new endpoint gets the contract's shared problems from where it sits, without a line of documentation. */
class SharedProblemsTests {

  @Test
  void everyApiCallCanBeUnauthorizedRateLimitedOrFindTheDatabaseAway() {
    Map<Integer, Set<ProblemCode>> codes = SharedProblems.of("/api/v1/environments", new Operation());

    assertThat(codes).containsOnlyKeys(400, 401, 429, 503);
    assertThat(codes.get(401)).containsExactly(UNAUTHORIZED);
    assertThat(codes.get(400)).doesNotContain(INVALID_ID, MALFORMED_JSON);
  }

  @Test
  void everyApiCallCanMeetANodeWithoutItsLeaseAndEveryCallUnderAnEnvironmentAnOwnerThatIsDown() {
    assertThat(SharedProblems.of("/api/v1/admin/tokens", new Operation()).get(503)).contains(NODE_UNAVAILABLE);
    assertThat(SharedProblems.of("/api/v1/environments/{id}/workers", new Operation()).get(503))
        .contains(NODE_UNAVAILABLE, ENVIRONMENT_BUSY);
  }

  @Test
  void aNewCallUnderAnEnvironmentAnswersNotFoundGoneAndBusy() {
    Operation keepalive = new Operation().addParametersItem(uuidPathParameter("id"));

    Map<Integer, Set<ProblemCode>> codes = SharedProblems.of("/api/v1/environments/{id}/keepalive", keepalive);

    assertThat(codes.get(404)).containsExactly(ENVIRONMENT_NOT_FOUND);
    assertThat(codes.get(410)).containsExactly(ENVIRONMENT_DESTROYED);
    assertThat(codes.get(503)).contains(ENVIRONMENT_BUSY);
    assertThat(codes.get(400)).contains(INVALID_ID);
  }

  @Test
  void theEnvironmentItselfIsNeverGone() {
    Map<Integer, Set<ProblemCode>> codes =
        SharedProblems.of("/api/v1/environments/{id}", new Operation().addParametersItem(uuidPathParameter("id")));

    assertThat(codes).containsKey(404).doesNotContainKey(410);
  }

  @Test
  void aBodyCanBeMalformedTooLargeOrOfAnotherType() {
    Map<Integer, Set<ProblemCode>> codes =
        SharedProblems.of("/api/v1/environments", new Operation().requestBody(new RequestBody()));

    assertThat(codes.get(400)).contains(MALFORMED_JSON);
    assertThat(codes.get(413)).containsExactly(PAYLOAD_TOO_LARGE);
    assertThat(codes).containsKey(415);
  }

  @Test
  void adminCallsAreForbiddenToClientsAndOnlyUuidPathParametersCanBeInvalidIds() {
    Operation retire = new Operation().addParametersItem(new Parameter().in("path").name("id").schema(new StringSchema()));

    Map<Integer, Set<ProblemCode>> codes = SharedProblems.of("/api/v1/admin/nodes/{id}/retire", retire);

    assertThat(codes.get(403)).containsExactly(FORBIDDEN);
    assertThat(codes.get(400)).doesNotContain(INVALID_ID);
    assertThat(codes).doesNotContainKeys(404, 410);
  }

  private static Parameter uuidPathParameter(String name) {
    return new Parameter().in("path").name(name).schema(new StringSchema().format("uuid"));
  }
}
