package io.envkeeper.security;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Keeps local development two commands: with no token configured and no active token in the
 * {@code client_token} table, the first start issues an admin token for tenant {@value #TENANT},
 * stores only its hash and prints the token once. Later starts on the same data only say where a
 * new token comes from. Off with {@code envkeeper.security.development-token=false}.
 */
@Component
record DevelopmentToken(SecurityProperties properties, ClientTokens clientTokens, Environment environment)
    implements ApplicationRunner {

  static final String TENANT = "default";
  static final String NAME = "development";

  private static final Logger log = LoggerFactory.getLogger(DevelopmentToken.class);

  @Override
  public void run(ApplicationArguments args) {
    if (!properties.tokens().isEmpty()) {
      log.info("security: {} configured token(s), {} issued token(s) active",
          properties.tokens().size(), clientTokens.countActive());
      return;
    }
    if (!properties.developmentToken()) {
      if (clientTokens.countActive() == 0) {
        log.warn("security: no token is configured or issued, so every API call will be refused;"
            + " configure envkeeper.security.tokens[i].{hash,tenant,role}");
      }
      return;
    }
    Optional<IssuedToken> issued = clientTokens.issueFirst(TENANT, ClientRole.ADMIN, NAME);
    if (issued.isPresent()) {
      printOnce(issued.get());
    } else {
      log.info("security: no token configured; {} issued token(s) active. The development token was"
          + " printed on the first start only. For a new token: POST /api/v1/admin/tokens with an admin"
          + " token, or configure envkeeper.security.tokens[i].{hash,tenant,role} (see docs/security.md)",
          clientTokens.countActive());
    }
  }

  private void printOnce(IssuedToken issued) {
    String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
    String banner =
        """

        ===============================================================================
         Development admin token (tenant '%s'). It is shown this once; only its hash
         is stored. Use it like this:

           TOKEN=%s
           curl -H "Authorization: Bearer $TOKEN" http://localhost:%s/api/v1/environments

         Lost it? Issue another with POST /api/v1/admin/tokens (admin token), or configure
         envkeeper.security.tokens[i].{hash,tenant,role}: see docs/security.md.
        ===============================================================================
        """
            .formatted(TENANT, issued.token(), port);
    log.warn("security: no token configured; issued development admin token {}{}", issued.record().getId(), banner);
  }
}
