package dev.causality.query;

import static java.util.Map.entry;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.warehouse.QueryResult;
import dev.causality.warehouse.QueryTimeoutException;
import dev.causality.warehouse.Warehouse;
import dev.causality.warehouse.WarehouseException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The SQL editor's door to the warehouse: runs one read-only SELECT written by a person (or a
 * model) after checking it with the warehouse's own parser, with a LIMIT when it has none, a row
 * cap and a time limit.
 */
final class SqlSandbox {
  /*
   * Implementation note. What is allowed is decided on DuckDB's own parse tree, never on the text:
   * json_serialize_sql(sql) returns the tree of every statement, or an error for anything that is
   * not a SELECT (INSERT, COPY, ATTACH, SET, PRAGMA, CALL, EXPORT, CREATE ... and a SELECT followed
   * by any of them). The walk then requires:
   *
   * - exactly one statement;
   * - only SELECT query nodes (SELECT, set operations, recursive CTEs) anywhere: a CTE holding a
   *   DELETE parses as a SELECT whose CTE is a DELETE_QUERY_NODE;
   * - table references only to the allow-list TABLES (unqualified or in schema main), or to a CTE
   *   in scope. Scope is conservative: a CTE's body sees the CTEs before it in the same WITH and
   *   those of enclosing queries, the recursive term of a recursive CTE also sees itself. Where
   *   DuckDB would see a name we do not, we refuse a query DuckDB would accept, never the reverse.
   *   No DESCRIBE/SHOW/SUMMARIZE, no catalog- or schema-qualified name outside main: that excludes
   *   load_state, schema_version, catalog_increments, information_schema, pg_catalog, duckdb_*
   *   views, sqlite_master, files given as table names, and every other database;
   * - table functions only from the allow-list TABLE_FUNCTIONS, which compute rows from their
   *   arguments; every file reader (read_csv, read_parquet, glob, read_text, sniff_csv, ...) and
   *   every catalog function (duckdb_settings(), pragma_*, query_table, ...) is left out;
   * - scalar, aggregate and window functions: all of DuckDB's built-ins except a deny-list. The
   *   built-ins are a fixed, reviewed set for a given DuckDB version (users cannot create
   *   functions: CREATE MACRO is not a SELECT), so denying the few that reach outside the query is
   *   exact where an allow-list of 900 names would be noise. The deny-list holds what reads
   *   settings or the catalog (current_setting, duckdb_*, pg_get_viewdef and other macros over
   *   duckdb_* functions), session state shared by the pooled connections (getvariable, nextval,
   *   setseed), anything that runs SQL given as text (query, json_serialize_plan), file or log
   *   access, sleeps, and DuckDB internals. SqlSandboxTest pins this review against the function
   *   list of the DuckDB in use, so an upgrade that adds a suspicious name fails the build;
   * - at most MAX_RELATIONS table references and query blocks, and a parse tree at most 1000
   *   levels deep: planning time grows fast with the number of joins and cannot be interrupted.
   *
   * Without a top-level LIMIT, "LIMIT 1000" is appended after the last token and the result is
   * parsed and checked again; its tree must equal the original's but for that limit, so what runs
   * is exactly what was checked, and the caller is told the SQL that ran.
   *
   * Behind these checks the warehouse adds its own walls: the statement runs in a read-only
   * transaction on connections of their own, external access is disabled and the configuration
   * locked for the whole database, and metadata lives in another file it has no way to open.
   */

  static final List<String> TABLES = List.of("events", "dead_letters");
  static final List<String> TABLE_FUNCTIONS =
      List.of("range", "generate_series", "unnest", "json_each", "json_tree");
  static final int LIMIT = 1000;
  static final int DEFAULT_ROW_CAP = 10_000;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final int MAX_SQL_CHARS = 100_000;
  static final int MAX_RELATIONS = 64;

  private static final String CATALOG =
      "it reads DuckDB's catalog or internals (GET /api/schema lists the tables)";
  private static final String SETTINGS = "it reads or changes the server's settings";
  private static final String SESSION =
      "it reads or changes connection state shared with other queries";
  private static final String OUTSIDE = "it reaches files or logs outside the tables";
  private static final String TEXT_SQL =
      "it runs or plans SQL given as text, which cannot be checked";
  private static final String WAITS = "it holds a connection without computing anything";

