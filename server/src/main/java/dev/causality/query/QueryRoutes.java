package dev.causality.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.auth.Principal;
import dev.causality.auth.Role;
import dev.causality.http.ErrorBody;
import dev.causality.warehouse.Catalog;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.function.Function;

/** The HTTP face of the query engine: the native query APIs and the FlowMind query shape. */
public final class QueryRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final QueryEngine engine;

  private QueryRoutes(QueryEngine engine) {
    this.engine = engine;
  }

  public static void register(
      JavalinDefaultRoutingApi routes, QueryEngine engine, Catalog catalog) {
    QueryRoutes r = new QueryRoutes(engine);
    routes.get("/api/events", ctx -> r.json(ctx, catalog.events(project(ctx))), Role.VIEWER);
    routes.get(
        "/api/properties",
        ctx -> {
          ObjectNode out = JSON.createObjectNode();
          out.set(
              "properties",
              JSON.valueToTree(
                  catalog.properties(
                      project(ctx),
                      java.util.Objects.requireNonNullElse(ctx.queryParam("event"), "$any"),
                      Math.min(
                          50,
                          Math.max(
                              1, ctx.queryParamAsClass("top", Integer.class).getOrDefault(10))))));
          out.set("columns", JSON.valueToTree(Field.COLUMNS.stream().sorted().toList()));
          ctx.contentType("application/json").result(out.toString());
        },
        Role.VIEWER);
    routes.post(
        "/api/query/trends",
        ctx -> r.answer(ctx, b -> engine.trends(allowed(ctx, QueryRequests.trends(b)))),
        Role.VIEWER);
    routes.post(
        "/api/query/funnels",
        ctx -> r.answer(ctx, b -> engine.funnel(allowed(ctx, QueryRequests.funnel(b)))),
        Role.VIEWER);
    routes.post(
        "/api/query/retention",
        ctx -> r.answer(ctx, b -> engine.retention(allowed(ctx, QueryRequests.retention(b)))),
        Role.VIEWER);
    routes.post("/v1/analytics/query", r::flowMind, Role.VIEWER);
  }

  /** The project asked for, when the caller may see it (403 otherwise). */
  private static String project(Context ctx) {
    return Principal.of(ctx)
        .project(
            java.util.Objects.requireNonNullElse(
                ctx.queryParam("project"), QueryRequests.DEFAULT_PROJECT));
  }

  /** {@code query}, when the caller may see its project (403 otherwise). */
  static <Q extends Query> Q allowed(Context ctx, Q query) {
    Principal.of(ctx).project(query.projectId());
    return query;
  }

  private void json(Context ctx, Object value)
      throws com.fasterxml.jackson.core.JsonProcessingException {
    ctx.contentType("application/json").result(JSON.writeValueAsString(value));
  }

  private void answer(Context ctx, Function<JsonNode, Object> run) {
    try {
      Object result = run.apply(body(ctx));
      ctx.contentType("application/json").result(JSON.writeValueAsString(result));
    } catch (QueryException e) {
      error(ctx, e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      error(
          ctx,
          new QueryException(
              500, "internal", "", "cannot write the result: " + e.getOriginalMessage()));
    }
  }

  private void flowMind(Context ctx) throws Exception {
    try {
      QueryEngine.TableResult t = engine.table(allowed(ctx, QueryRequests.table(body(ctx))));
      ObjectNode out = JSON.createObjectNode();
      out.put("success", true);
      ObjectNode data = out.putObject("data");
      data.set("rows", JSON.valueToTree(t.rows()));
      data.put("truncated", t.truncated());
      ctx.contentType("application/json").result(out.toString());
    } catch (QueryException e) {
      error(ctx, e);
    }
  }

  static JsonNode body(Context ctx) {
    try {
      JsonNode n = JSON.readTree(ctx.bodyAsBytes());
      if (n == null || !n.isObject()) {
        throw QueryException.invalid("body", "must be a JSON object");
      }
      return n;
    } catch (java.io.IOException e) {
      throw QueryException.invalid(
          "body", "malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  static void error(Context ctx, QueryException e) {
    ErrorBody.write(ctx, e);
  }
}
