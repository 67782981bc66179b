package io.envkeeper.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents that an operation can answer {@link #status()} with one of {@link #codes()}, on top of
 * the problems every {@code /api/v1} operation shares (those the API description adds by itself:
 * 400 for a malformed URL, 401, 429, 503; 404/410 under an environment; 403 for admin calls). The
 * description renders it as an {@code application/problem+json} response with one example per code.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(ProblemResponses.class)
public @interface ProblemResponse {

  /** The HTTP status of the problem. */
  int status();

  /** The codes the operation can answer with at this status. */
  ProblemCode[] codes();
}
