package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: projects, keys and sql against a real data dir. */
class MainIT {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void projectsAndKeysLifecycle() {
    String d = dir.resolve("data").toString();
    assertThat(run("projects", "create", "shop", "--name", "Shop", "--data-dir", d).out())
        .contains("Created project 'shop'");
    assertThat(run("projects", "list", "--data-dir", d).out()).contains("shop", "Shop", "(1 row)");
    Run created =
        run(
            "keys",
            "create",
            "--project",
            "shop",
            "--name",
            "web",
            "--key-rate-limit",
            "20",
            "--data-dir",
            d);
    assertThat(created.code()).isZero();
    String secret = created.out().lines().toList().getLast().trim();
    assertThat(secret).startsWith("ck_");
    String keyId = created.out().replaceAll("(?s).*Created key (key_\\w+).*", "$1");
    Run list = run("keys", "list", "--data-dir", d);
    assertThat(list.out()).contains(keyId, "shop", "web", "20", "active").doesNotContain(secret);
    assertThat(run("keys", "revoke", keyId, "--data-dir", d).out()).contains("Revoked " + keyId);
    assertThat(run("keys", "list", "--data-dir", d).out()).doesNotContain("active");
    Run again = run("keys", "revoke", keyId, "--data-dir", d);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("no active key");
    Run noProject = run("keys", "create", "--project", "nope", "--data-dir", d);
    assertThat(noProject.code()).isEqualTo(1);
    assertThat(noProject.err()).contains("no project 'nope'");
  }

