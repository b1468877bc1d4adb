package dev.causality.telemetry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.database.base.BaseDatabaseType;
import org.flywaydb.core.internal.database.base.Database;
import org.flywaydb.core.internal.database.base.Schema;
import org.flywaydb.core.internal.database.base.Table;
import org.flywaydb.core.internal.jdbc.JdbcConnectionFactory;
import org.flywaydb.core.internal.jdbc.JdbcTemplate;
import org.flywaydb.core.internal.jdbc.StatementInterceptor;
import org.flywaydb.core.internal.parser.Parser;
import org.flywaydb.core.internal.parser.ParsingContext;

/**
 * DuckDB for Flyway, which has no DuckDB support of its own: registered as a Flyway plugin in
 * {@code META-INF/services/org.flywaydb.core.extensibility.Plugin}, so the telemetry migrations of
 * the embedded warehouse run through Flyway like those of PostgreSQL.
 */
public final class DuckDbDatabaseType extends BaseDatabaseType {
  /*
   * Implementation note. DuckDB speaks PostgreSQL's dialect closely enough for Flyway's generic
   * parser and its schema history table (plain CREATE TABLE / INSERT / UPDATE / DELETE). Schemas
   * and tables are found through information_schema of the current database. The history table is
   * never locked: a DuckDB file is open in one process at a time, and the server runs its migrations
   * once, before any other use. Nothing here issues SET: the warehouse locks its configuration.
   */

  @Override
  public String getName() {
    return "DuckDB";
  }

  @Override
  public int getNullType() {
    return Types.VARCHAR;
  }

  @Override
  public boolean handlesJDBCUrl(String url) {
    return url.startsWith("jdbc:duckdb:");
  }

  @Override
  public String getDriverClass(String url, ClassLoader classLoader) {
    return "org.duckdb.DuckDBDriver";
  }

  @Override
  public boolean handlesDatabaseProductNameAndVersion(
      String productName, String productVersion, Connection connection) {
    return productName.startsWith("DuckDB");
  }

  @Override
  public Database<?> createDatabase(
      Configuration configuration,
      JdbcConnectionFactory factory,
      StatementInterceptor interceptor) {
    return new DuckDbFlywayDatabase(configuration, factory, interceptor);
  }

  @Override
  public Parser createParser(
      Configuration configuration,
      ResourceProvider resourceProvider,
      ParsingContext parsingContext) {
    return new DuckDbParser(configuration, parsingContext);
  }

  static final class DuckDbParser extends Parser {
    DuckDbParser(Configuration configuration, ParsingContext parsingContext) {
      super(configuration, parsingContext, 3);
    }
  }

  static final class DuckDbFlywayDatabase extends Database<DuckDbFlywayConnection> {
    DuckDbFlywayDatabase(
        Configuration configuration,
        JdbcConnectionFactory factory,
        StatementInterceptor interceptor) {
      super(configuration, factory, interceptor);
    }

    @Override
    protected DuckDbFlywayConnection doGetConnection(Connection connection) {
      return new DuckDbFlywayConnection(this, connection);
    }

    @Override
    public void ensureSupported(Configuration configuration) {
      // every DuckDB release the server ships with
    }

    @Override
    public String getRawCreateScript(Table table, boolean baseline) {
      return "CREATE TABLE "
          + table
          + " (\n"
          + "  installed_rank INTEGER NOT NULL PRIMARY KEY,\n"
          + "  version VARCHAR,\n"
          + "  description VARCHAR NOT NULL,\n"
          + "  type VARCHAR NOT NULL,\n"
          + "  script VARCHAR NOT NULL,\n"
          + "  checksum INTEGER,\n"
          + "  installed_by VARCHAR NOT NULL,\n"
          + "  installed_on TIMESTAMP NOT NULL DEFAULT current_timestamp,\n"
          + "  execution_time INTEGER NOT NULL,\n"
          + "  success BOOLEAN NOT NULL\n"
          + ");\n"
          + (baseline ? getBaselineStatement(table) + ";\n" : "");
    }

