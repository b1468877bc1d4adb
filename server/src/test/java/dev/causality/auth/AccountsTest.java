package dev.causality.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.causality.projects.SqliteMetadataStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts on a real SQLite file with a hand-driven clock: the time-dependent rules. */
class AccountsTest {
  /** A clock the test moves by hand. */
  static final class Clock implements InstantSource {
    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  @TempDir Path dir;
  SqliteMetadataStore metadata;
  SqliteAccountStore store;
  Clock clock = new Clock();
  Accounts accounts;

  @BeforeEach
  void open() {
    metadata = SqliteMetadataStore.open(dir.resolve("m.sqlite"));
    store = SqliteAccountStore.open(dir.resolve("m.sqlite"));
    accounts =
        new Accounts(
            store,
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
            clock,
            new Random(7));
  }

  @AfterEach
  void close() {
    store.close();
    metadata.close();
  }

  @Test
  void theFirstStartCreatesAnAdminWithAPrintedPasswordOnce() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    accounts.bootstrap(
        Optional.empty(), Optional.empty(), new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("admin@localhost");
    String password =
        printed
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.contains(" "))
            .findFirst()
            .orElseThrow();
    assertThat(accounts.signIn("admin@localhost", password, ""))
        .isInstanceOf(Accounts.SignIn.Success.class);
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    accounts.bootstrap(
        Optional.of("other@example.com"),
        Optional.empty(),
        new PrintStream(again, true, StandardCharsets.UTF_8));
    assertThat(again.size()).isZero();
    assertThat(accounts.users()).hasSize(1);
  }

  @Test
  void lockOutLastsFifteenMinutesFromTheFailures() {
    accounts.createUser("system", "u@example.com", "right-password", Role.VIEWER, Set.of(), "");
    for (int i = 0; i < 10; i++) {
      assertThat(accounts.signIn("u@example.com", "wrong-" + i, "10.0.0.1"))
          .isInstanceOf(Accounts.SignIn.Refused.class);
    }
    assertThat(accounts.signIn("u@example.com", "right-password", ""))
        .isInstanceOf(Accounts.SignIn.Locked.class);
    clock.advance(Duration.ofMinutes(14));
    assertThat(accounts.signIn("U@Example.com", "right-password", ""))
        .isInstanceOf(Accounts.SignIn.Locked.class);
    clock.advance(Duration.ofMinutes(1));
    assertThat(accounts.signIn("u@example.com", "right-password", ""))
        .isInstanceOf(Accounts.SignIn.Success.class);
    assertThat(accounts.audit(100, 0))
        .extracting(AuditEntry::action)
        .contains("user.sign_in_failed", "user.sign_in_locked", "user.sign_in");
    assertThat(accounts.audit(100, 0))
        .filteredOn(e -> e.action().equals("user.sign_in_failed"))
        .allSatisfy(e -> assertThat(e.ip()).isEqualTo("10.0.0.1"));
  }

  @Test
  void accessTokensLastFifteenMinutesAndRefreshTokensSevenDays() {
    accounts.createUser("system", "u@example.com", "right-password", Role.EDITOR, Set.of(), "");
    Accounts.SignIn.Success s =
        (Accounts.SignIn.Success) accounts.signIn("u@example.com", "right-password", "");
    assertThat(accounts.authenticateSession(s.session().accessToken())).isPresent();
    clock.advance(Duration.ofMinutes(15).plusSeconds(6));
    assertThat(accounts.authenticateSession(s.session().accessToken())).isEmpty();
    Accounts.SignIn.Success next = accounts.refresh(s.session().refreshToken(), "").orElseThrow();
    assertThat(next.session().familyId()).isEqualTo(s.session().familyId());
    assertThat(accounts.authenticateSession(next.session().accessToken()))
        .get()
        .extracting(Principal::role)
        .isEqualTo(Role.EDITOR);
    clock.advance(Duration.ofDays(7));
    assertThat(accounts.refresh(next.session().refreshToken(), "")).isEmpty();
  }

