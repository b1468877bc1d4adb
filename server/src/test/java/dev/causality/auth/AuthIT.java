package dev.causality.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.causality.server.Config;
import dev.causality.server.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign-in, sessions, tokens and their attacks, against a real server. */
class AuthIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "admin@example.com";
  static final String ADMIN_PASSWORD = "correct horse battery";
  static TestServer server;
  static Client admin;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(c ->
            c.withAccounts(
                new Config.Accounts(
                    Optional.of(ADMIN), Optional.of(ADMIN_PASSWORD), false, Optional.empty())));
    admin = signedIn(ADMIN, ADMIN_PASSWORD);
    assertThat(admin.post("/api/projects", "{\"id\":\"alpha\",\"name\":\"Alpha\"}").statusCode())
        .isEqualTo(201);
    assertThat(admin.post("/api/projects", "{\"id\":\"beta\",\"name\":\"Beta\"}").statusCode())
        .isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Client signedIn(String email, String password) {
    Client c = Client.of(server.server().port());
    HttpResponse<String> r =
        c.post(
            "/api/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return c;
  }

  static String createUser(String email, String password, String role, String... projects) {
    String list = String.join("\",\"", projects);
    HttpResponse<String> r =
        admin.post(
            "/api/users",
            "{\"email\":\""
                + email
                + "\",\"password\":\""
                + password
                + "\",\"role\":\""
                + role
                + "\",\"projects\":["
                + (projects.length == 0 ? "" : "\"" + list + "\"")
                + "]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).path("id").asText();
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(r.body(), e);
    }
  }

  /** Polls until {@code check} holds: access checks cache their answer for up to 2 s. */
  static void eventually(Supplier<Boolean> check) {
    long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    while (!check.get()) {
      assertThat(System.nanoTime()).as("condition not met within 6 s").isLessThan(deadline);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Test
  void signInSetsHostOnlyHttpOnlyStrictCookiesAndAnswersWhoYouAre() {
    Client c = Client.of(server.server().port());
    HttpResponse<String> r =
        c.post(
            "/api/auth/login",
            "{\"email\":\"ADMIN@example.com \",\"password\":\"" + ADMIN_PASSWORD + "\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("user").path("email").asText()).isEqualTo(ADMIN);
    assertThat(json(r).path("user").path("role").asText()).isEqualTo("admin");
    List<String> cookies = r.headers().allValues("Set-Cookie");
    assertThat(cookies).hasSize(2);
    assertThat(cookies)
        .allSatisfy(s -> {
          assertThat(s)
              .contains("HttpOnly")
              .contains("SameSite=Strict")
              .doesNotContainIgnoringCase("Domain=")
              .doesNotContain("Secure");
        });
    assertThat(cookies)
        .anySatisfy(s ->
            assertThat(s)
                .startsWith("causality_session=")
                .contains("Path=/;")
                .contains("Max-Age=900;"));
    assertThat(cookies)
        .anySatisfy(s ->
            assertThat(s)
                .startsWith("causality_refresh=")
                .contains("Path=/api/auth")
                .contains("Max-Age=604800"));
    HttpResponse<String> me = c.get("/api/me");
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(json(me).path("projects").toString())
        .contains("alpha")
        .contains("beta")
        .contains("default");
  }

  @Test
  void cookiesAreSecureUnlessTurnedOff() {
    try (TestServer s =
        TestServer.start(c ->
            c.withAccounts(
                new Config.Accounts(
                    Optional.of("a@b.c"), Optional.of("password-1234"), true, Optional.empty())))) {
      Client c = Client.of(s.server().port());
      HttpResponse<String> r =
          c.post("/api/auth/login", "{\"email\":\"a@b.c\",\"password\":\"password-1234\"}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().allValues("Set-Cookie"))
          .hasSize(2)
          .allSatisfy(v -> assertThat(v).endsWith("; Secure"));
    }
  }

  @Test
  void unknownEmailAndWrongPasswordGetTheSameAnswerInTheSameTime() {
    Client c = Client.of(server.server().port());
    long[] wrong = new long[5];
    long[] unknown = new long[5];
    String wrongBody = null;
    String unknownBody = null;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> w =
          c.post(
              "/api/auth/login",
              "{\"email\":\"timing-known@example.com\",\"password\":\"not the password\"}");
      wrong[i] = System.nanoTime() - t0;
      t0 = System.nanoTime();
      HttpResponse<String> u =
          c.post(
              "/api/auth/login",
              "{\"email\":\"nobody-" + i + "@example.com\",\"password\":\"not the password\"}");
      unknown[i] = System.nanoTime() - t0;
      assertThat(w.statusCode()).isEqualTo(401);
      assertThat(u.statusCode()).isEqualTo(401);
      wrongBody = w.body();
      unknownBody = u.body();
    }
    assertThat(unknownBody).isEqualTo(wrongBody).contains("invalid_credentials");
    // Both run one bcrypt verification at cost 12 (hundreds of ms here); neither path is a fast
    // reject. Medians of five, with room for a loaded machine: a fast reject would be ~100x faster.
    java.util.Arrays.sort(wrong);
    java.util.Arrays.sort(unknown);
    assertThat(unknown[2]).isGreaterThan(wrong[2] / 5);
    assertThat(wrong[2]).isGreaterThan(unknown[2] / 5);
    assertThat(Duration.ofNanos(unknown[0])).isGreaterThan(Duration.ofMillis(30));
  }

  @Test
  void tenFailuresLockTheAccountFor15MinutesEvenForTheRightPasswordAndUnknownEmailsLockTheSame() {
    createUser("locked@example.com", "the-real-password", "viewer", "alpha");
    Client c = Client.of(server.server().port());
    for (int i = 0; i < Accounts.MAX_FAILURES; i++) {
      assertThat(
              c.post(
                      "/api/auth/login",
                      "{\"email\":\"locked@example.com\",\"password\":\"guess-" + i + "\"}")
                  .statusCode())
          .isEqualTo(401);
    }
    HttpResponse<String> r =
        c.post(
            "/api/auth/login",
            "{\"email\":\"locked@example.com\",\"password\":\"the-real-password\"}");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(json(r).path("code").asText()).isEqualTo("locked");
    assertThat(r.headers().firstValue("Retry-After")).contains("900");
    assertThat(json(r).path("message").asText()).contains("15 minutes");
    for (int i = 0; i < Accounts.MAX_FAILURES; i++) {
      c.post(
          "/api/auth/login", "{\"email\":\"ghost@example.com\",\"password\":\"guess-" + i + "\"}");
    }
    HttpResponse<String> ghost =
        c.post("/api/auth/login", "{\"email\":\"ghost@example.com\",\"password\":\"guess\"}");
    assertThat(ghost.statusCode()).isEqualTo(429);
    assertThat(ghost.body()).isEqualTo(r.body());
    // Other accounts are not affected.
    assertThat(signedIn(ADMIN, ADMIN_PASSWORD).get("/api/me").statusCode()).isEqualTo(200);
  }

  @Test
  void refreshRotatesAndAReplayedRefreshTokenRevokesTheWholeSession() {
    Client c = signedIn(ADMIN, ADMIN_PASSWORD);
    String first = c.cookie("causality_refresh");
    HttpResponse<String> r = c.post("/api/auth/refresh", "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String second = c.cookie("causality_refresh");
    assertThat(second).isNotEqualTo(first);
    assertThat(c.get("/api/me").statusCode()).isEqualTo(200);

    Client thief = Client.of(server.server().port());
    thief.cookie("causality_refresh", first, "/api/auth");
    assertThat(thief.post("/api/auth/refresh", "").statusCode()).isEqualTo(401);
    // The legitimate holder's newer token is dead too, and so is their access token.
    Client holder = Client.of(server.server().port());
    holder.cookie("causality_refresh", second, "/api/auth");
    assertThat(holder.post("/api/auth/refresh", "").statusCode()).isEqualTo(401);
    eventually(() -> c.get("/api/me").statusCode() == 401);
    assertThat(admin.get("/api/audit?limit=50").body()).contains("session.replay_detected");
  }

  @Test
  void signOutEndsTheSession() {
    Client c = signedIn(ADMIN, ADMIN_PASSWORD);
    String refresh = c.cookie("causality_refresh");
    String access = c.cookie("causality_session");
    HttpResponse<String> out = c.post("/api/auth/logout", "");
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().allValues("Set-Cookie"))
        .allSatisfy(v -> assertThat(v).contains("Max-Age=0"));
    Client replay = Client.of(server.server().port());
    replay.cookie("causality_refresh", refresh, "/api/auth");
    assertThat(replay.post("/api/auth/refresh", "").statusCode()).isEqualTo(401);
    Client stolen = Client.of(server.server().port());
    stolen.cookie("causality_session", access, "/");
    eventually(() -> stolen.get("/api/me").statusCode() == 401);
  }

  private static String sign(JWSAlgorithm alg, byte[] key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new MACSigner(key));
    return jwt.serialize();
  }

  private static JWTClaimsSet.Builder claims(String userId, String family, Instant now) {
    return new JWTClaimsSet.Builder()
        .issuer("causality")
        .audience("causality-api")
        .subject(userId)
        .claim("sid", family)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(900)))
        .jwtID(UUID.randomUUID().toString());
  }

  private static int meWith(String accessToken) {
    Client c = Client.of(server.server().port());
    c.cookie("causality_session", accessToken, "/");
    return c.get("/api/me").statusCode();
  }

  @Test
  void forgedAccessTokensAreRefused() throws Exception {
    byte[] key =
        HexFormat.of().parseHex(Files.readString(server.dataDir().resolve("session.key")).strip());
    Client c = signedIn(ADMIN, ADMIN_PASSWORD);
    String real = c.cookie("causality_session");
    SignedJWT parsed = SignedJWT.parse(real);
    String userId = parsed.getJWTClaimsSet().getSubject();
    String family = (String) parsed.getJWTClaimsSet().getClaim("sid");
    Instant now = Instant.now();
    // The real token and one we sign with the server's key work: the forgeries below differ in one
    // thing each.
    assertThat(meWith(real)).isEqualTo(200);
    assertThat(meWith(sign(JWSAlgorithm.HS256, key, claims(userId, family, now).build())))
        .isEqualTo(200);

    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String payload =
        b64.encodeToString(
            claims(userId, family, now).build().toString().getBytes(StandardCharsets.UTF_8));
    String none =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + payload
            + ".";
    assertThat(meWith(none)).as("alg:none").isEqualTo(401);
    byte[] otherKey = new byte[32];
    new java.security.SecureRandom().nextBytes(otherKey);
    assertThat(meWith(sign(JWSAlgorithm.HS256, otherKey, claims(userId, family, now).build())))
        .as("wrong key")
        .isEqualTo(401);
    byte[] longKey = java.util.Arrays.copyOf(key, 64);
    assertThat(meWith(sign(JWSAlgorithm.HS512, longKey, claims(userId, family, now).build())))
        .as("other algorithm")
        .isEqualTo(401);
    assertThat(
            meWith(
                sign(
                    JWSAlgorithm.HS256,
                    key,
                    claims(userId, family, now.minusSeconds(3600)).build())))
        .as("expired")
        .isEqualTo(401);
    assertThat(
            meWith(
                sign(
                    JWSAlgorithm.HS256,
                    key,
                    claims(userId, family, now)
                        .notBeforeTime(Date.from(now.plusSeconds(600)))
                        .build())))
        .as("not yet valid")
        .isEqualTo(401);
    assertThat(
            meWith(
                sign(
                    JWSAlgorithm.HS256,
                    key,
                    claims(userId, family, now).audience("someone-else").build())))
        .as("wrong audience")
        .isEqualTo(401);
    assertThat(
            meWith(
                sign(
                    JWSAlgorithm.HS256,
                    key,
                    claims(userId, family, now).notBeforeTime(null).build())))
        .as("no nbf")
        .isEqualTo(401);
    assertThat(meWith(sign(JWSAlgorithm.HS256, key, claims(userId, "ses_made_up", now).build())))
        .as("unknown session")
        .isEqualTo(401);
    String[] parts = real.split("\\.");
    String tampered =
        parts[0]
            + "."
            + b64.encodeToString(
                claims("usr_someone_else", family, now)
                    .build()
                    .toString()
                    .getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThat(meWith(tampered)).as("tampered payload").isEqualTo(401);
    assertThat(meWith("garbage")).isEqualTo(401);
  }

  @Test
  void crossSiteRequestsAreRefusedAndSameOriginOnesPass() {
    Client c = signedIn(ADMIN, ADMIN_PASSWORD);
    int port = server.server().port();
    assertThat(c.get("/api/me", "Origin", "https://evil.example").statusCode()).isEqualTo(403);
    assertThat(
            c.post("/api/projects", "{\"id\":\"evil\"}", "Sec-Fetch-Site", "cross-site")
                .statusCode())
        .isEqualTo(403);
    assertThat(
            c.post("/api/projects", "{\"id\":\"evil\"}", "Sec-Fetch-Site", "same-site")
                .statusCode())
        .isEqualTo(403);
    assertThat(c.get("/api/me", "Origin", "null").statusCode()).isEqualTo(403);
    assertThat(
            c.get("/api/me", "Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin")
                .statusCode())
        .isEqualTo(200);
    assertThat(admin.get("/api/projects").body()).doesNotContain("evil");
  }

  @Test
  void everyResponseCarriesSecurityHeaders() {
    for (HttpResponse<String> r :
        List.of(
            admin.get("/health"),
            admin.get("/api/me"),
            admin.get("/no/such/page"),
            Client.of(server.server().port()).get("/api/me"))) {
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
      assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
          .contains("frame-ancestors 'none'")
          .contains("default-src 'self'");
      assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }
  }

  @Test
  void passwordRulesNameTheFieldAndTheLimit() {
    HttpResponse<String> tooShort =
        admin.post(
            "/api/users",
            "{\"email\":\"p1@example.com\",\"password\":\"short\",\"role\":\"viewer\"}");
    assertThat(tooShort.statusCode()).isEqualTo(400);
    assertThat(json(tooShort).path("field").asText()).isEqualTo("password");
    assertThat(json(tooShort).path("message").asText()).contains("8 to 64 characters");
    HttpResponse<String> tooLong =
        admin.post(
            "/api/users",
            "{\"email\":\"p1@example.com\",\"password\":\""
                + "x".repeat(65)
                + "\",\"role\":\"viewer\"}");
    assertThat(json(tooLong).path("message").asText()).contains("was 65");
    HttpResponse<String> tooManyBytes =
        admin.post(
            "/api/users",
            "{\"email\":\"p1@example.com\",\"password\":\""
                + "é".repeat(40)
                + "\",\"role\":\"viewer\"}");
    assertThat(tooManyBytes.statusCode()).isEqualTo(400);
    assertThat(json(tooManyBytes).path("message").asText()).contains("72 bytes").contains("was 80");
    HttpResponse<String> badEmail =
        admin.post("/api/users", "{\"email\":\"not-an-email\",\"password\":\"long-enough-1\"}");
    assertThat(json(badEmail).path("field").asText()).isEqualTo("email");
    HttpResponse<String> badRole =
        admin.post(
            "/api/users",
            "{\"email\":\"r@example.com\",\"password\":\"long-enough-1\",\"role\":\"root\"}");
    assertThat(json(badRole).path("field").asText()).isEqualTo("role");
    HttpResponse<String> badProject =
        admin.post(
            "/api/users",
            "{\"email\":\"r@example.com\",\"password\":\"long-enough-1\",\"projects\":[\"nope\"]}");
    assertThat(json(badProject).path("field").asText()).isEqualTo("projects");
    createUser("dup@example.com", "long-enough-1", "viewer");
    HttpResponse<String> dup =
        admin.post("/api/users", "{\"email\":\"DUP@example.com\",\"password\":\"long-enough-1\"}");
    assertThat(dup.statusCode()).isEqualTo(409);
  }

  @Test
  void changingThePasswordEndsOtherSessionsAndKeepsTheCallerSignedIn() {
    createUser("changer@example.com", "first-password", "editor", "alpha");
    Client a = signedIn("changer@example.com", "first-password");
    Client b = signedIn("changer@example.com", "first-password");
    HttpResponse<String> wrong =
        a.post("/api/me/password", "{\"current\":\"not-it\",\"next\":\"second-password\"}");
    assertThat(wrong.statusCode()).isEqualTo(403);
    HttpResponse<String> weak =
        a.post("/api/me/password", "{\"current\":\"first-password\",\"next\":\"2short\"}");
    assertThat(json(weak).path("field").asText()).isEqualTo("next");
    assertThat(
            a.post(
                    "/api/me/password",
                    "{\"current\":\"first-password\",\"next\":\"second-password\"}")
                .statusCode())
        .isEqualTo(204);
    assertThat(a.get("/api/me").statusCode()).isEqualTo(200);
    assertThat(b.post("/api/auth/refresh", "").statusCode()).isEqualTo(401);
    eventually(() -> b.get("/api/me").statusCode() == 401);
    assertThat(
            Client.of(server.server().port())
                .post(
                    "/api/auth/login",
                    "{\"email\":\"changer@example.com\",\"password\":\"first-password\"}")
                .statusCode())
        .isEqualTo(401);
    signedIn("changer@example.com", "second-password");
  }

  @Test
  void disablingAUserEndsTheirSessionsAndSignIns() {
    String id = createUser("leaver@example.com", "leaver-password", "editor", "alpha");
    Client c = signedIn("leaver@example.com", "leaver-password");
    HttpResponse<String> tok = c.post("/api/tokens", "{\"name\":\"laptop\"}");
    String token = json(tok).path("token").asText();
    assertThat(admin.send("PATCH", "/api/users/" + id, "{\"disabled\":true}").statusCode())
        .isEqualTo(200);
    eventually(() -> c.get("/api/me").statusCode() == 401);
    assertThat(c.post("/api/auth/refresh", "").statusCode()).isEqualTo(401);
    eventually(
        () -> Client.of(server.server().port()).bearer(token).get("/api/me").statusCode() == 401);
    assertThat(
            Client.of(server.server().port())
                .post(
                    "/api/auth/login",
                    "{\"email\":\"leaver@example.com\",\"password\":\"leaver-password\"}")
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void theLastAdminCannotBeDemoted() {
    String adminId = json(admin.get("/api/me")).path("user").path("id").asText();
    HttpResponse<String> r = admin.send("PATCH", "/api/users/" + adminId, "{\"role\":\"viewer\"}");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(json(r).path("code").asText()).isEqualTo("last_admin");
  }

  @Test
  void personalTokensActWithTheirOwnersRoleUntilRevoked() {
    createUser("reader@example.com", "reader-password", "viewer", "alpha");
    Client reader = signedIn("reader@example.com", "reader-password");
    HttpResponse<String> created = reader.post("/api/tokens", "{\"name\":\"ci\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    String token = json(created).path("token").asText();
    assertThat(token).startsWith("cat_");
    assertThat(reader.get("/api/tokens").body()).contains("\"name\":\"ci\"").doesNotContain(token);
    Client api = Client.of(server.server().port()).bearer(token);
    assertThat(api.get("/api/me").statusCode()).isEqualTo(200);
    assertThat(api.get("/api/events?project=alpha").statusCode()).isEqualTo(200);
    assertThat(api.get("/api/events?project=beta").statusCode()).isEqualTo(403);
    assertThat(api.get("/api/users").statusCode()).isEqualTo(403);
    assertThat(api.post("/api/projects", "{\"id\":\"mine\"}").statusCode()).isEqualTo(403);
    String id = json(created).path("id").asText();
    assertThat(reader.send("DELETE", "/api/tokens/" + id, null).statusCode()).isEqualTo(204);
    eventually(() -> api.get("/api/me").statusCode() == 401);
    assertThat(reader.send("DELETE", "/api/tokens/" + id, null).statusCode()).isEqualTo(404);
  }

  @Test
  void theAdminTokenSettingIsAPreCreatedAdminToken() {
    try (TestServer s = TestServer.start(c -> c.withAdminToken("preset-admin-token-123"))) {
      Client api = Client.of(s.server().port()).bearer("preset-admin-token-123");
      HttpResponse<String> me = api.get("/api/me");
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(json(me).path("user").path("role").asText()).isEqualTo("admin");
      assertThat(api.get("/api/users").statusCode()).isEqualTo(200);
      assertThat(
              Client.of(s.server().port())
                  .bearer("preset-admin-token-124")
                  .get("/api/me")
                  .statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void aRevokedIngestionKeyStopsWorkingWithinSeconds() {
    HttpResponse<String> created =
        admin.post("/api/projects/alpha/keys", "{\"name\":\"web\",\"rateLimit\":0}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String secret = json(created).path("secret").asText();
    String keyId = json(created).path("id").asText();
    assertThat(admin.get("/api/projects/alpha/keys").body()).contains(keyId).doesNotContain(secret);
    String batch =
        "{\"writeKey\":\""
            + secret
            + "\",\"batch\":[{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\"}]}";
    assertThat(server.post("/v1/batch", batch, "Content-Type", "application/json").statusCode())
        .isEqualTo(200);
    assertThat(admin.send("DELETE", "/api/keys/" + keyId, null).statusCode()).isEqualTo(204);
    eventually(() ->
        server.post("/v1/batch", batch, "Content-Type", "application/json").statusCode() == 401);
    assertThat(admin.get("/api/audit?limit=100").body())
        .contains("key.create")
        .contains("key.revoke");
  }

  @Test
  void usersSeeOnlyTheirProjectsDataEverywhere() throws Exception {
    for (String p : List.of("alpha", "beta")) {
      String key =
          json(admin.post("/api/projects/" + p + "/keys", "{\"name\":\"k\",\"rateLimit\":0}"))
              .path("secret")
              .asText();
      StringBuilder batch = new StringBuilder("{\"writeKey\":\"" + key + "\",\"batch\":[");
      int n = p.equals("alpha") ? 3 : 5;
      for (int i = 0; i < n; i++) {
        batch
            .append(i == 0 ? "" : ",")
            .append("{\"type\":\"track\",\"event\":\"Seen ")
            .append(p)
            .append("\",\"userId\":\"u")
            .append(i)
            .append("\"}");
      }
      assertThat(
              server
                  .post(
                      "/v1/batch",
                      batch.append("]}").toString(),
                      "Content-Type",
                      "application/json")
                  .statusCode())
          .isEqualTo(200);
    }
    server.awaitLoaded();
    createUser("alpha-viewer@example.com", "alpha-password", "viewer", "alpha");
    Client v = signedIn("alpha-viewer@example.com", "alpha-password");
    assertThat(json(v.get("/api/me")).path("projects").toString())
        .contains("alpha")
        .doesNotContain("beta");
    assertThat(json(v.get("/api/projects")).path("projects").toString())
        .contains("alpha")
        .doesNotContain("beta");
    HttpResponse<String> mine =
        v.post(
            "/api/sql",
            "{\"project\":\"alpha\",\"sql\":\"SELECT event, count(*) AS n FROM events WHERE event LIKE 'Seen%' GROUP BY event\"}");
    assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
    assertThat(json(mine).path("rows").toString()).isEqualTo("[[\"Seen alpha\",3]]");
    assertThat(v.post("/api/sql", "{\"project\":\"beta\",\"sql\":\"SELECT 1\"}").statusCode())
        .isEqualTo(403);
    HttpResponse<String> bypass =
        v.post("/api/sql", "{\"project\":\"alpha\",\"sql\":\"SELECT count(*) FROM main.events\"}");
    assertThat(bypass.statusCode()).isEqualTo(400);
    assertThat(bypass.body()).contains("without a schema");
    assertThat(
            v.post("/api/sql", "{\"project\":\"alpha\",\"sql\":\"SELECT * FROM dead_letters\"}")
                .body())
        .contains("only for admins");
    assertThat(v.get("/api/schema").body()).contains("events").doesNotContain("dead_letters");
    // Ordering of the statement survives the project scope around it.
    HttpResponse<String> ordered =
        v.post(
            "/api/sql",
            "{\"project\":\"alpha\",\"sql\":\"SELECT user_id FROM events WHERE event LIKE 'Seen%' ORDER BY user_id DESC\"}");
    assertThat(json(ordered).path("rows").toString()).isEqualTo("[[\"u2\"],[\"u1\"],[\"u0\"]]");
    String trends =
        "{\"project\":\"%s\",\"series\":[{\"event\":\"$any\"}],\"dateRange\":{\"last\":7,\"unit\":\"days\"}}";
    assertThat(v.post("/api/query/trends", trends.formatted("alpha")).statusCode()).isEqualTo(200);
    assertThat(v.post("/api/query/trends", trends.formatted("beta")).statusCode()).isEqualTo(403);
    assertThat(
            v.post("/v1/analytics/query", "{\"project\":\"beta\",\"metrics\":[\"count\"]}")
                .statusCode())
        .isEqualTo(403);
    assertThat(v.get("/api/events?project=beta").statusCode()).isEqualTo(403);
    assertThat(v.get("/api/properties?project=beta").statusCode()).isEqualTo(403);
    assertThat(
            json(admin.post(
                    "/api/sql",
                    "{\"project\":\"beta\",\"sql\":\"SELECT count(*) FROM events WHERE event LIKE 'Seen%'\"}"))
                .path("rows")
                .toString())
        .isEqualTo("[[5]]");
    assertThat(admin.get("/api/audit?limit=200").body())
        .contains("sql.query")
        .contains("SELECT event, count(*) AS n FROM events");
  }
}