    @Override
    protected String doGetCurrentUser() {
      return "duckdb";
    }

    @Override
    public boolean supportsDdlTransactions() {
      return true;
    }

    @Override
    public String getBooleanTrue() {
      return "TRUE";
    }

    @Override
    public String getBooleanFalse() {
      return "FALSE";
    }

    @Override
    public boolean catalogIsSchema() {
      return false;
    }

    @Override
    public boolean useSingleConnection() {
      return true;
    }
  }

  static final class DuckDbFlywayConnection
      extends org.flywaydb.core.internal.database.base.Connection<DuckDbFlywayDatabase> {
    DuckDbFlywayConnection(DuckDbFlywayDatabase database, Connection connection) {
      super(database, connection);
    }

    @Override
    protected String getCurrentSchemaNameOrSearchPath() throws SQLException {
      return jdbcTemplate.queryForString("SELECT current_schema()");
    }

    @Override
    protected void doChangeCurrentSchemaOrSearchPathTo(String schema) throws SQLException {
      if (!schema.equals(getCurrentSchemaNameOrSearchPath())) {
        jdbcTemplate.execute("USE " + database.quote(schema));
      }
    }

    @Override
    public Schema<?, ?> getSchema(String name) {
      return new DuckDbSchema(jdbcTemplate, database, name);
    }
  }

  static final class DuckDbSchema extends Schema<DuckDbFlywayDatabase, DuckDbTable> {
    DuckDbSchema(JdbcTemplate jdbcTemplate, DuckDbFlywayDatabase database, String name) {
      super(jdbcTemplate, database, name);
    }

    @Override
    protected boolean doExists() throws SQLException {
      return jdbcTemplate.queryForInt(
              "SELECT count(*) FROM information_schema.schemata WHERE catalog_name = current_database() AND schema_name = ?",
              name)
          > 0;
    }

    @Override
    protected boolean doEmpty() throws SQLException {
      return jdbcTemplate.queryForInt(
              "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = ?",
              name)
          == 0;
    }

    @Override
    protected void doCreate() throws SQLException {
      jdbcTemplate.execute("CREATE SCHEMA " + database.quote(name));
    }

    @Override
    protected void doDrop() throws SQLException {
      jdbcTemplate.execute("DROP SCHEMA " + database.quote(name) + " CASCADE");
    }

    @Override
    protected void doClean() throws SQLException {
      for (String view : names("VIEW")) {
        jdbcTemplate.execute("DROP VIEW IF EXISTS " + database.quote(name, view) + " CASCADE");
      }
      for (DuckDbTable table : doAllTables()) {
        table.drop();
      }
    }

    private List<String> names(String type) throws SQLException {
      return jdbcTemplate.queryForStringList(
          "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = ?"
              + " AND table_type = ? ORDER BY table_name",
          name,
          type);
    }

    @Override
    protected DuckDbTable[] doAllTables() throws SQLException {
      return names("BASE TABLE").stream()
          .map(t -> new DuckDbTable(jdbcTemplate, database, this, t))
          .toArray(DuckDbTable[]::new);
    }

    @Override
    public Table<?, ?> getTable(String tableName) {
      return new DuckDbTable(jdbcTemplate, database, this, tableName);
    }
  }

  static final class DuckDbTable extends Table<DuckDbFlywayDatabase, DuckDbSchema> {
    DuckDbTable(
        JdbcTemplate jdbcTemplate,
        DuckDbFlywayDatabase database,
        DuckDbSchema schema,
        String name) {
      super(jdbcTemplate, database, schema, name);
    }

    @Override
    protected void doDrop() throws SQLException {
      jdbcTemplate.execute("DROP TABLE " + database.quote(schema.getName(), name) + " CASCADE");
    }

    @Override
    protected boolean doExists() throws SQLException {
      return jdbcTemplate.queryForInt(
              "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = ?"
                  + " AND table_name = ?",
              schema.getName(),
              name)
          > 0;
    }

    @Override
    protected void doLock() {
      // one process per DuckDB file: nothing else can migrate it meanwhile
    }
  }
}
