package io.envkeeper.api;

import io.envkeeper.security.SecurityProperties;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Body of {@code POST /admin/tokens}.
 *
 * @param tenant the tenant the new token acts for
 * @param role {@code client} or {@code admin}
 * @param name optional label for people: 1-100 characters of {@code [A-Za-z0-9._ -]}
 */
public record CreateTokenRequest(
    @NotNull @Pattern(regexp = SecurityProperties.TENANT_FORMAT,
        message = "must be 1-63 characters of [A-Za-z0-9._-], starting with a letter or digit")
        String tenant,
    @NotNull @Pattern(regexp = "client|admin", message = "must be client or admin")
    @Schema(allowableValues = {"client", "admin"}) String role,
    @Pattern(regexp = "[A-Za-z0-9._ -]{1,100}", message = "must be 1-100 characters of [A-Za-z0-9._ -]")
        String name) {}
