package dev.causality.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.auth.Principal;
import dev.causality.auth.Role;
import dev.causality.http.ErrorBody;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app's API for saved queries ({@code /api/saved-queries}), dashboards ({@code
 * /api/dashboards}) and SQL history ({@code /api/sql/history}, recorded after every {@code POST
 * /api/sql}). Reading needs a viewer, changing an editor; every object belongs to a project the
 * caller must be able to see.
 */
public final class DashboardRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_PROJECT = "default";

  private final Dashboards dashboards;

  private DashboardRoutes(Dashboards dashboards) {
    this.dashboards = dashboards;
  }

  public static void register(JavalinDefaultRoutingApi routes, Dashboards dashboards) {
    DashboardRoutes r = new DashboardRoutes(dashboards);
    routes.get("/api/saved-queries", r.wrap(r::listQueries), Role.VIEWER);
    routes.post(
        "/api/saved-queries", r.wrap(ctx -> r.saveQuery(ctx, Optional.empty())), Role.EDITOR);
    routes.get("/api/saved-queries/{id}", r.wrap(r::getQuery), Role.VIEWER);
    routes.put(
        "/api/saved-queries/{id}",
        r.wrap(ctx -> r.saveQuery(ctx, Optional.of(ctx.pathParam("id")))),
        Role.EDITOR);
    routes.delete("/api/saved-queries/{id}", r.wrap(r::deleteQuery), Role.EDITOR);
    routes.get("/api/dashboards", r.wrap(r::listDashboards), Role.VIEWER);
    routes.post("/api/dashboards", r.wrap(r::createDashboard), Role.EDITOR);
    routes.get("/api/dashboards/{id}", r.wrap(r::getDashboard), Role.VIEWER);
    routes.patch("/api/dashboards/{id}", r.wrap(r::updateDashboard), Role.EDITOR);
    routes.delete("/api/dashboards/{id}", r.wrap(r::deleteDashboard), Role.EDITOR);
    routes.get("/api/sql/history", r.wrap(r::history), Role.VIEWER);
    // A path-less after-handler: it is no route of its own (the access matrix lists routes by
    // path).
    routes.after(ctx -> {
      if (ctx.path().equals("/api/sql")) {
        r.recordSql(ctx);
      }
    });
  }

  private Handler wrap(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (DashboardException e) {
        ErrorBody.write(ctx, e);
      }
    };
  }

  private static JsonNode body(Context ctx) {
    try {
      JsonNode n = JSON.readTree(ctx.bodyAsBytes());
      if (n == null || !n.isObject()) {
        throw DashboardException.invalid("body", "must be a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw DashboardException.invalid(
          "body", "malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode n = body.path(field);
    if (n.isMissingNode() || n.isNull()) {
      if (required) {
        throw DashboardException.invalid(field, "is required");
      }
      return "";
    }
    if (!n.isTextual()) {
      throw DashboardException.invalid(field, "must be a string");
    }
    return n.asText();
  }

  private static String project(Context ctx, String requested) {
    return Principal.of(ctx).project(requested.isEmpty() ? DEFAULT_PROJECT : requested);
  }

  private static void json(Context ctx, Object value) throws IOException {
    ctx.contentType("application/json").result(JSON.writeValueAsString(value));
  }

  private static ObjectNode json(SavedQuery q) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", q.id());
    o.put("project", q.project());
    o.put("kind", q.kind());
    o.put("name", q.name());
    o.put("description", q.description());
    o.set("query", JSON.readTree(q.query()));
    o.put("author", q.author());
    o.put("createdAt", q.createdAt().toString());
    o.put("updatedAt", q.updatedAt().toString());
    return o;
  }

  private static ObjectNode json(Dashboard d) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", d.id());
    o.put("project", d.project());
    o.put("name", d.name());
    o.put("refreshSeconds", d.refreshSeconds());
    o.set(
        "dateRange",
        d.dateRange().isPresent() ? JSON.readTree(d.dateRange().get()) : JSON.nullNode());
    o.set("tiles", JSON.readTree(d.tiles()));
    o.put("author", d.author());
    o.put("createdAt", d.createdAt().toString());
    o.put("updatedAt", d.updatedAt().toString());
    return o;
  }

  private static String author(Principal p) {
    return p.email().isEmpty() ? p.userId() : p.email();
  }

  private void listQueries(Context ctx) throws IOException {
    String project = project(ctx, Objects.requireNonNullElse(ctx.queryParam("project"), ""));
    ArrayNode out = JSON.createArrayNode();
    for (SavedQuery q : dashboards.queries(project)) {
      out.add(json(q));
    }
    json(ctx, out);
  }

  private SavedQuery visibleQuery(Context ctx) {
    SavedQuery q = dashboards.query(ctx.pathParam("id"));
    if (!Principal.of(ctx).canSee(q.project())) {
      throw DashboardException.notFound("saved query", q.id());
    }
    return q;
  }

  private void getQuery(Context ctx) throws IOException {
    json(ctx, json(visibleQuery(ctx)));
  }

  private void saveQuery(Context ctx, Optional<String> id) throws IOException {
    JsonNode body = body(ctx);
    String project =
        id.isPresent() ? visibleQuery(ctx).project() : project(ctx, text(body, "project", false));
    JsonNode query = body.path("query");
    if (!query.isObject()) {
      throw DashboardException.invalid(
          "query", "must be a JSON object (the query of the page that saves it)");
    }
    String kind = text(body, "kind", true);
    if (kind.equals("sql") && !query.path("sql").isTextual()) {
      throw DashboardException.invalid(
          "query.sql", "a saved SQL query needs its statement as a string");
    }
    SavedQuery q =
        dashboards.saveQuery(
            id,
            project,
            kind,
            text(body, "name", true),
            text(body, "description", false),
            query.toString(),
            author(Principal.of(ctx)));
    ctx.status(id.isPresent() ? 200 : 201);
    json(ctx, json(q));
  }

  private void deleteQuery(Context ctx) {
    dashboards.deleteQuery(visibleQuery(ctx).id());
    ctx.status(204);
  }

  private void listDashboards(Context ctx) throws IOException {
    String project = project(ctx, Objects.requireNonNullElse(ctx.queryParam("project"), ""));
    ArrayNode out = JSON.createArrayNode();
    for (Dashboard d : dashboards.dashboards(project)) {
      out.add(json(d));
    }
    json(ctx, out);
  }

  private Dashboard visibleDashboard(Context ctx) {
    Dashboard d = dashboards.dashboard(ctx.pathParam("id"));
    if (!Principal.of(ctx).canSee(d.project())) {
      throw DashboardException.notFound("dashboard", d.id());
    }
    return d;
  }

  private void createDashboard(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    Dashboard d =
        dashboards.createDashboard(
            project(ctx, text(body, "project", false)),
            text(body, "name", true),
            author(Principal.of(ctx)));
    ctx.status(201);
    json(ctx, json(d));
  }

  private void getDashboard(Context ctx) throws IOException {
    json(ctx, json(visibleDashboard(ctx)));
  }

  private void updateDashboard(Context ctx) throws IOException {
    Dashboard d = visibleDashboard(ctx);
    JsonNode body = body(ctx);
    String name = body.has("name") ? text(body, "name", true) : d.name();
    int refresh = d.refreshSeconds();
    if (body.has("refreshSeconds")) {
      JsonNode r = body.get("refreshSeconds");
      if (!r.canConvertToInt() || !r.isIntegralNumber()) {
        throw DashboardException.invalid("refreshSeconds", "must be a whole number of seconds");
      }
      refresh = r.asInt();
    }
    Optional<String> range = d.dateRange();
    if (body.has("dateRange")) {
      JsonNode r = body.get("dateRange");
      if (!r.isNull() && !r.isTextual() && !r.isObject()) {
        throw DashboardException.invalid("dateRange", "must be a name, {last, unit} or {from, to}");
      }
      range = r.isNull() ? Optional.empty() : Optional.of(r.toString());
    }
    String tiles = d.tiles();
    if (body.has("tiles")) {
      tiles = tiles(body.get("tiles")).toString();
    }
    json(ctx, json(dashboards.updateDashboard(d, name, refresh, range, tiles)));
  }

  private static ArrayNode tiles(JsonNode tiles) {
    if (!tiles.isArray() || tiles.size() > 100) {
      throw DashboardException.invalid("tiles", "must be an array of at most 100 tiles");
    }
    ArrayNode out = JSON.createArrayNode();
    for (int i = 0; i < tiles.size(); i++) {
      JsonNode t = tiles.get(i);
      String at = "tiles[" + i + "]";
      if (!t.path("id").isTextual() || !t.path("savedQueryId").isTextual()) {
        throw DashboardException.invalid(at, "needs string id and savedQueryId");
      }
      ObjectNode o = out.addObject();
      o.put("id", t.get("id").asText());
      o.put("savedQueryId", t.get("savedQueryId").asText());
      for (String f : new String[] {"x", "y", "w", "h"}) {
        JsonNode n = t.path(f);
        if (!n.isIntegralNumber() || n.asInt() < 0 || n.asInt() > 1000) {
          throw DashboardException.invalid(at + "." + f, "must be a whole number from 0 to 1000");
        }
        o.put(f, n.asInt());
      }
    }
    return out;
  }

  private void deleteDashboard(Context ctx) {
    dashboards.deleteDashboard(visibleDashboard(ctx).id());
    ctx.status(204);
  }

  private void history(Context ctx) throws IOException {
    ArrayNode out = JSON.createArrayNode();
    for (SqlHistoryEntry e : dashboards.history(Principal.of(ctx).userId())) {
      ObjectNode o = out.addObject();
      o.put("id", e.id());
      o.put("sql", e.sql());
      o.put("project", e.project());
      o.put("ranAt", e.ranAt().toString());
      o.put("rowCount", e.rowCount());
      o.put("elapsedMs", e.elapsedMs());
      o.put("error", e.error().orElse(null));
    }
    json(ctx, out);
  }

  /** After {@code POST /api/sql}: records what ran, and how it went, in the caller's history. */
  private void recordSql(Context ctx) {
    if (!ctx.method().name().equals("POST")
        || ctx.status().getCode() == 401
        || ctx.status().getCode() == 403) {
      return;
    }
    try {
      Principal p = Principal.of(ctx);
      JsonNode body = JSON.readTree(ctx.bodyAsBytes());
      if (body == null || !body.path("sql").isTextual()) {
        return;
      }
      String result = ctx.result();
      JsonNode answer = result == null ? JSON.createObjectNode() : JSON.readTree(result);
      boolean ok = ctx.status().getCode() == 200;
      dashboards.recordSql(
          p.userId(),
          body.path("project").asText(DEFAULT_PROJECT),
          body.get("sql").asText(),
          answer.path("rowCount").asLong(0),
          answer.path("elapsedMs").asLong(0),
          ok
              ? Optional.empty()
              : Optional.of(answer.path("message").asText("HTTP " + ctx.status().getCode())));
    } catch (RuntimeException | IOException e) {
      LOG.warn("could not record SQL history: {}", e.toString());
    }
  }
}