  @Test
  void usersLifecycleAndAPasswordResetThatLetsTheUserBackIn() {
    String d = dir.resolve("data").toString();
    run("projects", "create", "shop", "--data-dir", d);
    Run created =
        run(
            "users",
            "create",
            "Ann@Example.com",
            "--role",
            "editor",
            "--project",
            "shop",
            "--data-dir",
            d);
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out())
        .contains("Created editor ann@example.com with this password (shown once):");
    String password = created.out().lines().toList().getLast().strip();
    assertThat(password).hasSizeGreaterThanOrEqualTo(20);
    assertThat(run("users", "list", "--data-dir", d).out())
        .contains("ann@example.com", "editor", "shop", "active")
        .doesNotContain(password);
    Run bad = run("users", "create", "bob@example.com", "--role", "root", "--data-dir", d);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--role must be viewer, editor or admin");
    Run weak = run("users", "create", "bob@example.com", "--password", "short", "--data-dir", d);
    assertThat(weak.code()).isEqualTo(1);
    assertThat(weak.err()).contains("password must be 8 to 64 characters");
    Run reset = run("users", "reset-password", "ann@example.com", "--data-dir", d);
    assertThat(reset.code()).isZero();
    String next = reset.out().lines().toList().getLast().strip();
    assertThat(next).isNotEqualTo(password);
    try (TestServer s = TestServer.start(dir.resolve("data"), c -> c)) {
      String login = "{\"email\":\"ann@example.com\",\"password\":\"%s\"}";
      assertThat(s.post("/api/auth/login", login.formatted(password)).statusCode()).isEqualTo(401);
      assertThat(s.post("/api/auth/login", login.formatted(next)).statusCode()).isEqualTo(200);
    }
    assertThat(run("users", "reset-password", "nobody@example.com", "--data-dir", d).err())
        .contains("not found");
  }

  @Test
  void sqlPrintsTablesCsvAndJson() {
    Path data = dir.resolve("data");
    try (TestServer s = TestServer.start(data, c -> c)) {
      s.post(
          "/v1/track",
          "{\"userId\":\"u1\",\"event\":\"Signed Up\",\"messageId\":\"m-1\"}",
          "X-Write-Key",
          TestServer.KEY);
      s.awaitLoaded();
    }
    String d = data.toString();
    Run table = run("sql", "SELECT event, user_id FROM events", "--data-dir", d);
    assertThat(table.code()).isZero();
    assertThat(table.out()).contains("event     | user_id", "Signed Up | u1", "(1 row)");
    assertThat(
            run("sql", "SELECT event, user_id FROM events", "--format", "csv", "--data-dir", d)
                .out())
        .isEqualToNormalizingNewlines("event,user_id\nSigned Up,u1\n");
    assertThat(
            run("sql", "SELECT event, 1 AS n FROM events", "--format", "json", "--data-dir", d)
                .out()
                .trim())
        .isEqualTo("[{\"event\":\"Signed Up\",\"n\":1}]");
    Run truncated = run("sql", "SELECT * FROM range(5)", "--max-rows", "2", "--data-dir", d);
    assertThat(truncated.err()).contains("truncated to 2 rows");
    Run bad = run("sql", "SELECT * FROM nowhere", "--data-dir", d);
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("nowhere");
    assertThat(run("sql", "SELECT 1", "--format", "xml", "--data-dir", d).code()).isEqualTo(2);
    assertThat(run("sql", "SELECT 1", "--data-dir", dir.resolve("empty").toString()).err())
        .contains("no warehouse");
  }

  @Test
  void serveStopWhenStartedStartsEverythingThenStopsAndReturns() {
    // the launcher's training run for its class-data archive
    String d = dir.resolve("trained").toString();
    Run r = run("serve", "--data-dir", d, "--port", "0", "--stop-when-started");
    assertThat(r.code()).as(r.err()).isZero();
    // it created the data dir's stores like any first start, and let go of the warehouse
    assertThat(run("projects", "list", "--data-dir", d).out()).contains("default", "(1 row)");
    Run sql = run("sql", "SELECT count(*) AS n FROM events", "--data-dir", d);
    assertThat(sql.code()).as(sql.err()).isZero();
    assertThat(sql.out()).contains("(1 row)");
  }

  @Test
  void serveTrainSendsGeneratedTrafficThroughItsOwnPortAndStoresAllOfIt() {
    // the launcher's training run for its AOT cache (JDK 25)
    String d = dir.resolve("trained-traffic").toString();
    Run r =
        run(
            "serve",
            "--data-dir",
            d,
            "--port",
            "0",
            "--ingest-key",
            "training-key-0123456789",
            "--rate-limit",
            "0",
            "--train",
            "3s");
    assertThat(r.code()).as(r.err()).isZero();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "trained: (\\d+) requests, (\\d+) events acknowledged, 0 refused")
            .matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    long requests = Long.parseLong(m.group(1));
    long events = Long.parseLong(m.group(2));
    // whole rounds of 9 batches of 100 and 10 single calls, at least one per sender
    assertThat(events).isPositive();
    assertThat(events % 910).isZero();
    assertThat(requests).isEqualTo(events / 910 * 19);
    // every acknowledged event is stored once, each with its own id, of the generated kinds
    Run sql =
        run(
            "sql",
            "SELECT count(*) AS n, count(DISTINCT event_id) AS ids, "
                + "count(DISTINCT type) FILTER (WHERE type IN ('track', 'page', 'screen', 'identify')) AS kinds "
                + "FROM events",
            "--format",
            "csv",
            "--data-dir",
            d);
    assertThat(sql.code()).as(sql.err()).isZero();
    assertThat(sql.out()).contains(events + "," + events + ",4");
  }

  @Test
  void serveTrainNeedsAPresetKey() {
    Run r = run("serve", "--data-dir", dir.resolve("untrained").toString(), "--train", "1s");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--train needs a preset ingestion key (CAUSALITY_INGEST_KEY)");
  }

  @Test
  void sqlSaysSoWhenARunningServerHoldsTheWarehouse() throws Exception {
    Path data = dir.resolve("held");
    try (ServerProcess p = ServerProcess.start(data, Map.of())) {
      Run r = run("sql", "SELECT count(*) FROM events", "--data-dir", data.toString());
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.err()).contains("held by another process", "stop it first");
    }
  }

  @Test
  void firstStartHandsOutAKeyEvenWhenProjectDefaultAlreadyExists() throws Exception {
    Path data = dir.resolve("prepared");
    assertThat(run("projects", "create", "default", "--data-dir", data.toString()).code()).isZero();
    try (ServerProcess p = ServerProcess.start(data, Map.of("CAUSALITY_INGEST_KEY", ""))) {
      p.sigterm(java.time.Duration.ofSeconds(30));
      assertThat(java.nio.file.Files.readString(p.output()))
          .contains("Created an ingestion key for project 'default'");
    }
    assertThat(run("keys", "list", "--data-dir", data.toString()).out())
        .contains("default", "active");
  }

  @Test
  void helpListsTheCommands() {
    Run r = run("--help");
    assertThat(r.out()).contains("serve", "keys", "projects", "sql", "demo");
    assertThat(run("keys").out()).contains("create", "list", "revoke");
  }
}
