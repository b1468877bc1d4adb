package dev.causality.auth;

import static java.util.Objects.requireNonNull;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.causality.projects.Projects;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * People and their access: users with bcrypt passwords, sign-in with lock-out, sessions (a JWT
 * access token and a rotating refresh token), personal access tokens, and the audit log.
 *
 * <p>Implementation note. A sign-in starts a session family; each refresh uses up its refresh token
 * and issues the next one in the same family. Using a token twice means it was copied, so the whole
 * family is revoked and both holders must sign in again. Access tokens name their family, and every
 * request checks (through a cache of {@code PRINCIPAL_CACHE}) that the family and the user are
 * still active, so sign-out, a password change or disabling a user takes effect within that time
 * even for access tokens not yet expired. Unknown emails and wrong passwords take the same path: a
 * bcrypt verification (against a fixed hash when there is no user) and the same answer; failures
 * count per email tried, so lock-out does not reveal which emails exist.
 */
public final class Accounts implements AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
  static final int BCRYPT_COST = 12;
  static final int MAX_FAILURES = 10;
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
  static final Duration ACCESS_TTL = Duration.ofMinutes(15);
  static final Duration REFRESH_TTL = Duration.ofDays(7);
  static final Duration PRINCIPAL_CACHE = Duration.ofSeconds(2);
  static final String TOKEN_PREFIX = "cat_";

  /**
   * A bcrypt hash (cost 12) of a random string nobody knows: verified against for unknown emails.
   */
  private static final String NOBODY =
      "$2a$12$pyAzO311QXxP.x2u63cbUO4NdAMcYfjcCjxFDfr1ZJ.xxW61bcalS";

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

  /**
   * A signed-in session: the two secrets for the cookies (valid {@link #ACCESS_TTL} and {@link
   * #REFRESH_TTL}) and the family they belong to.
   */
  public record Session(String accessToken, String refreshToken, String familyId) {}

  /** The answer to a sign-in. */
  public sealed interface SignIn {
    record Success(User user, Session session) implements SignIn {}

    /** Unknown email, wrong password or disabled user: one answer for all three. */
    record Refused() implements SignIn {}

    record Locked(Duration retryAfter) implements SignIn {}
  }

  /** A personal access token just created: the secret is in here and nowhere else. */
  public record CreatedToken(AccessToken token, String secret) {}

  private final AccountStore store;
  private final SessionTokens sessions;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final Cache<String, Optional<Principal>> principals;

  public Accounts(
      AccountStore store, byte[] signingSecret, InstantSource clock, RandomGenerator random) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.random = requireNonNull(random, "random is null");
    this.sessions = new SessionTokens(signingSecret, clock, ACCESS_TTL);
    this.principals =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(PRINCIPAL_CACHE).build();
  }

  // ---- first start

  /**
   * Creates the first admin when there are no users: {@code email} (default {@code
   * admin@localhost}) with {@code password}, or with a generated password printed once on {@code
   * console}.
   */
  public void bootstrap(Optional<String> email, Optional<String> password, PrintStream console) {
    if (store.countUsers() > 0) {
      return;
    }
    String e = email.filter(s -> !s.isBlank()).orElse("admin@localhost");
    String p = password.filter(s -> !s.isBlank()).orElseGet(() -> secret(18));
    User admin = createUser("system", e, p, Role.ADMIN, Set.of(), "");
    if (password.filter(s -> !s.isBlank()).isEmpty()) {
      console.println();
      console.println(
          "Created the first admin, "
              + admin.email()
              + ", with this password (shown once, change it after signing in):");
      console.println();
      console.println("    " + p);
      console.println();
    } else {
      LOG.info(
          "created the first admin {} from CAUSALITY_ADMIN_EMAIL/CAUSALITY_ADMIN_PASSWORD",
          admin.email());
    }
  }

  /** Makes {@code secret} (CAUSALITY_ADMIN_TOKEN) a personal token of the first active admin. */
  public void ensureAdminToken(String secret) {
    requireNonNull(secret, "secret is null");
    if (secret.length() < 16) {
      throw new IllegalArgumentException(
          "CAUSALITY_ADMIN_TOKEN must be at least 16 characters, was " + secret.length());
    }
    if (store.tokenByHash(Projects.hash(secret)).isPresent()) {
      return;
    }
    User admin =
        store.users().stream()
            .filter(u -> u.role() == Role.ADMIN && u.active())
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("no active admin to own CAUSALITY_ADMIN_TOKEN"));
    AccessToken t =
        new AccessToken(
            "tok_" + secret(9),
            admin.id(),
            "CAUSALITY_ADMIN_TOKEN",
            secret.substring(0, 4),
            clock.instant(),
            Optional.empty(),
            Optional.empty());
    store.insertToken(t, Projects.hash(secret));
    record("system", "token.create", admin.id(), "CAUSALITY_ADMIN_TOKEN", "");
  }

  // ---- sign-in and sessions

  public SignIn signIn(String email, String password, String ip) {
    String who = normalEmail(email);
    Instant now = clock.instant();
    if (store.failuresSince(who, now.minus(FAILURE_WINDOW)) >= MAX_FAILURES) {
      record(who, "user.sign_in_locked", "", "", ip);
      return new SignIn.Locked(FAILURE_WINDOW);
    }
    Optional<AccountStore.StoredUser> found = store.userByEmail(who);
    boolean passwordOk =
        verify(password, found.map(AccountStore.StoredUser::passwordHash).orElse(NOBODY));
    if (found.isEmpty() || !passwordOk || !found.get().user().active()) {
      store.insertFailure(who, now);
      // failures at or before the window's start never count again: the table holds only the window
      store.deleteFailuresUpTo(now.minus(FAILURE_WINDOW));
      record(who, "user.sign_in_failed", found.map(u -> u.user().id()).orElse(""), "", ip);
      return new SignIn.Refused();
    }
    User user = found.get().user();
    store.clearFailures(who);
    Session s = startSession(user.id());
    record(user.id(), "user.sign_in", user.id(), "", ip);
    return new SignIn.Success(user, s);
  }

  private Session startSession(String userId) {
    String family = "ses_" + secret(12);
    store.insertFamily(family, userId, clock.instant());
    return issue(userId, family);
  }

  private Session issue(String userId, String family) {
    Instant now = clock.instant();
    String refresh = secret(32);
    store.insertRefresh(Projects.hash(refresh), family, userId, now, now.plus(REFRESH_TTL));
    return new Session(sessions.issue(userId, family), refresh, family);
  }

  /**
   * Uses up {@code refreshToken} and issues the next session of its family; empty when the token is
   * unknown, expired, revoked, or already used — in which case the whole family is revoked.
   */
  public Optional<SignIn.Success> refresh(String refreshToken, String ip) {
    if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 200) {
      return Optional.empty();
    }
    String hash = Projects.hash(refreshToken);
    Optional<AccountStore.RefreshToken> row = store.refresh(hash);
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    AccountStore.RefreshToken r = row.get();
    if (!store.markRefreshUsed(hash, now)) {
      store.revokeFamily(r.familyId(), now, "refresh token replayed");
      principals.invalidateAll();
      record(
          r.userId(),
          "session.replay_detected",
          r.familyId(),
          "a used refresh token was presented again; the session is revoked",
          ip);
      return Optional.empty();
    }
    if (!r.expiresAt().isAfter(now) || !store.familyActive(r.familyId())) {
      return Optional.empty();
    }
    Optional<User> user =
        store.user(r.userId()).map(AccountStore.StoredUser::user).filter(User::active);
    return user.map(u -> new SignIn.Success(u, issue(u.id(), r.familyId())));
  }

  /**
   * Ends the session of {@code refreshToken} (or of {@code accessToken} when that is all there is).
   */
  public void signOut(Optional<String> refreshToken, Optional<String> accessToken, String ip) {
    Optional<String> family =
        refreshToken
            .filter(t -> t.length() <= 200)
            .flatMap(t -> store.refresh(Projects.hash(t)))
            .map(AccountStore.RefreshToken::familyId)
            .or(() -> accessToken.flatMap(sessions::verify).map(SessionTokens.Claims::familyId));
    family.ifPresent(f -> {
      store.revokeFamily(f, clock.instant(), "signed out");
      principals.invalidateAll();
      record(
          accessToken.flatMap(sessions::verify).map(SessionTokens.Claims::userId).orElse(""),
          "user.sign_out",
          f,
          "",
          ip);
    });
  }

  /** Who holds this access token (a session JWT), when it is valid and its session still active. */
  public Optional<Principal> authenticateSession(String accessToken) {
    return sessions
        .verify(accessToken)
        .flatMap(c ->
            principals.get(
                "s:" + c.userId() + ":" + c.familyId(),
                k -> store.familyActive(c.familyId()) ? activeUser(c.userId()) : Optional.empty()));
  }

  /** Who holds this personal access token, when it is active and its owner too. */
  public Optional<Principal> authenticateToken(String secret) {
    if (secret == null || secret.length() < 16 || secret.length() > 200) {
      return Optional.empty();
    }
    String hash = Projects.hash(secret);
    return principals.get(
        "t:" + hash,
        k ->
            store
                .tokenByHash(hash)
                .filter(AccessToken::active)
                .flatMap(t -> {
                  store.touchToken(t.id(), clock.instant());
                  return activeUser(t.userId());
                }));
  }

  private Optional<Principal> activeUser(String userId) {
    return store
        .user(userId)
        .map(AccountStore.StoredUser::user)
        .filter(User::active)
        .map(User::principal);
  }

  // ---- users

  public List<User> users() {
    return store.users();
  }

  public User user(String id) {
    return store
        .user(id)
        .map(AccountStore.StoredUser::user)
        .orElseThrow(() -> AuthException.notFound("user " + id));
  }

  public User createUser(
      String actor, String email, String password, Role role, Set<String> projects, String ip) {
    String e = normalEmail(email);
    if (e.length() > 254 || !EMAIL.matcher(e).matches()) {
      throw AuthException.invalid("email", "must be an email address of at most 254 characters");
    }
    checkPassword("password", password);
    requireNonNull(role, "role is null");
    if (role == Role.ANYONE) {
      throw AuthException.invalid("role", "must be one of viewer, editor, admin");
    }
    User u = new User("usr_" + secret(9), e, role, projects, clock.instant(), Optional.empty());
    store.insertUser(u, BCrypt.withDefaults().hashToString(BCRYPT_COST, password.toCharArray()));
    record(
        actor,
        "user.create",
        u.id(),
        "email=" + e + " role=" + role.name().toLowerCase(Locale.ROOT) + " projects=" + projects,
        ip);
    return u;
  }

  /** Changes a user's role, projects or disabled state; refuses to leave no active admin. */
  public User updateUser(
      String actor,
      String id,
      Optional<Role> role,
      Optional<Boolean> disabled,
      Optional<Set<String>> projects,
      String ip) {
    User before = user(id);
    boolean demoted = role.filter(r -> r != Role.ADMIN).isPresent() || disabled.orElse(false);
    if (before.role() == Role.ADMIN
        && before.active()
        && demoted
        && store.users().stream().filter(u -> u.role() == Role.ADMIN && u.active()).count() <= 1) {
      throw new AuthException(
          409, "last_admin", "role", "cannot demote or disable the last active admin");
    }
    role.ifPresent(r -> {
      if (r == Role.ANYONE) {
        throw AuthException.invalid("role", "must be one of viewer, editor, admin");
      }
      store.updateRole(id, r);
      record(
          actor,
          "user.role",
          id,
          before.role().name().toLowerCase(Locale.ROOT)
              + " -> "
              + r.name().toLowerCase(Locale.ROOT),
          ip);
    });
    projects.ifPresent(p -> {
      store.updateProjects(id, p);
      record(actor, "user.projects", id, before.projects() + " -> " + p, ip);
    });
    disabled.ifPresent(d -> {
      Instant now = clock.instant();
      store.updateDisabled(id, d ? Optional.of(now) : Optional.empty());
      if (d) {
        store.revokeFamiliesOf(id, now, "user disabled");
      }
      record(actor, d ? "user.disable" : "user.enable", id, "", ip);
    });
    principals.invalidateAll();
    return user(id);
  }

  /** Changes the caller's password after checking the current one; every session of theirs ends. */
  public Session changePassword(String userId, String current, String next, String ip) {
    AccountStore.StoredUser u =
        store.user(userId).orElseThrow(() -> AuthException.notFound("user " + userId));
    if (!verify(current, u.passwordHash())) {
      record(userId, "user.password_change_failed", userId, "", ip);
      throw new AuthException(403, "wrong_password", "current", "current password is wrong");
    }
    checkPassword("next", next);
    store.updatePasswordHash(
        userId, BCrypt.withDefaults().hashToString(BCRYPT_COST, next.toCharArray()));
    store.revokeFamiliesOf(userId, clock.instant(), "password changed");
    principals.invalidateAll();
    record(userId, "user.password_change", userId, "", ip);
    return startSession(userId);
  }

  /**
   * Sets a user's password without knowing the old one (an operator at the command line): ends
   * their sessions and lifts a lock-out. Returns the new password — {@code password} or a generated
   * one.
   */
  public String resetPassword(String actor, String email, Optional<String> password) {
    AccountStore.StoredUser u =
        store
            .userByEmail(normalEmail(email))
            .orElseThrow(() -> AuthException.notFound("user " + email));
    String p = password.orElseGet(() -> secret(18));
    checkPassword("password", p);
    store.updatePasswordHash(
        u.user().id(), BCrypt.withDefaults().hashToString(BCRYPT_COST, p.toCharArray()));
    store.revokeFamiliesOf(u.user().id(), clock.instant(), "password reset");
    store.clearFailures(u.user().email());
    principals.invalidateAll();
    record(actor, "user.password_reset", u.user().id(), "", "");
    return p;
  }

  static void checkPassword(String field, String password) {
    if (password == null) {
      throw AuthException.invalid(field, "is required (8 to 64 characters)");
    }
    int chars = password.codePointCount(0, password.length());
    if (chars < 8 || chars > 64) {
      throw AuthException.invalid(field, "must be 8 to 64 characters, was " + chars);
    }
    int bytes = password.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > 72) {
      throw AuthException.invalid(
          field, "must be at most 72 bytes in UTF-8 (bcrypt's limit), was " + bytes);
    }
  }

  private static boolean verify(String password, String hash) {
    if (password == null) {
      password = "";
    }
    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 72) {
      // Never a valid password; spend the same time anyway.
      BCrypt.verifyer().verify(new byte[] {'x'}, NOBODY.getBytes(StandardCharsets.UTF_8));
      return false;
    }
    return BCrypt.verifyer().verify(bytes, hash.getBytes(StandardCharsets.UTF_8)).verified;
  }

  // ---- personal access tokens

  public CreatedToken createToken(String userId, String name, String ip) {
    if (name == null || name.isBlank() || name.length() > 100) {
      throw AuthException.invalid("name", "must be 1 to 100 characters");
    }
    String secret = TOKEN_PREFIX + secret(32);
    AccessToken t =
        new AccessToken(
            "tok_" + secret(9),
            userId,
            name.strip(),
            secret.substring(0, 8),
            clock.instant(),
            Optional.empty(),
            Optional.empty());
    store.insertToken(t, Projects.hash(secret));
    record(userId, "token.create", t.id(), t.name(), ip);
    return new CreatedToken(t, secret);
  }

  public List<AccessToken> tokens(String userId) {
    return store.tokens(userId);
  }

  public void revokeToken(String userId, String tokenId, String ip) {
    if (!store.revokeToken(userId, tokenId, clock.instant())) {
      throw AuthException.notFound("active token " + tokenId);
    }
    principals.invalidateAll();
    record(userId, "token.revoke", tokenId, "", ip);
  }

  // ---- audit

  @Override
  public void record(String actor, String action, String target, String detail, String ip) {
    String d =
        detail == null ? "" : detail.length() > 4000 ? detail.substring(0, 4000) + "…" : detail;
    store.insertAudit(
        new AuditEntry(
            0,
            clock.instant(),
            actor == null ? "" : actor,
            action,
            target == null ? "" : target,
            d,
            ip == null ? "" : ip));
  }

  public List<AuditEntry> audit(int limit, long beforeSeq) {
    return store.audit(limit, beforeSeq);
  }

  // ---- helpers

  static String normalEmail(String email) {
    return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
  }

  private String secret(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
