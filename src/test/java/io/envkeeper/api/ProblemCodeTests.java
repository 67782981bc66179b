package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.expiry.ExpiryRequestException;
import io.envkeeper.worker.WorkerRequestException;
import io.envkeeper.workspace.InvalidWorkspacePathException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProblemCodeTests {

  @ParameterizedTest
  @EnumSource(ProblemCode.class)
  void everyCodeIsSnakeCaseAndDescribed(ProblemCode code) {
    assertThat(code.code()).matches("[a-z]+(_[a-z]+)*");
    assertThat(code.description()).isNotBlank();
  }

  @Test
  void featureReasonsNameTheCodeTheyAreAnsweredWith() {
    Arrays.stream(WorkerRequestException.Reason.values())
        .forEach(reason -> assertThat(ProblemCode.valueOf(reason.name()).code()).isEqualTo(reason.code()));
    Arrays.stream(InvalidWorkspacePathException.Reason.values())
        .forEach(reason -> assertThat(ProblemCode.valueOf(reason.name()).code()).isEqualTo(reason.code()));
    Arrays.stream(ExpiryRequestException.Reason.values())
        .forEach(reason -> assertThat(ProblemCode.valueOf(reason.name()).code()).isEqualTo(reason.code()));
  }

  @Test
  void frameworkErrorsGetTheGenericCodeOfTheirStatus() {
    assertThat(Problems.codeForStatus(404)).isEqualTo(ProblemCode.NOT_FOUND);
    assertThat(Problems.codeForStatus(418)).isEqualTo(ProblemCode.BAD_REQUEST);
    assertThat(Problems.codeForStatus(502)).isEqualTo(ProblemCode.INTERNAL_ERROR);
    assertThat(Problems.codeForStatus(412)).isEqualTo(ProblemCode.PRECONDITION_FAILED);
    assertThat(Problems.of(org.springframework.http.HttpStatus.GONE, ProblemCode.ENVIRONMENT_DESTROYED, "gone")
        .getProperties()).containsEntry("code", "environment_destroyed");
  }
}