  @Test
  void theAdminTokenIsCreatedOnceAndBelongsToTheFirstAdmin() {
    assertThatThrownBy(() -> accounts.ensureAdminToken("long-enough-admin-token"))
        .hasMessageContaining("no active admin");
    accounts.bootstrap(
        Optional.of("boss@example.com"),
        Optional.of("boss-password"),
        new PrintStream(new ByteArrayOutputStream()));
    accounts.ensureAdminToken("long-enough-admin-token");
    accounts.ensureAdminToken("long-enough-admin-token");
    String adminId = accounts.users().getFirst().id();
    assertThat(accounts.tokens(adminId)).hasSize(1);
    assertThat(accounts.authenticateToken("long-enough-admin-token"))
        .get()
        .extracting(Principal::userId)
        .isEqualTo(adminId);
    assertThatThrownBy(() -> accounts.ensureAdminToken("short"))
        .hasMessageContaining("at least 16");
  }

  @Test
  void passwordLimitsCountCharactersAndBytes() {
    Accounts.checkPassword("password", "12345678");
    Accounts.checkPassword("password", "x".repeat(64));
    assertThatThrownBy(() -> Accounts.checkPassword("password", "1234567"))
        .hasMessageContaining("was 7");
    assertThatThrownBy(() -> Accounts.checkPassword("password", "x".repeat(65)))
        .hasMessageContaining("was 65");
    // 36 three-byte characters: 36 characters but 108 bytes.
    assertThatThrownBy(() -> Accounts.checkPassword("next", "€".repeat(36)))
        .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.field()).isEqualTo("next"))
        .hasMessageContaining("72 bytes");
    assertThatThrownBy(() -> Accounts.checkPassword("password", null))
        .hasMessageContaining("required");
  }

  @Test
  void failuresOutsideTheLockOutWindowArePrunedWhenAFailureIsRecorded() throws SQLException {
    for (int i = 0; i < 5; i++) {
      accounts.signIn("a@example.com", "wrong-" + i, "");
    }
    clock.advance(Duration.ofMinutes(10));
    accounts.signIn("b@example.com", "wrong", "");
    assertThat(failures()).as("all within 15 minutes").hasSize(6);

    clock.advance(Duration.ofMinutes(5));
    accounts.signIn("c@example.com", "wrong", "");
    // a's failures are exactly 15 minutes old: they no longer count, so they go
    assertThat(failures())
        .containsExactly(
            "b@example.com " + Instant.parse("2026-11-23T10:10:00Z").toEpochMilli(),
            "c@example.com " + Instant.parse("2026-11-23T10:15:00Z").toEpochMilli());
    clock.advance(Duration.ofDays(1));
    accounts.signIn("b@example.com", "wrong", "");
    assertThat(failures()).hasSize(1);
  }

  @Test
  void theEpochMillisMigrationKeepsTextFailuresOfEveryPrecision() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve("old.sqlite").toAbsolutePath();
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/metadata")
        .target("20")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO sign_in_failures (email, at) VALUES ('u@example.com', ?)")) {
      for (String at :
          List.of(
              "2026-11-23T10:00:00Z",
              "2026-11-23T10:00:00.5Z",
              "2026-11-23T10:00:00.123Z",
              "2026-11-23T10:00:00.123456Z",
              "2026-11-23T10:00:00.999999999Z")) {
        ps.setString(1, at);
        ps.executeUpdate();
      }
    }
    SqliteMetadataStore.open(dir.resolve("old.sqlite")).close();
    SqliteAccountStore old = SqliteAccountStore.open(dir.resolve("old.sqlite"));
    try {
      long base = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
      // truncated to the millisecond, as Instant.toEpochMilli() does for the rows written from now
      // on
      assertThat(failures(url))
          .containsExactly(
              "u@example.com " + base,
              "u@example.com " + (base + 123),
              "u@example.com " + (base + 123),
              "u@example.com " + (base + 500),
              "u@example.com " + (base + 999));
      assertThat(old.failuresSince("U@example.com", Instant.parse("2026-11-23T10:00:00.123Z")))
          .isEqualTo(2);
    } finally {
      old.close();
    }
  }

  List<String> failures() throws SQLException {
    return failures("jdbc:sqlite:" + dir.resolve("m.sqlite").toAbsolutePath());
  }

  static List<String> failures(String url) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT email, at FROM sign_in_failures ORDER BY at, email")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getLong(2));
      }
    }
    return out;
  }
}
