package io.envkeeper.security;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ClientTokenRepository extends JpaRepository<ClientToken, UUID> {

  Optional<ClientToken> findByTokenHash(String tokenHash);

  long countByRevokedAtIsNull();

  @Query("SELECT t FROM ClientToken t ORDER BY t.createdAt, t.id")
  List<ClientToken> findAllInOrder();

  @Query("SELECT t.id FROM ClientToken t WHERE t.id IN :ids AND t.revokedAt IS NULL")
  List<UUID> findActiveIdsIn(@Param("ids") Collection<UUID> ids);
}
