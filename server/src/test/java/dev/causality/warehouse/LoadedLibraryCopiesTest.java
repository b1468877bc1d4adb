package dev.causality.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadedLibraryCopiesTest {
  @TempDir Path dir;

  @Test
  void removesOnlyTheMappedCopiesOfTheLibraryInTheDirectory() throws Exception {
    Path mapped = Files.writeString(dir.resolve("libduckdb_java123.so"), "elf");
    Path otherProcess = Files.writeString(dir.resolve("libduckdb_java456.so"), "elf");
    Path otherLibrary = Files.writeString(dir.resolve("libsqlite.so"), "elf");
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path mappedElsewhere = Files.writeString(elsewhere.resolve("libduckdb_java789.so"), "elf");
    List<String> maps =
        List.of(
            "7f00-7f10 r--p 00000000 fd:00 12 " + mapped,
            "7f10-7f20 r-xp 00010000 fd:00 12 " + mapped,
            "7f20-7f30 r--p 00000000 fd:00 13 " + otherLibrary.resolveSibling("gone.so"),
            "7f30-7f40 r--p 00000000 fd:00 14 " + otherLibrary,
            "7f40-7f50 r--p 00000000 fd:00 15 " + mappedElsewhere,
            "7f50-7f60 r--p 00000000 fd:00 16 " + dir.resolve("libduckdb_java1.so") + " (deleted)",
            "7ffd-7ffe rw-p 00000000 00:00 0 [stack]",
            "7fff-8000 rw-p 00000000 00:00 0");

    List<Path> removed = LoadedLibraryCopies.unlink(dir, "libduckdb_java", maps);

    assertThat(removed).containsExactly(mapped);
    assertThat(mapped).doesNotExist();
    assertThat(otherProcess).as("not mapped here: another process's copy").exists();
    assertThat(otherLibrary).as("another library").exists();
    assertThat(mappedElsewhere).as("not in the temporary directory").exists();
  }

  @Test
  void theDriversCopyIsGoneOnceAWarehouseIsOpen() throws Exception {
    try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "256MB")) {
      List<String> duckdb =
          Files.readAllLines(Path.of("/proc/self/maps")).stream()
              .filter(l -> l.contains("libduckdb_java"))
              .toList();
      assertThat(duckdb).as("the driver's library is mapped").isNotEmpty();
      assertThat(duckdb)
          .as("every mapping of it is of a file no longer on disk")
          .allSatisfy(l -> assertThat(l).endsWith(" (deleted)"));
      assertThat(w.query("SELECT 40 + 2 AS x", 1).rows())
          .as("the library works without its file")
          .containsExactly(List.of(42));
    }
  }
}
