package io.envkeeper.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page ({@code /error}, where Tomcat forwards a {@code sendError}, such as a
 * {@code TRACE} it refuses) answers problem+json like the rest of the API, in place of Boot's
 * default JSON error body. It says what failed by status only, never why in Java terms.
 */
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping(path = "${server.error.path:/error}", produces = MediaType.APPLICATION_PROBLEM_JSON_VALUE)
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    // Called directly, not forwarded by the container for an error: there is nothing here.
    int status = code instanceof Integer value && value >= 400 ? value : 404;
    HttpStatus known = HttpStatus.resolve(status);
    String detail = known == null ? "the request could not be served" : known.getReasonPhrase();
    ProblemDetail problem = Problems.of(HttpStatusCode.valueOf(status), Problems.codeForStatus(status), detail);
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }
}
