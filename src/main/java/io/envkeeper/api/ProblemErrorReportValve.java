package io.envkeeper.api;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's own error report, as problem+json instead of an HTML page: for requests Tomcat refuses
 * before any servlet runs (a request target with spaces, control characters or bad percent-encoding,
 * oversized headers, an absolute-form URI). Same shape as every other error of the API.
 */
class ProblemErrorReportValve extends ErrorReportValve {

  ProblemErrorReportValve() {
    setShowReport(false);
    setShowServerInfo(false);
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(false);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    try {
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(json(status));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The client is gone or the response cannot take a body: nothing more to say.
    }
  }

  /** Written by hand: this runs inside Tomcat, before and outside the application's converters. */
  static String json(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    String title = known == null ? "Error" : known.getReasonPhrase();
    String code = Problems.codeForStatus(status).code();
    String detail = status == 400 ? "the request is malformed (request line, URL encoding or headers)" : title;
    return "{\"type\":\"urn:envkeeper:problem:" + code + "\",\"title\":\"" + title + "\",\"status\":" + status
        + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}";
  }
}
