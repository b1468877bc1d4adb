package dev.causality.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectsTest {
  @TempDir Path dir;

  private Projects projects(SqliteMetadataStore store) {
    return new Projects(
        store, InstantSource.system(), new SplittableRandom(1).split(), Duration.ZERO);
  }

  @Test
  void createsKeysStoresOnlyTheirHashAndAuthenticates() {
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("m.sqlite"))) {
      Projects p = projects(store);
      p.createProject("shop", "Shop");
      CreatedKey k = p.createKey("shop", "web", OptionalInt.of(50), Optional.empty());
      assertThat(k.secret()).startsWith("ck_").hasSize(35);
      assertThat(k.key().prefix()).isEqualTo(k.secret().substring(0, 8));
      assertThat(p.authenticate(k.secret()))
          .get()
          .extracting(IngestKey::projectId)
          .isEqualTo("shop");
      assertThat(p.authenticate(k.secret()).orElseThrow().rateLimit()).hasValue(50);
      assertThat(p.authenticate("ck_wrong_wrong_wrong")).isEmpty();
      assertThat(p.authenticate("")).isEmpty();
      assertThat(store.keyBySecretHash(k.secret())).isEmpty();
      assertThat(store.keyBySecretHash(Projects.hash(k.secret()))).isPresent();
    }
  }

  @Test
  void revokedKeysStopWorkingAndRevokeIsIdempotent() {
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("m.sqlite"))) {
      Projects p = projects(store);
      p.createProject("shop", "Shop");
      CreatedKey k =
          p.createKey("shop", "web", OptionalInt.empty(), Optional.of("preset_key_1234567890"));
      assertThat(p.authenticate("preset_key_1234567890")).isPresent();
      assertThat(p.revokeKey(k.key().id())).isTrue();
      assertThat(p.revokeKey(k.key().id())).isFalse();
      assertThat(p.authenticate("preset_key_1234567890")).isEmpty();
      assertThat(p.keys()).singleElement().satisfies(key -> assertThat(key.active()).isFalse());
    }
  }

  @Test
  void validatesProjectsAndKeys() {
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("m.sqlite"))) {
      Projects p = projects(store);
      assertThatThrownBy(() -> p.createProject("Bad Id", "x")).hasMessageContaining("project id");
      p.createProject("a", "A");
      assertThatThrownBy(() -> p.createProject("a", "again"))
          .hasMessageContaining("already exists");
      assertThatThrownBy(() -> p.createKey("nope", "k", OptionalInt.empty(), Optional.empty()))
          .hasMessageContaining("no project 'nope'");
      assertThatThrownBy(() -> p.createKey("a", "k", OptionalInt.of(-1), Optional.empty()))
          .hasMessageContaining("rate limit");
      assertThatThrownBy(() -> p.createKey("a", "k", OptionalInt.empty(), Optional.of("short")))
          .hasMessageContaining("16 to 200");
      assertThat(p.projects()).extracting(Project::id).containsExactly("a");
    }
  }

  @Test
  void dataSurvivesReopenAndMigrationsAreVersioned() {
    Path file = dir.resolve("m.sqlite");
    try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
      projects(store).createProject("a", "A");
    }
    try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
      assertThat(store.project("a")).isPresent();
      assertThat(store.project("b")).isEmpty();
    }
  }
}
