package dev.causality.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.http.ErrorBody;
import dev.causality.projects.CreatedKey;
import dev.causality.projects.IngestKey;
import dev.causality.projects.MetadataException;
import dev.causality.projects.Project;
import dev.causality.projects.Projects;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The accounts API: sign-in, refresh and sign-out with cookies; the caller's own profile, password
 * and personal tokens; and, for admins, users, projects, ingestion keys and the audit log.
 */
public final class AccountRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Accounts accounts;
  private final Projects projects;
  private final boolean secureCookies;

  private AccountRoutes(Accounts accounts, Projects projects, boolean secureCookies) {
    this.accounts = requireNonNull(accounts, "accounts is null");
    this.projects = requireNonNull(projects, "projects is null");
    this.secureCookies = secureCookies;
  }

  public static void register(
      JavalinDefaultRoutingApi routes,
      Accounts accounts,
      Projects projects,
      boolean secureCookies) {
    AccountRoutes r = new AccountRoutes(accounts, projects, secureCookies);
    routes.post("/api/auth/login", r::login, Role.ANYONE);
    routes.post("/api/auth/refresh", r::refresh, Role.ANYONE);
    routes.post("/api/auth/logout", r::logout, Role.ANYONE);
    routes.get("/api/me", r::me, Role.VIEWER);
    routes.post("/api/me/password", r::password, Role.VIEWER);
    routes.get("/api/tokens", r::tokens, Role.VIEWER);
    routes.post("/api/tokens", r::createToken, Role.VIEWER);
    routes.delete("/api/tokens/{id}", r::revokeToken, Role.VIEWER);
    routes.get("/api/users", r::users, Role.ADMIN);
    routes.post("/api/users", r::createUser, Role.ADMIN);
    routes.patch("/api/users/{id}", r::updateUser, Role.ADMIN);
    routes.get("/api/audit", r::audit, Role.ADMIN);
    routes.get("/api/projects", r::projects, Role.VIEWER);
    routes.post("/api/projects", r::createProject, Role.ADMIN);
    routes.get("/api/projects/{id}/keys", r::keys, Role.ADMIN);
    routes.post("/api/projects/{id}/keys", r::createKey, Role.ADMIN);
    routes.delete("/api/keys/{id}", r::revokeKey, Role.ADMIN);
    routes.exception(AuthException.class, (e, ctx) -> ErrorBody.write(ctx, e));
  }

  // ---- sessions

  private void login(Context ctx) {
    JsonNode body = body(ctx);
    String email = text(body, "email", true);
    String password = text(body, "password", true);
    switch (accounts.signIn(email, password, ctx.ip())) {
      case Accounts.SignIn.Success s -> {
        setCookies(ctx, s.session());
        json(ctx, profile(s.user().principal()));
      }
      case Accounts.SignIn.Refused r ->
          throw new AuthException(401, "invalid_credentials", "", "email or password is wrong");
      case Accounts.SignIn.Locked l -> {
        ctx.header("Retry-After", Long.toString(l.retryAfter().toSeconds()));
        throw new AuthException(
            429,
            "locked",
            "",
            "too many failed sign-ins for this account; try again in "
                + l.retryAfter().toMinutes()
                + " minutes");
      }
    }
  }

  private void refresh(Context ctx) {
    Optional<Accounts.SignIn.Success> s =
        accounts.refresh(ctx.cookie(AccessControl.REFRESH_COOKIE), ctx.ip());
    if (s.isEmpty()) {
      clearCookies(ctx);
      throw new AuthException(401, "session_expired", "", "the session has ended; sign in again");
    }
    setCookies(ctx, s.get().session());
    json(ctx, profile(s.get().user().principal()));
  }

  private void logout(Context ctx) {
    accounts.signOut(
        Optional.ofNullable(ctx.cookie(AccessControl.REFRESH_COOKIE)),
        Optional.ofNullable(ctx.cookie(AccessControl.SESSION_COOKIE)),
        ctx.ip());
    clearCookies(ctx);
    ctx.status(204);
  }

  private void setCookies(Context ctx, Accounts.Session s) {
    cookie(ctx, AccessControl.SESSION_COOKIE, s.accessToken(), "/", Accounts.ACCESS_TTL);
    cookie(ctx, AccessControl.REFRESH_COOKIE, s.refreshToken(), "/api/auth", Accounts.REFRESH_TTL);
  }

  private void clearCookies(Context ctx) {
    cookie(ctx, AccessControl.SESSION_COOKIE, "", "/", Duration.ZERO);
    cookie(ctx, AccessControl.REFRESH_COOKIE, "", "/api/auth", Duration.ZERO);
  }

  /**
   * Host-only (no Domain), HttpOnly, SameSite=Strict, and Secure unless configured off for plain
   * http.
   */
  private void cookie(Context ctx, String name, String value, String path, Duration maxAge) {
    ctx.res()
        .addHeader(
            "Set-Cookie",
            name
                + "="
                + value
                + "; Path="
                + path
                + "; Max-Age="
                + Math.max(0, maxAge.toSeconds())
                + "; HttpOnly; SameSite=Strict"
                + (secureCookies ? "; Secure" : ""));
  }

  // ---- the caller

  private void me(Context ctx) {
    json(ctx, profile(Principal.of(ctx)));
  }

  private ObjectNode profile(Principal p) {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode user = out.putObject("user");
    user.put("id", p.userId());
    user.put("email", p.email());
    user.put("role", p.role().name().toLowerCase(Locale.ROOT));
    ArrayNode list = out.putArray("projects");
    for (Project project : projects.projects()) {
      if (p.canSee(project.id())) {
        list.addObject().put("id", project.id()).put("name", project.name());
      }
    }
    return out;
  }

  private void password(Context ctx) {
    JsonNode body = body(ctx);
    Principal p = Principal.of(ctx);
    Accounts.Session s =
        accounts.changePassword(
            p.userId(), text(body, "current", true), text(body, "next", true), ctx.ip());
    setCookies(ctx, s);
    ctx.status(204);
  }

  private void tokens(Context ctx) {
    ArrayNode out = JSON.createArrayNode();
    for (AccessToken t : accounts.tokens(Principal.of(ctx).userId())) {
      out.add(token(t));
    }
    json(ctx, JSON.createObjectNode().set("tokens", out));
  }

  private static ObjectNode token(AccessToken t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", t.id())
        .put("name", t.name())
        .put("prefix", t.prefix())
        .put("createdAt", t.createdAt().toString());
    o.put("lastUsedAt", t.lastUsedAt().map(Object::toString).orElse(null));
    o.put("revokedAt", t.revokedAt().map(Object::toString).orElse(null));
    return o;
  }

  private void createToken(Context ctx) {
    Accounts.CreatedToken t =
        accounts.createToken(Principal.of(ctx).userId(), text(body(ctx), "name", true), ctx.ip());
    ObjectNode out = token(t.token());
    out.put("token", t.secret());
    ctx.status(201);
    json(ctx, out);
  }

  private void revokeToken(Context ctx) {
    accounts.revokeToken(Principal.of(ctx).userId(), ctx.pathParam("id"), ctx.ip());
    ctx.status(204);
  }

  // ---- admin: users

  private void users(Context ctx) {
    ArrayNode out = JSON.createArrayNode();
    for (User u : accounts.users()) {
      out.add(user(u));
    }
    json(ctx, JSON.createObjectNode().set("users", out));
  }

  private static ObjectNode user(User u) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", u.id())
        .put("email", u.email())
        .put("role", u.role().name().toLowerCase(Locale.ROOT));
    ArrayNode ps = o.putArray("projects");
    u.projects().stream().sorted().forEach(ps::add);
    o.put("createdAt", u.createdAt().toString());
    o.put("disabled", !u.active());
    return o;
  }

  private void createUser(Context ctx) {
    JsonNode body = body(ctx);
    User u =
        accounts.createUser(
            Principal.of(ctx).userId(),
            text(body, "email", true),
            text(body, "password", true),
            role(body).orElse(Role.VIEWER),
            projectIds(body).orElse(Set.of()),
            ctx.ip());
    ctx.status(201);
    json(ctx, user(u));
  }

  private void updateUser(Context ctx) {
    JsonNode body = body(ctx);
    Optional<Boolean> disabled = Optional.empty();
    if (body.has("disabled")) {
      if (!body.get("disabled").isBoolean()) {
        throw AuthException.invalid("disabled", "must be true or false");
      }
      disabled = Optional.of(body.get("disabled").asBoolean());
    }
    User u =
        accounts.updateUser(
            Principal.of(ctx).userId(),
            ctx.pathParam("id"),
            role(body),
            disabled,
            projectIds(body),
            ctx.ip());
    json(ctx, user(u));
  }

  private static Optional<Role> role(JsonNode body) {
    if (!body.has("role")) {
      return Optional.empty();
    }
    String r = body.get("role").asText("").toUpperCase(Locale.ROOT);
    return switch (r) {
      case "VIEWER", "EDITOR", "ADMIN" -> Optional.of(Role.valueOf(r));
      default -> throw AuthException.invalid("role", "must be one of viewer, editor, admin");
    };
  }

  private Optional<Set<String>> projectIds(JsonNode body) {
    if (!body.has("projects")) {
      return Optional.empty();
    }
    JsonNode list = body.get("projects");
    if (!list.isArray() || list.size() > 1000) {
      throw AuthException.invalid("projects", "must be an array of project ids (at most 1000)");
    }
    Set<String> ids = new HashSet<>();
    for (JsonNode n : list) {
      if (!n.isTextual()) {
        throw AuthException.invalid("projects", "must hold project ids as strings");
      }
      ids.add(n.asText());
    }
    Set<String> known = new HashSet<>();
    projects.projects().forEach(p -> known.add(p.id()));
    for (String id : ids) {
      if (!known.contains(id)) {
        throw AuthException.invalid("projects", "names a project that does not exist: " + id);
      }
    }
    return Optional.of(ids);
  }

  private void audit(Context ctx) {
    int limit = (int) number(ctx, "limit", 1, 1000, 100);
    long before = number(ctx, "before", 0, Long.MAX_VALUE, 0);
    ArrayNode out = JSON.createArrayNode();
    for (AuditEntry e : accounts.audit(limit, before)) {
      out.addObject()
          .put("seq", e.seq())
          .put("at", e.at().toString())
          .put("actor", e.actor())
          .put("action", e.action())
          .put("target", e.target())
          .put("detail", e.detail())
          .put("ip", e.ip());
    }
    json(ctx, JSON.createObjectNode().set("entries", out));
  }

  // ---- projects and keys

  private void projects(Context ctx) {
    Principal p = Principal.of(ctx);
    ArrayNode out = JSON.createArrayNode();
    for (Project project : projects.projects()) {
      if (p.canSee(project.id())) {
        out.addObject()
            .put("id", project.id())
            .put("name", project.name())
            .put("createdAt", project.createdAt().toString());
      }
    }
    json(ctx, JSON.createObjectNode().set("projects", out));
  }

  private void createProject(Context ctx) {
    JsonNode body = body(ctx);
    String id = text(body, "id", true);
    String name = Optional.ofNullable(text(body, "name", false)).orElse(id);
    Project p;
    try {
      p = projects.createProject(id, name);
    } catch (IllegalArgumentException e) {
      throw AuthException.invalid("id", e.getMessage().replaceFirst("^project id ", ""));
    } catch (MetadataException e) {
      throw new AuthException(409, "project_exists", "id", e.getMessage());
    }
    accounts.record(Principal.of(ctx).userId(), "project.create", p.id(), p.name(), ctx.ip());
    ctx.status(201);
    json(
        ctx,
        JSON.createObjectNode()
            .put("id", p.id())
            .put("name", p.name())
            .put("createdAt", p.createdAt().toString()));
  }

  private String existingProject(Context ctx) {
    String id = ctx.pathParam("id");
    if (projects.projects().stream().noneMatch(p -> p.id().equals(id))) {
      throw AuthException.notFound("project " + id);
    }
    return id;
  }

  private void keys(Context ctx) {
    String project = existingProject(ctx);
    ArrayNode out = JSON.createArrayNode();
    for (IngestKey k : projects.keys()) {
      if (k.projectId().equals(project)) {
        out.add(key(k));
      }
    }
    json(ctx, JSON.createObjectNode().set("keys", out));
  }

  private static ObjectNode key(IngestKey k) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", k.id())
        .put("project", k.projectId())
        .put("name", k.name())
        .put("prefix", k.prefix());
    if (k.rateLimit().isPresent()) {
      o.put("rateLimit", k.rateLimit().getAsInt());
    } else {
      o.putNull("rateLimit");
    }
    o.put("createdAt", k.createdAt().toString());
    o.put("revokedAt", k.revokedAt().map(Object::toString).orElse(null));
    return o;
  }

  private void createKey(Context ctx) {
    String project = existingProject(ctx);
    JsonNode body = body(ctx);
    String name = Optional.ofNullable(text(body, "name", false)).orElse("key");
    if (name.isBlank() || name.length() > 100) {
      throw AuthException.invalid("name", "must be 1 to 100 characters");
    }
    OptionalInt rate = OptionalInt.empty();
    if (body.has("rateLimit") && !body.get("rateLimit").isNull()) {
      JsonNode r = body.get("rateLimit");
      if (!r.isIntegralNumber() || !r.canConvertToInt() || r.asInt() < 0) {
        throw AuthException.invalid(
            "rateLimit", "must be 0 (unlimited) or a whole number of events per second");
      }
      rate = OptionalInt.of(r.asInt());
    }
    CreatedKey k = projects.createKey(project, name, rate, Optional.empty());
    accounts.record(
        Principal.of(ctx).userId(),
        "key.create",
        k.key().id(),
        "project=" + project + " name=" + name,
        ctx.ip());
    ObjectNode out = key(k.key());
    out.put("secret", k.secret());
    ctx.status(201);
    json(ctx, out);
  }

  private void revokeKey(Context ctx) {
    String id = ctx.pathParam("id");
    if (!projects.revokeKey(id)) {
      throw AuthException.notFound("active key " + id);
    }
    accounts.record(Principal.of(ctx).userId(), "key.revoke", id, "", ctx.ip());
    ctx.status(204);
  }

  // ---- JSON

  private static long number(Context ctx, String name, long min, long max, long orElse) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return orElse;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw AuthException.invalid(
        name, "must be a whole number from " + min + " to " + max + ", was '" + v + "'");
  }

  private static JsonNode body(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > 64 * 1024) {
      throw AuthException.invalid("body", "must be at most 65536 bytes, was " + bytes.length);
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw AuthException.invalid("body", "must be a JSON object");
      }
      return n;
    } catch (java.io.IOException e) {
      throw AuthException.invalid("body", "is malformed JSON");
    }
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw AuthException.invalid(field, "is required");
      }
      return null;
    }
    if (!n.isTextual()) {
      throw AuthException.invalid(field, "must be a string");
    }
    if (n.asText().length() > 1000) {
      throw AuthException.invalid(field, "must be at most 1000 characters");
    }
    return n.asText();
  }

  private static void json(Context ctx, JsonNode value) {
    ctx.contentType("application/json").result(value.toString());
  }
}
