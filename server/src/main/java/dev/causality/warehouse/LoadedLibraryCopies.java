package dev.causality.warehouse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the temporary copy of a native library once this process has it loaded. The DuckDB driver
 * unpacks its 72 MB library into {@code java.io.tmpdir} at every start and deletes it only when the
 * JVM exits normally, so every {@code kill -9}, crash or power cut left a copy behind: a server
 * restarted in a loop would fill {@code /tmp} (on a tmpfs, memory). On Linux a loaded library stays
 * mapped after its file is unlinked, so the copy can go as soon as it is loaded.
 */
final class LoadedLibraryCopies {
  private static final Logger LOG = LoggerFactory.getLogger(LoadedLibraryCopies.class);
  private static final Path MAPS = Path.of("/proc/self/maps");

  private LoadedLibraryCopies() {}

  /**
   * Unlinks the files in {@code java.io.tmpdir} named {@code prefix…​.so} that this process has
   * mapped; does nothing where {@code /proc/self/maps} does not exist. Never fails: a copy that
   * stays is only disk space.
   */
  static List<Path> unlink(String prefix) {
    if (!Files.isReadable(MAPS)) {
      return List.of();
    }
    try {
      Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
      return unlink(tmp, prefix, Files.readAllLines(MAPS));
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot remove the temporary copy of {}: {}", prefix, e.getMessage());
      return List.of();
    }
  }

  /**
   * Unlinks the files of {@code dir} named {@code prefix…​.so} that {@code maps} (lines of {@code
   * /proc/<pid>/maps}) shows mapped; returns them.
   */
  static List<Path> unlink(Path dir, String prefix, List<String> maps) {
    List<Path> removed = new ArrayList<>();
    for (String line : maps) {
      int slash = line.indexOf('/');
      if (slash < 0 || line.endsWith(" (deleted)")) {
        continue;
      }
      Path file = Path.of(line.substring(slash));
      String name = file.getFileName().toString();
      // a library mapped in several regions appears on several lines: deleteIfExists is false
      // for the second and later ones
      if (dir.equals(file.getParent()) && name.startsWith(prefix) && name.endsWith(".so")) {
        try {
          if (Files.deleteIfExists(file)) {
            removed.add(file);
            LOG.debug("removed {}: loaded, it is no longer needed on disk", file);
          }
        } catch (IOException e) {
          LOG.debug("cannot remove {}: {}", file, e.getMessage());
        }
      }
    }
    return removed;
  }
}
