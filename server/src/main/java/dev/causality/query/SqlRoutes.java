package dev.causality.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.auth.AuditLog;
import dev.causality.auth.Principal;
import dev.causality.auth.Role;
import dev.causality.warehouse.Warehouse;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.util.Optional;

/**
 * The SQL editor's API: {@code POST /api/sql} runs one read-only SELECT, {@code GET /api/schema}
 * lists the tables it may read and their columns.
 */
public final class SqlRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SqlSandbox sandbox;
  private final AuditLog audit;

  private SqlRoutes(SqlSandbox sandbox, AuditLog audit) {
    this.sandbox = sandbox;
    this.audit = audit;
  }

  /**
   * Registers the routes with the default limits: 10 s per statement, 10,000 rows; every statement
   * run is written to {@code audit}.
   */
  public static void register(
      JavalinDefaultRoutingApi routes, Warehouse warehouse, AuditLog audit) {
    register(
        routes,
        new SqlSandbox(warehouse, SqlSandbox.DEFAULT_TIMEOUT, SqlSandbox.DEFAULT_ROW_CAP),
        audit);
  }

  static void register(JavalinDefaultRoutingApi routes, SqlSandbox sandbox, AuditLog audit) {
    SqlRoutes r = new SqlRoutes(sandbox, audit);
    routes.post("/api/sql", r::sql, Role.VIEWER);
    routes.get("/api/schema", r::schema, Role.VIEWER);
  }

  private void sql(Context ctx) {
    try {
      JsonNode body = QueryRoutes.body(ctx);
      JsonNode sql = body.path("sql");
      if (!sql.isTextual()) {
        throw QueryException.invalid("sql", "must be a string holding one SELECT statement");
      }
      Duration limit = sandbox.timeout();
      if (body.has("timeoutMs")) {
        JsonNode t = body.path("timeoutMs");
        if (!t.canConvertToLong()
            || !t.isIntegralNumber()
            || t.asLong() < 1
            || t.asLong() > sandbox.timeout().toMillis()) {
          throw QueryException.invalid(
              "timeoutMs",
              "must be a whole number of milliseconds from 1 to " + sandbox.timeout().toMillis());
        }
        limit = Duration.ofMillis(t.asLong());
      }
      Principal caller = Principal.of(ctx);
      String project =
          caller.project(
              body.path("project").isTextual()
                  ? body.path("project").asText()
                  : QueryRequests.DEFAULT_PROJECT);
      audit.record(caller.userId(), "sql.query", project, sql.asText(), ctx.ip());
      SqlSandbox.Result result =
          sandbox.run(
              sql.asText(),
              limit,
              new SqlSandbox.Reach(Optional.of(project), caller.role() == Role.ADMIN));
      ObjectNode out = JSON.createObjectNode();
      ArrayNode columns = out.putArray("columns");
      for (SqlSandbox.Column c : result.columns()) {
        columns.addObject().put("name", c.name()).put("type", c.type());
      }
      out.set("rows", JSON.valueToTree(result.rows()));
      out.put("rowCount", result.rows().size());
      out.put("truncated", result.truncated());
      out.put("limitApplied", result.limitApplied());
      out.put("sql", result.sql());
      out.put("elapsedMs", result.elapsedMs());
      ctx.contentType("application/json").result(out.toString());
    } catch (QueryException e) {
      QueryRoutes.error(ctx, e);
    }
  }

  private void schema(Context ctx) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode tables = out.putArray("tables");
    boolean admin = Principal.of(ctx).role() == Role.ADMIN;
    for (Warehouse.Table t : sandbox.schema()) {
      if (!admin && t.name().equals("dead_letters")) {
        continue;
      }
      ObjectNode table = tables.addObject();
      table.put("name", t.name());
      ArrayNode columns = table.putArray("columns");
      for (Warehouse.Column c : t.columns()) {
        columns.addObject().put("name", c.name()).put("type", c.type());
      }
    }
    ctx.contentType("application/json").result(out.toString());
  }
}
