package io.envkeeper.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The {@code detail} of errors Spring MVC raises itself, written for the API's clients: what was
 * wrong with the request, in its own terms (a method, a media type, a parameter name), never the
 * framework's message, which may quote parser internals or Java type names.
 */
final class FrameworkErrors {

  private FrameworkErrors() {}

  static String detail(Exception e, HttpStatusCode status) {
    if (e instanceof HttpRequestMethodNotSupportedException method) {
      return "method " + method.getMethod() + " is not allowed on this resource (see Allow)";
    }
    if (e instanceof HttpMediaTypeNotSupportedException) {
      return "the request body must be sent as Content-Type: application/json";
    }
    if (e instanceof HttpMediaTypeNotAcceptableException) {
      return "the response cannot be given in any media type the Accept header allows";
    }
    if (e instanceof NoResourceFoundException || e instanceof NoHandlerFoundException) {
      return "no such route";
    }
    if (e instanceof MissingServletRequestParameterException missing) {
      return "query parameter '" + missing.getParameterName() + "' is required";
    }
    if (e instanceof MissingRequestHeaderException missing) {
      return "header '" + missing.getHeaderName() + "' is required";
    }
    if (e instanceof MethodArgumentTypeMismatchException mismatch) {
      return "parameter '" + mismatch.getName() + "' has the wrong format";
    }
    if (e instanceof AsyncRequestTimeoutException) {
      return "the request took too long";
    }
    HttpStatus known = HttpStatus.resolve(status.value());
    return known == null ? "the request could not be served" : known.getReasonPhrase();
  }
}
