package dev.causality.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.server.CausalityServer;
import dev.causality.server.Config;
import dev.causality.server.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls every {@code /api/*} and {@code /v1/analytics/*} route the server registers as anonymous,
 * viewer, editor and admin of project {@code alpha}, and as an editor of project {@code beta}
 * asking for {@code alpha}'s data, and checks each answer against the expectation below. A route
 * without an expectation fails the test, so a new endpoint cannot skip the matrix.
 */
class AccessMatrixIT {
  /**
   * The least role a route needs, whether it reads or writes one project's data, and a request for
   * it.
   */
  record Expect(Role role, boolean scoped, String query, String body) {}

  private static final String ALPHA = "\"project\":\"alpha\"";
  private static final Map<String, Expect> EXPECTED = new LinkedHashMap<>();

  static {
    expect("GET /api/me", Role.VIEWER, false, "", null);
    expect("POST /api/me/password", Role.VIEWER, false, "", "{}");
    expect("GET /api/tokens", Role.VIEWER, false, "", null);
    expect("POST /api/tokens", Role.VIEWER, false, "", "{\"name\":\"matrix\"}");
    expect("DELETE /api/tokens/{id}", Role.VIEWER, false, "", null);
    expect("GET /api/projects", Role.VIEWER, false, "", null);
    expect("POST /api/projects", Role.ADMIN, false, "", "{\"id\":\"matrix\"}");
    expect("GET /api/projects/{id}/keys", Role.ADMIN, true, "", null);
    expect("POST /api/projects/{id}/keys", Role.ADMIN, true, "", "{\"name\":\"matrix\"}");
    expect("DELETE /api/keys/{id}", Role.ADMIN, false, "", null);
    expect("GET /api/users", Role.ADMIN, false, "", null);
    expect(
        "POST /api/users",
        Role.ADMIN,
        false,
        "",
        "{\"email\":\"matrix@example.com\",\"password\":\"matrix-password\"}");
    expect("PATCH /api/users/{id}", Role.ADMIN, false, "", "{\"role\":\"viewer\"}");
    expect("GET /api/audit", Role.ADMIN, false, "", null);
    expect("GET /api/events", Role.VIEWER, true, "?project=alpha", null);
    expect("GET /api/properties", Role.VIEWER, true, "?project=alpha", null);
    expect("GET /api/schema", Role.VIEWER, false, "", null);
    expect(
        "POST /api/sql",
        Role.VIEWER,
        true,
        "",
        "{" + ALPHA + ",\"sql\":\"SELECT count(*) FROM events\"}");
    expect(
        "POST /api/query/trends",
        Role.VIEWER,
        true,
        "",
        "{"
            + ALPHA
            + ",\"series\":[{\"event\":\"$any\"}],\"dateRange\":{\"last\":7,\"unit\":\"days\"}}");
    expect(
        "POST /api/query/funnels",
        Role.VIEWER,
        true,
        "",
        "{"
            + ALPHA
            + ",\"steps\":[{\"event\":\"A\"},{\"event\":\"B\"}],\"window\":\"7d\",\"dateRange\":\"last_30_days\"}");
    expect(
        "POST /api/query/retention",
        Role.VIEWER,
        true,
        "",
        "{"
            + ALPHA
            + ",\"cohort\":{\"event\":\"A\"},\"returning\":{\"event\":\"$any\"},\"period\":\"day\",\"periods\":3,"
            + "\"dateRange\":{\"last\":7,\"unit\":\"days\"}}");
    expect(
        "POST /v1/analytics/query",
        Role.VIEWER,
        true,
        "",
        "{" + ALPHA + ",\"metrics\":[\"count\"],\"dimensions\":[\"event_name\"]}");
    expect("GET /api/saved-queries", Role.VIEWER, true, "?project=alpha", null);
    expect(
        "POST /api/saved-queries",
        Role.EDITOR,
        true,
        "",
        "{" + ALPHA + ",\"kind\":\"sql\",\"name\":\"matrix\",\"query\":{\"sql\":\"SELECT 1\"}}");
    expect("GET /api/saved-queries/{id}", Role.VIEWER, false, "", null);
    expect(
        "PUT /api/saved-queries/{id}",
        Role.EDITOR,
        false,
        "",
        "{\"kind\":\"sql\",\"name\":\"m\",\"query\":{\"sql\":\"SELECT 1\"}}");
    expect("DELETE /api/saved-queries/{id}", Role.EDITOR, false, "", null);
    expect("GET /api/dashboards", Role.VIEWER, true, "?project=alpha", null);
    expect("POST /api/dashboards", Role.EDITOR, true, "", "{" + ALPHA + ",\"name\":\"matrix\"}");
    expect("GET /api/dashboards/{id}", Role.VIEWER, false, "", null);
    expect("PATCH /api/dashboards/{id}", Role.EDITOR, false, "", "{\"name\":\"matrix\"}");
    expect("DELETE /api/dashboards/{id}", Role.EDITOR, false, "", null);
    expect("GET /api/sql/history", Role.VIEWER, false, "", null);
    expect("GET /api/live", Role.VIEWER, true, "?project=alpha&follow=false", null);
    expect("GET /api/ingestion/health", Role.VIEWER, false, "", null);
    expect("GET /api/ingestion/dead-letters", Role.ADMIN, false, "", null);
    expect("GET /api/telemetry", Role.VIEWER, false, "", null);
    expect("GET /api/telemetry/{rollup}", Role.VIEWER, true, "?project=alpha", null);
    expect("POST /api/auth/login", Role.ANYONE, false, "", "{}");
    expect("POST /api/auth/refresh", Role.ANYONE, false, "", null);
    expect("POST /api/auth/logout", Role.ANYONE, false, "", null);
  }

  private static void expect(String route, Role role, boolean scoped, String query, String body) {
    EXPECTED.put(route, new Expect(role, scoped, query, body));
  }

  static TestServer server;
  static final Map<String, Client> callers = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    server =
        TestServer.start(c ->
            c.withAccounts(
                new Config.Accounts(
                    Optional.of("root@example.com"),
                    Optional.of("root-password"),
                    false,
                    Optional.empty())));
    AuthIT.server = server;
    Client admin = AuthIT.signedIn("root@example.com", "root-password");
    AuthIT.admin = admin;
    admin.post("/api/projects", "{\"id\":\"alpha\"}");
    admin.post("/api/projects", "{\"id\":\"beta\"}");
    AuthIT.createUser("viewer@example.com", "viewer-password", "viewer", "alpha");
    AuthIT.createUser("editor@example.com", "editor-password", "editor", "alpha");
    AuthIT.createUser("outsider@example.com", "outsider-password", "editor", "beta");
    callers.put("anonymous", Client.of(server.server().port()));
    callers.put("viewer", AuthIT.signedIn("viewer@example.com", "viewer-password"));
    callers.put("editor", AuthIT.signedIn("editor@example.com", "editor-password"));
    callers.put("admin", admin);
    callers.put("outsider", AuthIT.signedIn("outsider@example.com", "outsider-password"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Optional<Role> roleOf(String caller) {
    return switch (caller) {
      case "viewer" -> Optional.of(Role.VIEWER);
      case "editor", "outsider" -> Optional.of(Role.EDITOR);
      case "admin" -> Optional.of(Role.ADMIN);
      default -> Optional.empty();
    };
  }

  @Test
  void everyRouteAnswersEveryCallerAsExpected() {
    List<CausalityServer.Endpoint> routes =
        new ArrayList<>(
            server.server().endpoints().stream()
                .filter(e -> AccessControl.protects(e.path()))
                .toList());
    Set<String> registered = new TreeSet<>();
    routes.forEach(e -> registered.add(e.method() + " " + e.path()));
    assertThat(registered)
        .as("routes without an expectation in this test")
        .isSubsetOf(EXPECTED.keySet());
    assertThat(EXPECTED.keySet())
        .as("expectations for routes that do not exist")
        .isSubsetOf(registered);
    // Sign-out last: it ends the callers' sessions.
    routes.sort(
        Comparator.comparing((CausalityServer.Endpoint e) -> e.path().startsWith("/api/auth/"))
            .thenComparing(e -> e.path()));

    List<String> wrong = new ArrayList<>();
    int calls = 0;
    for (CausalityServer.Endpoint e : routes) {
      String route = e.method() + " " + e.path();
      Expect x = EXPECTED.get(route);
      assertThat(e.roles()).as(route + " declares its role").containsExactly(x.role().name());
      String path =
          e.path()
                  .replace("/api/projects/{id}", "/api/projects/alpha")
                  .replace("{id}", "no-such-id")
                  .replace("{rollup}", "errors")
              + x.query();
      for (Map.Entry<String, Client> c : callers.entrySet()) {
        HttpResponse<String> r = c.getValue().send(e.method(), path, x.body());
        calls++;
        int status = r.statusCode();
        Optional<Role> role = roleOf(c.getKey());
        String expected;
        boolean ok;
        if (x.role() == Role.ANYONE) {
          expected = "not 403";
          ok = status != 403;
        } else if (role.isEmpty()) {
          expected = "401";
          ok = status == 401;
        } else if (!role.get().covers(x.role())) {
          expected = "403";
          ok = status == 403;
        } else if (x.scoped() && c.getKey().equals("outsider")) {
          expected = "403";
          ok = status == 403;
        } else {
          expected = "allowed (not 401/403, not 5xx)";
          ok = status != 401 && status != 403 && status < 500;
        }
        if (!ok) {
          wrong.add(
              route
                  + " as "
                  + c.getKey()
                  + ": expected "
                  + expected
                  + ", got "
                  + status
                  + " "
                  + r.body());
        }
      }
    }
    assertThat(wrong).as("unexpected answers").isEmpty();
    assertThat(calls).isEqualTo(routes.size() * callers.size());
  }
}
