package dev.causality.server;

import dev.causality.telemetry.Dialect;
import dev.causality.telemetry.Migrations;
import dev.causality.telemetry.Migrations.Phase;
import dev.causality.telemetry.PostgresDatabase;
import dev.causality.telemetry.TelemetryException;
import dev.causality.warehouse.DuckDbWarehouse;
import dev.causality.warehouse.WarehouseException;
import dev.causality.warehouse.WarehouseLockedException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code causality migrate all|status|dry-run|pre|post} (also {@code bin/analytics-migrate}): the
 * telemetry schema's migrations on the PostgreSQL of {@code DATABASE_URL} or {@code
 * PLATFORM_DATABASE_URL}, else on the embedded warehouse of the data dir.
 */
@Command(
    name = "migrate",
    description = {
      "Telemetry schema migrations: pre (raw events table, partitions, policies), post (rollups),",
      "all (pre then post), status (applied and pending), dry-run (print the SQL that would run).",
      "Target: --database-url, DATABASE_URL or PLATFORM_DATABASE_URL (postgres://user:pass@host:5432/db,",
      "postgresql://… or jdbc:postgresql://…); when none is set, the warehouse of the data dir."
    })
final class MigrateCommand implements Callable<Integer> {
  private static final List<String> ACTIONS = List.of("all", "status", "dry-run", "pre", "post");

  @Mixin Main.Settings settings;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ACTION", description = "all, status, dry-run, pre or post")
  String action;

  @Override
  public Integer call() {
    Main.quietLogs();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!ACTIONS.contains(action)) {
      err.println(
          "error: ACTION must be one of " + String.join(", ", ACTIONS) + "; was '" + action + "'");
      return 2;
    }
    Optional<String> url = settings.databaseUrl();
    try {
      if (url.isPresent()) {
        PostgresDatabase db = PostgresDatabase.parse("DATABASE_URL", url.get());
        Dialect dialect = db.detectDialect();
        return run(new Migrations(dialect, db), db + " (" + dialect.id() + ")", out);
      }
      return onWarehouse(out, err);
    } catch (IllegalArgumentException | TelemetryException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private int onWarehouse(PrintWriter out, PrintWriter err) {
    Path file = settings.dataDir.resolve("warehouse.duckdb");
    boolean readOnly = action.equals("status") || action.equals("dry-run");
    if (readOnly && !Files.exists(file)) {
      err.println(
          "error: no warehouse at "
              + file
              + "; `causality migrate all` creates it, or set --data-dir or DATABASE_URL");
      return 1;
    }
    try {
      if (!readOnly) {
        Files.createDirectories(settings.dataDir);
      }
      try (DuckDbWarehouse w =
          readOnly
              ? DuckDbWarehouse.openReadOnly(file)
              : DuckDbWarehouse.open(file, settings.warehouseMemory)) {
        return run(new Migrations(Dialect.DUCKDB, w::newConnection), file + " (duckdb)", out);
      }
    } catch (WarehouseLockedException e) {
      err.println("error: " + e.getMessage());
      err.println(
          "A running server holds the warehouse; stop it first (DuckDB allows one process per file)."
              + " The server applies these migrations itself when it starts.");
      return 3;
    } catch (WarehouseException e) {
      err.println("error: " + e.getMessage().lines().findFirst().orElse(""));
      return 1;
    } catch (java.io.IOException e) {
      err.println("error: cannot create " + settings.dataDir + ": " + e.getMessage());
      return 1;
    }
  }

  private int run(Migrations m, String target, PrintWriter out) {
    switch (action) {
      case "status" -> {
        out.println("Telemetry migrations on " + target + ":");
        printStatus(m, out);
      }
      case "dry-run" -> {
        List<Migrations.Pending> pending = m.pending(List.of(Phase.PRE, Phase.POST));
        out.println(
            "-- telemetry migrations on "
                + target
                + ": "
                + pending.size()
                + " would run; nothing was changed");
        for (Migrations.Pending p : pending) {
          out.println();
          out.println(
              "-- "
                  + p.phase().name().toLowerCase(java.util.Locale.ROOT)
                  + " V"
                  + p.version()
                  + " "
                  + p.description()
                  + " ("
                  + p.script()
                  + ")");
          out.println(p.sql().strip());
        }
      }
      default -> {
        List<Phase> phases =
            switch (action) {
              case "pre" -> List.of(Phase.PRE);
              case "post" -> List.of(Phase.POST);
              default -> List.of(Phase.PRE, Phase.POST);
            };
        int applied = m.migrate(phases);
        out.println(
            "Applied "
                + applied
                + " telemetry migration"
                + (applied == 1 ? "" : "s")
                + " ("
                + action
                + ") to "
                + target
                + ".");
        printStatus(m, out);
      }
    }
    return 0;
  }

  private static void printStatus(Migrations m, PrintWriter out) {
    List<List<Object>> rows = new ArrayList<>();
    int applied = 0;
    List<Migrations.Status> all = m.status();
    for (Migrations.Status s : all) {
      applied += s.applied() ? 1 : 0;
      rows.add(
          List.of(
              s.phase().name().toLowerCase(java.util.Locale.ROOT),
              s.version(),
              s.description(),
              s.applied() ? "applied" : "pending",
              s.installedOn().map(Object::toString).orElse("")));
    }
    Tables.print(out, List.of("phase", "version", "description", "state", "installed_on"), rows);
    out.println(applied + " applied, " + (all.size() - applied) + " pending");
  }
}
