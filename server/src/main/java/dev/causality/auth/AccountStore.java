package dev.causality.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where people, their sessions, tokens, sign-in failures and the audit log are kept. */
public interface AccountStore extends AutoCloseable {

  /** A user with the bcrypt hash of their password, for sign-in only. */
  record StoredUser(User user, String passwordHash) {}

  /** One issued refresh token, by the SHA-256 of its secret. */
  record RefreshToken(
      String tokenHash,
      String familyId,
      String userId,
      Instant expiresAt,
      Optional<Instant> usedAt) {}

  void insertUser(User user, String passwordHash);

  Optional<StoredUser> userByEmail(String email);

  Optional<StoredUser> user(String id);

  List<User> users();

  long countUsers();

  void updateRole(String userId, Role role);

  void updateDisabled(String userId, Optional<Instant> disabledAt);

  void updateProjects(String userId, Set<String> projects);

  void updatePasswordHash(String userId, String passwordHash);

  void insertFamily(String familyId, String userId, Instant at);

  /** Whether the sign-in session {@code familyId} exists and was not revoked. */
  boolean familyActive(String familyId);

  void revokeFamily(String familyId, Instant at, String why);

  void revokeFamiliesOf(String userId, Instant at, String why);

  void insertRefresh(
      String tokenHash, String familyId, String userId, Instant createdAt, Instant expiresAt);

  Optional<RefreshToken> refresh(String tokenHash);

  /** Marks the token used; false when it already was (a replay), so rotation is atomic. */
  boolean markRefreshUsed(String tokenHash, Instant at);

  void insertToken(AccessToken token, String tokenHash);

  Optional<AccessToken> tokenByHash(String tokenHash);

  List<AccessToken> tokens(String userId);

  boolean revokeToken(String userId, String tokenId, Instant at);

  void touchToken(String tokenId, Instant at);

  void insertFailure(String email, Instant at);

  /** The failed sign-ins of {@code email} after {@code since} (at millisecond precision). */
  int failuresSince(String email, Instant since);

  /** Deletes the failed sign-ins of every email at or before {@code until}; returns how many. */
  int deleteFailuresUpTo(Instant until);

  void clearFailures(String email);

  void insertAudit(AuditEntry entry);

  /** The newest entries first, older than {@code beforeSeq} (0 = from the newest). */
  List<AuditEntry> audit(int limit, long beforeSeq);

  @Override
  void close();
}