  private static final Map<String, String> DENIED_FUNCTIONS =
      Map.ofEntries(
          entry("current_setting", SETTINGS),
          entry("getvariable", SESSION),
          entry("nextval", SESSION),
          entry("currval", SESSION),
          entry("setval", SESSION),
          entry("setseed", SESSION),
          entry("getenv", OUTSIDE),
          entry("glob", OUTSIDE),
          entry("sniff_csv", OUTSIDE),
          entry("write_log", OUTSIDE),
          entry("which_secret", OUTSIDE),
          entry("query", TEXT_SQL),
          entry("query_table", TEXT_SQL),
          entry("json_serialize_plan", TEXT_SQL),
          entry("json_execute_serialized_sql", TEXT_SQL),
          entry("sql_auto_complete", TEXT_SQL),
          entry("sleep_ms", WAITS),
          entry("pg_sleep", WAITS),
          entry("pg_get_viewdef", CATALOG),
          entry("pg_get_constraintdef", CATALOG),
          entry("format_type", CATALOG),
          entry("get_block_size", CATALOG),
          entry("checkpoint", CATALOG),
          entry("force_checkpoint", CATALOG));
  private static final Map<String, String> DENIED_PREFIXES =
      Map.of(
          "duckdb_", CATALOG,
          "pragma_", CATALOG,
          "__", CATALOG,
          "read_", OUTSIDE,
          "parquet_", OUTSIDE,
          "enable_", SETTINGS,
          "disable_", SETTINGS);
  private static final Set<String> QUERY_NODES =
      Set.of("SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE");
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(1000)
                      .maxStringLength(MAX_SQL_CHARS)
                      .build())
              .build());

  /** A column of a result: its name and SQL type. */
  record Column(String name, String type) {}

  /**
   * What ran and what it returned. {@code truncated}: there may be more rows than returned, because
   * the row cap or the added LIMIT was reached.
   */
  record Result(
      String sql,
      boolean limitApplied,
      List<Column> columns,
      List<List<Object>> rows,
      boolean truncated,
      long elapsedMs) {}

  /** SQL that passed the checks: what to run, and whether {@code LIMIT} was added to it. */
  /** A checked statement, and the tables it names as written (lower case, with any schema). */
  record Checked(String sql, boolean limitApplied, Set<String> tables) {}

  /**
   * Whose data a statement may read: the events of one project (empty: of all), and the dead
   * letters (which hold raw payloads of every project) or not.
   */
  record Reach(Optional<String> project, boolean deadLetters) {
    static final Reach ALL = new Reach(Optional.empty(), true);
  }

  private final Warehouse warehouse;
  private final Duration timeout;
  private final int rowCap;

  /**
   * @param timeout the longest a statement may run (a request may ask for less)
   * @param rowCap the most rows returned when the statement has a LIMIT of its own
   */
  SqlSandbox(Warehouse warehouse, Duration timeout, int rowCap) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (rowCap < LIMIT) {
      throw new IllegalArgumentException("rowCap must be at least " + LIMIT + ", was " + rowCap);
    }
    this.rowCap = rowCap;
  }

  Duration timeout() {
    return timeout;
  }

  /** Checks and runs {@code sql} within the sandbox's time limit. */
  Result run(String sql) {
    return run(sql, timeout);
  }

  /** Checks and runs {@code sql} within {@code limit} (at most the sandbox's own time limit). */
  Result run(String sql, Duration limit) {
    return run(sql, limit, Reach.ALL);
  }

  /**
   * Checks and runs {@code sql} within {@code limit}, reading only what {@code reach} allows: with
   * a project, {@code events} is that project's events (the statement runs inside a CTE of that
   * name, so it must name the table without a schema).
   */
  Result run(String sql, Duration limit, Reach reach) {
    long start = System.nanoTime();
    Duration within = limit.compareTo(timeout) < 0 ? limit : timeout;
    long deadline = start + within.toNanos();
    Checked checked = check(sql, deadline, within);
    if (!reach.deadLetters()
        && checked.tables().stream().anyMatch(t -> t.endsWith("dead_letters"))) {
      throw refused("dead_letters holds raw payloads of every project and is only for admins");
    }
    String statement = checked.sql();
    List<Object> params = List.of();
    if (reach.project().isPresent()) {
      if (checked.tables().stream().anyMatch(t -> t.endsWith(".events"))) {
        throw refused("name the events table without a schema (events, not main.events)");
      }
      statement =
          "WITH events AS (SELECT * FROM main.events WHERE app_id = ?)\nSELECT * FROM (\n"
              + checked.sql()
              + "\n) AS q";
      params = List.of(reach.project().get());
    }
    QueryResult r;
    try {
      r =
          warehouse.queryReadOnly(
              statement, params, checked.limitApplied() ? LIMIT : rowCap, left(deadline, within));
    } catch (QueryTimeoutException e) {
      throw timedOut(within);
    } catch (WarehouseException e) {
      throw sqlError(e.getMessage());
    }
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < r.columns().size(); i++) {
      columns.add(new Column(r.columns().get(i), r.types().get(i)));
    }
    boolean truncated = r.truncated() || (checked.limitApplied() && r.rows().size() == LIMIT);
    long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
    return new Result(
        checked.sql(), checked.limitApplied(), columns, r.rows(), truncated, elapsedMs);
  }

  /** The allowed tables that exist, with their columns. */
  List<Warehouse.Table> schema() {
    List<Warehouse.Table> all = warehouse.describe();
    List<Warehouse.Table> out = new ArrayList<>();
    for (String name : TABLES) {
      all.stream().filter(t -> t.name().equals(name)).findFirst().ifPresent(out::add);
    }
    return out;
  }

  /**
   * Checks {@code sql}; adds a LIMIT when it has none. Throws {@link QueryException} when refused.
   */
  Checked check(String sql) {
    return check(sql, System.nanoTime() + timeout.toNanos(), timeout);
  }

  private Checked check(String sql, long deadline, Duration within) {
    if (sql.isBlank()) {
      throw refused("the SQL is empty; write one SELECT statement");
    }
    if (sql.length() > MAX_SQL_CHARS) {
      throw refused(
          "the SQL is "
              + sql.length()
              + " characters long; at most "
              + MAX_SQL_CHARS
              + " are allowed");
    }
    JsonNode tree = parse(sql, deadline, within);
    Set<String> tables = new HashSet<>();
    JsonNode node = checkTree(sql, tree, tables);
    if (hasLimit(node)) {
      return new Checked(sql, false, Set.copyOf(tables));
    }
    String limited = SqlText.withoutTail(sql) + "\nLIMIT " + LIMIT;
    JsonNode limitedNode = checkTree(limited, parse(limited, deadline, within), new HashSet<>());
    if (!withoutLocations(node).equals(withoutAddedLimit(withoutLocations(limitedNode)))) {
      throw refused(
          "LIMIT "
              + LIMIT
              + " could not be added to this statement; end it with a LIMIT of your own");
    }
    return new Checked(limited, true, Set.copyOf(tables));
  }

  private JsonNode parse(String sql, long deadline, Duration within) {
    QueryResult r;
    try {
      r =
          warehouse.queryReadOnly(
              "SELECT json_serialize_sql(?::VARCHAR)", List.of(sql), 1, left(deadline, within));
    } catch (QueryTimeoutException e) {
      throw timedOut(within);
    } catch (WarehouseException e) {
      throw sqlError(e.getMessage());
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(String.valueOf(r.rows().getFirst().getFirst()));
    } catch (StreamConstraintsException e) {
      throw refused("the statement is nested too deeply to be checked");
    } catch (IOException e) {
      throw new QueryException(
          500, "internal", "", "cannot read the parse tree: " + e.getMessage());
    }
    if (tree.path("error").asBoolean(false)) {
      String message = tree.path("error_message").asText("");
      if (message.startsWith("Only SELECT statements")) {
        throw refused(notOneSelect(sql));
      }
      String type = tree.path("error_type").asText("parser");
      String where =
          tree.has("position") ? " (at character " + tree.path("position").asText() + ")" : "";
      throw sqlError(
          Character.toUpperCase(type.charAt(0)) + type.substring(1) + " Error: " + message + where);
    }
    return tree;
  }

  /** Why the parser would not serialise {@code sql}: which statements it holds. */
  private static String notOneSelect(String sql) {
    List<String> keywords = SqlText.statementKeywords(sql);
    if (keywords.size() > 1) {
      return "only one SELECT statement is allowed; found "
          + keywords.size()
          + " statements ("
          + String.join(", ", keywords)
          + ")";
    }
    String first = keywords.isEmpty() ? "" : keywords.getFirst();
    if (Set.of("SELECT", "WITH", "FROM", "VALUES", "TABLE", "(").contains(first)) {
      return "only a plain SELECT is allowed; this statement holds a part that cannot be checked (such as PIVOT)";
    }
    return first + " is not allowed: only one read-only SELECT (or WITH … SELECT) statement is";
  }

  /** Checks the one statement of {@code tree}; returns its top query node. */
  private static JsonNode checkTree(String sql, JsonNode tree, Set<String> tables) {
    JsonNode statements = tree.path("statements");
    if (statements.isEmpty()) {
      throw refused(
          "the SQL holds no statement (only blanks, comments or semicolons); write one SELECT statement");
    }
    if (statements.size() > 1) {
      throw refused(
          "only one SELECT statement is allowed; found " + statements.size() + " statements");
    }
    JsonNode node = statements.get(0).path("node");
    Walk walk = new Walk();
    walk.visit(node, Scope.NONE);
    tables.addAll(walk.tables);
    return node;
  }

  private static boolean hasLimit(JsonNode node) {
    for (JsonNode m : node.path("modifiers")) {
      String type = m.path("type").asText("");
      if (type.equals("LIMIT_PERCENT_MODIFIER")
          || (type.equals("LIMIT_MODIFIER") && !m.path("limit").isNull())) {
        return true;
      }
    }
    return false;
  }

  /** A copy of {@code node} without source positions, which differ once LIMIT is appended. */
  private static JsonNode withoutLocations(JsonNode node) {
    JsonNode copy = node.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove(List.of("query_location", "query_location_length"));
    }
    for (JsonNode child : n) {
      strip(child);
    }
  }

  /** {@code node} with the {@code LIMIT 1000} that was appended taken out again. */
  private static JsonNode withoutAddedLimit(JsonNode node) {
    ArrayNode modifiers = (ArrayNode) node.path("modifiers");
    for (int i = modifiers.size() - 1; i >= 0; i--) {
      JsonNode m = modifiers.get(i);
      JsonNode limit = m.path("limit");
      if (m.path("type").asText("").equals("LIMIT_MODIFIER")
          && limit.path("class").asText("").equals("CONSTANT")
          && limit.path("literal").path("text").asText("").equals(Integer.toString(LIMIT))) {
        if (m.path("offset").isNull()) {
          modifiers.remove(i);
        } else {
          ((ObjectNode) m).set("limit", NullNode.instance);
        }
        return node;
      }
    }
    return NullNode.instance; // no added limit: never equal to a query node
  }

  /** Why {@code function} is refused, if it is. */
  static Optional<String> denied(String function) {
    String name = function.toLowerCase(Locale.ROOT);
    String reason = DENIED_FUNCTIONS.get(name);
    if (reason == null) {
      reason =
          DENIED_PREFIXES.entrySet().stream()
              .filter(e -> name.startsWith(e.getKey()))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null);
    }
    return Optional.ofNullable(reason);
  }

  /** The names a query may use as tables besides the allowed ones: CTEs in scope. */
  private record Scope(Set<String> ctes) {
    static final Scope NONE = new Scope(Set.of());

    Scope with(String name) {
      Set<String> more = new HashSet<>(ctes);
      more.add(name.toLowerCase(Locale.ROOT));
      return new Scope(Set.copyOf(more));
    }

    boolean has(String name) {
      return ctes.contains(name.toLowerCase(Locale.ROOT));
    }
  }

  /** One pass over a parse tree, refusing at the first thing not allowed. */
  private static final class Walk {
    private int relations;
    private final Set<String> tables = new HashSet<>();

    void visit(JsonNode n, Scope scope) {
      if (n.isArray()) {
        for (JsonNode child : n) {
          visit(child, scope);
        }
        return;
      }
      if (!n.isObject()) {
        return;
      }
      String type = n.path("type").asText("");
      if (type.endsWith("_NODE") || (n.has("cte_map") && n.has("modifiers"))) {
        queryNode(n, type, scope);
        return;
      }
      if (!n.has("class") && (n.has("table_name") || (n.has("alias") && n.has("sample")))) {
        tableRef(n, type, scope);
      }
      if (n.has("function_name")) {
        function(n);
      }
      for (Map.Entry<String, JsonNode> field : n.properties()) {
        visit(field.getValue(), scope);
      }
    }

    private void queryNode(JsonNode n, String type, Scope scope) {
      if (!QUERY_NODES.contains(type)) {
        String kind = type.replace("_QUERY_NODE", "").replace("_NODE", "").replace('_', ' ');
        throw refused(kind + " is not allowed: only SELECT, also inside WITH and subqueries");
      }
      count();
      Scope inner = scope;
      for (JsonNode cte : n.path("cte_map").path("map")) {
        visit(cte.path("value"), inner);
        inner = inner.with(cte.path("key").asText(""));
      }
      for (Map.Entry<String, JsonNode> field : n.properties()) {
        switch (field.getKey()) {
          case "cte_map" -> {}
          case "right" ->
              visit(
                  field.getValue(),
                  type.equals("RECURSIVE_CTE_NODE")
                      ? inner.with(n.path("cte_name").asText(""))
                      : inner);
          default -> visit(field.getValue(), inner);
        }
      }
    }

    private void tableRef(JsonNode n, String type, Scope scope) {
      switch (type) {
        case "BASE_TABLE" -> {
          count();
          baseTable(n, scope);
        }
        case "TABLE_FUNCTION" -> {
          count();
          JsonNode f = n.path("function");
          String name = f.path("function_name").asText("");
          if (!TABLE_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT)) || qualified(f)) {
            throw refused(
                "table function "
                    + name
                    + " is not allowed; table functions: "
                    + String.join(", ", TABLE_FUNCTIONS));
          }
        }
        case "JOIN", "SUBQUERY", "EXPRESSION_LIST", "EMPTY", "PIVOT" -> {}
        case "SHOW_REF" ->
            throw refused(
                "DESCRIBE, SHOW and SUMMARIZE are not allowed; GET /api/schema lists the tables"
                    + " and their columns");
        default -> throw refused("a table reference of kind " + type + " is not allowed");
      }
    }

    private void baseTable(JsonNode n, Scope scope) {
      String catalog = n.path("catalog_name").asText("");
      String schema = n.path("schema_name").asText("");
      String name = n.path("table_name").asText("");
      if (catalog.isEmpty() && schema.isEmpty() && scope.has(name)) {
        return;
      }
      if (catalog.isEmpty()
          && (schema.isEmpty() || schema.equalsIgnoreCase("main"))
          && TABLES.contains(name.toLowerCase(Locale.ROOT))) {
        tables.add(((schema.isEmpty() ? "" : schema + ".") + name).toLowerCase(Locale.ROOT));
        return;
      }
      String full =
          (catalog.isEmpty() ? "" : catalog + ".") + (schema.isEmpty() ? "" : schema + ".") + name;
      throw refused("table " + full + " is not available; tables: " + String.join(", ", TABLES));
    }

    private static void function(JsonNode n) {
      String name = n.path("function_name").asText("");
      if (qualified(n)) {
        String schema = n.path("schema").asText("");
        throw refused(
            "function "
                + (n.path("catalog").asText("").isEmpty() ? "" : n.path("catalog").asText() + ".")
                + (schema.isEmpty() ? "" : schema + ".")
                + name
                + " is not allowed: call functions by their name alone");
      }
      denied(name)
          .ifPresent(reason -> {
            throw refused("function " + name + " is not allowed: " + reason);
          });
    }

    private static boolean qualified(JsonNode function) {
      return !function.path("schema").asText("").isEmpty()
          || !function.path("catalog").asText("").isEmpty();
    }

    private void count() {
      if (++relations > MAX_RELATIONS) {
        throw refused(
            "the statement has more than "
                + MAX_RELATIONS
                + " tables and SELECT blocks; split it up");
      }
    }
  }

  private static Duration left(long deadline, Duration within) {
    long nanos = deadline - System.nanoTime();
    if (nanos <= 0) {
      throw timedOut(within);
    }
    return Duration.ofNanos(nanos);
  }

  static QueryException refused(String message) {
    return new QueryException(400, "sql_refused", "sql", message);
  }

  private static QueryException sqlError(String message) {
    return new QueryException(
        400, "sql_error", "sql", String.valueOf(message).lines().findFirst().orElse("").strip());
  }

  private static QueryException timedOut(Duration within) {
    long ms = within.toMillis();
    String limit = ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    return new QueryException(
        408,
        "timeout",
        "",
        "the query ran longer than "
            + limit
            + " and was cancelled; filter on timestamp, aggregate, or select fewer columns");
  }
}
