package io.envkeeper.api;

import io.envkeeper.security.ClientRole;
import io.envkeeper.security.ClientTokens;
import io.envkeeper.security.IssuedToken;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/admin/tokens} (admin role only): issue a token (shown once), list tokens without
 * secrets, revoke one (refused from the next request on).
 */
@RestController
@RequestMapping(path = AdminTokenController.BASE_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: tokens", description = "Issue, list and revoke client tokens (admin role only). The service"
    + " keeps only a token's SHA-256 hash; the token itself is shown once, when it is issued.")
record AdminTokenController(ClientTokens tokens) {

  static final String BASE_PATH = "/api/v1/admin/tokens";

  @Operation(operationId = "issueToken", summary = "Issue a token",
      description = "Answers the token itself, this once: store it, the service keeps only its hash.")
  @ApiResponse(responseCode = "201", description = "Issued", useReturnTypeSchema = true,
      headers = @Header(name = "Location", description = "The token's URL", schema = @Schema(type = "string")))
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<IssuedTokenResponse> issue(@Valid @RequestBody CreateTokenRequest request) {
    IssuedToken issued = tokens.issue(request.tenant(), ClientRole.of(request.role()), request.name());
    return ResponseEntity.created(URI.create(BASE_PATH + "/" + issued.record().getId()))
        .body(IssuedTokenResponse.of(issued));
  }

  @Operation(operationId = "listTokens", summary = "List tokens",
      description = "Every issued token, revoked ones included, oldest first: never a token, never a hash.")
  @ApiResponse(responseCode = "200", description = "The tokens", useReturnTypeSchema = true)
  @GetMapping
  TokenListResponse list() {
    return new TokenListResponse(tokens.list().stream().map(TokenResponse::of).toList());
  }

  /** Idempotent: revoking a revoked token answers the same 200. */
  @Operation(operationId = "revokeToken", summary = "Revoke a token",
      description = "Refused from the very next request on. Idempotent: revoking a revoked token answers the same.")
  @ApiResponse(responseCode = "200", description = "The revoked token", useReturnTypeSchema = true)
  @ProblemResponse(status = 404, codes = ProblemCode.TOKEN_NOT_FOUND)
  @DeleteMapping("/{id}")
  TokenResponse revoke(@Parameter(description = "Token id", schema = @Schema(format = "uuid")) @PathVariable String id) {
    return TokenResponse.of(tokens.revoke(RequestParameters.tokenId(id)));
  }
}
