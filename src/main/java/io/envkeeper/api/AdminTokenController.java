package io.envkeeper.api;

import io.envkeeper.security.ClientRole;
import io.envkeeper.security.ClientTokens;
import io.envkeeper.security.IssuedToken;
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
class AdminTokenController {

  static final String BASE_PATH = "/api/v1/admin/tokens";

  private final ClientTokens tokens;

  AdminTokenController(ClientTokens tokens) {
    this.tokens = tokens;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<IssuedTokenResponse> issue(@Valid @RequestBody CreateTokenRequest request) {
    IssuedToken issued = tokens.issue(request.tenant(), ClientRole.of(request.role()), request.name());
    return ResponseEntity.created(URI.create(BASE_PATH + "/" + issued.record().getId()))
        .body(IssuedTokenResponse.of(issued));
  }

  @GetMapping
  TokenListResponse list() {
    return new TokenListResponse(tokens.list().stream().map(TokenResponse::of).toList());
  }

  /** Idempotent: revoking a revoked token answers the same 200. */
  @DeleteMapping("/{id}")
  TokenResponse revoke(@PathVariable String id) {
    return TokenResponse.of(tokens.revoke(RequestParameters.tokenId(id)));
  }
}
