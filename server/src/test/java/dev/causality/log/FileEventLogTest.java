package dev.causality.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEventLogTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> payloads(List<LogRecord> records) {
    return records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).toList();
  }

  @Test
  void appendsAreReadBackInOrderWithChainedPositions() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, 1 << 20)) {
      log.append(List.of(bytes("a"), bytes("bb"))).get();
      log.append(List.of(bytes("ccc"))).get();
      List<LogRecord> all = log.read(0, Integer.MAX_VALUE);
      assertThat(payloads(all)).containsExactly("a", "bb", "ccc");
      assertThat(all.get(0).position()).isZero();
      assertThat(all.get(1).position()).isEqualTo(all.get(0).nextPosition());
      assertThat(all.get(2).nextPosition()).isEqualTo(log.end());
      assertThat(payloads(log.read(all.get(1).position(), Integer.MAX_VALUE)))
          .containsExactly("bb", "ccc");
      assertThat(log.read(log.end(), 100)).isEmpty();
    }
  }

  @Test
  void readReturnsAtLeastOneRecordAndStopsAtMaxBytes() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, 1 << 20)) {
      log.append(List.of(bytes("x".repeat(100)), bytes("y".repeat(100)), bytes("z"))).get();
      assertThat(log.read(0, 1)).hasSize(1);
      assertThat(log.read(0, 150)).hasSize(2);
    }
  }

  @Test
  void readsRecordsOfAnySizeInWindowsAcrossSegments() throws Exception {
    java.util.Random random = new java.util.Random(11);
    List<byte[]> appended = new ArrayList<>();
    try (FileEventLog log = FileEventLog.open(dir, 256 * 1024)) {
      for (int i = 0; i < 60; i++) {
        int size =
            switch (i % 4) {
              case 0 -> 1 + random.nextInt(50);
              case 1 -> 1_000 + random.nextInt(5_000);
              case 2 -> 60_000 + random.nextInt(10_000); // around the 64 KB read window
              default -> 100_000 + random.nextInt(100_000); // longer than the window
            };
        byte[] b = new byte[size];
        random.nextBytes(b);
        appended.add(b);
        log.append(List.of(b)).get();
      }
      List<Long> positions = new ArrayList<>();
      for (LogRecord r : log.read(0, Integer.MAX_VALUE)) {
        positions.add(r.position());
      }
      assertThat(positions).hasSize(appended.size());
      for (int maxBytes : new int[] {1, 1_000, 70_000, 300_000, Integer.MAX_VALUE}) {
        for (int first = 0; first < appended.size(); first += 7) {
          long pos = positions.get(first);
          int expected = first;
          while (pos < log.end()) {
            List<LogRecord> chunk = log.read(pos, maxBytes);
            assertThat(chunk).as("read(%d, %d)", pos, maxBytes).isNotEmpty();
            long bytesBeforeLast = 0;
            for (LogRecord r : chunk) {
              assertThat(r.position()).isEqualTo(positions.get(expected));
              assertThat(r.payload()).isEqualTo(appended.get(expected));
              expected++;
              pos = r.nextPosition();
            }
            for (int k = 0; k < chunk.size() - 1; k++) {
              bytesBeforeLast += chunk.get(k).payload().length;
            }
            assertThat(bytesBeforeLast)
                .as("a read stops once it has maxBytes")
                .isLessThan(Math.max(1, maxBytes));
          }
          assertThat(expected).isEqualTo(appended.size());
        }
      }
    }
  }

  @Test
  void groupsAndRecordsLargerThanTheWriteBufferAreWrittenWhole() throws Exception {
    java.util.Random random = new java.util.Random(5);
    List<byte[]> group = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // ~3 MB: the 1 MB write buffer fills three times
      byte[] b = new byte[1 + random.nextInt(20_000)];
      random.nextBytes(b);
      group.add(b);
    }
    byte[] huge = new byte[3 * 1024 * 1024 / 2]; // larger than the whole buffer
    random.nextBytes(huge);
    group.add(150, huge);
    try (FileEventLog log = FileEventLog.open(dir, 64 << 20)) {
      log.append(group).get();
      log.append(List.of(bytes("after"))).get();
    }
    // reopened: every record passes its checksum, none is cut as a torn tail
    try (FileEventLog log = FileEventLog.open(dir, 64 << 20)) {
      assertThat(log.tornBytesRecovered()).isZero();
      List<LogRecord> all = log.read(0, Integer.MAX_VALUE);
      assertThat(all).hasSize(group.size() + 1);
      for (int i = 0; i < group.size(); i++) {
        assertThat(all.get(i).payload()).as("record %d", i).isEqualTo(group.get(i));
      }
      assertThat(all.getLast().payload()).isEqualTo(bytes("after"));
      assertThat(all.getLast().nextPosition()).isEqualTo(log.end());
    }
  }

  @Test
  void survivesReopenAndContinuesPositions() throws Exception {
    long end;
    try (FileEventLog log = FileEventLog.open(dir, 1 << 20)) {
      log.append(List.of(bytes("one"), bytes("two"))).get();
      end = log.end();
    }
    try (FileEventLog log = FileEventLog.open(dir, 1 << 20)) {
      assertThat(log.end()).isEqualTo(end);
      assertThat(log.tornBytesRecovered()).isZero();
      log.append(List.of(bytes("three"))).get();
      assertThat(payloads(log.read(0, Integer.MAX_VALUE))).containsExactly("one", "two", "three");
    }
  }

  @Test
  void rollsSegmentsReadsAcrossThemAndReleasesLoadedOnes() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, 1024)) {
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String p = "record-" + i + "-" + "p".repeat(100);
        sent.add(p);
        log.append(List.of(bytes(p))).get();
      }
      assertThat(segmentFiles()).hasSizeGreaterThan(3);
      assertThat(payloads(log.read(0, Integer.MAX_VALUE))).containsExactlyElementsOf(sent);
      List<LogRecord> all = log.read(0, Integer.MAX_VALUE);
      long middle = all.get(30).position();
      log.release(middle);
      assertThat(log.start()).isGreaterThan(0).isLessThanOrEqualTo(middle);
      assertThat(payloads(log.read(middle, Integer.MAX_VALUE)))
          .containsExactlyElementsOf(sent.subList(30, 50));
      assertThatThrownBy(() -> log.read(0, 10)).isInstanceOf(IllegalArgumentException.class);
    }
    try (FileEventLog log = FileEventLog.open(dir, 1024)) {
      assertThat(payloads(log.read(log.start(), Integer.MAX_VALUE)))
          .last()
          .asString()
          .startsWith("record-49-");
    }
  }

  @Test
  void concurrentAppendsAreGroupCommittedAndAllDurable() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, 1 << 20)) {
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        threads.add(
            Thread.ofVirtual()
                .start(() -> {
                  for (int i = 0; i < 100; i++) {
                    CompletableFuture<Void> f = log.append(List.of(bytes(thread + ":" + i)));
                    synchronized (acks) {
                      acks.add(f);
                    }
                    f.join();
                  }
                }));
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(acks).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
      assertThat(log.read(0, Integer.MAX_VALUE)).hasSize(800);
    }
  }

  @Test
  void tornTailIsCutQuarantinedAndNeverRead() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, 1 << 20)) {
      log.append(List.of(bytes("kept-1"), bytes("kept-2"))).get();
    }
    Path segment = segmentFiles().getFirst();
    long good = Files.size(segment);
    // a record whose header promises more bytes than were written before the crash
    try (FileChannel ch =
        FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(
          ByteBuffer.allocate(9 + 3)
              .put(FileEventLog.MAGIC)
              .putInt(500)
              .putInt(42)
              .put(bytes("abc"))
              .flip());
    }
    try (FileEventLog log = FileEventLog.open(dir, 1 << 20)) {
      assertThat(log.tornBytesRecovered()).isEqualTo(12);
      assertThat(log.end()).isEqualTo(good);
      assertThat(payloads(log.read(0, Integer.MAX_VALUE))).containsExactly("kept-1", "kept-2");
      log.append(List.of(bytes("after"))).get();
      assertThat(payloads(log.read(0, Integer.MAX_VALUE)))
          .containsExactly("kept-1", "kept-2", "after");
    }
    try (Stream<Path> q = Files.list(dir.resolve("quarantine"))) {
      assertThat(q.toList())
          .singleElement()
          .satisfies(p -> assertThat(Files.size(p)).isEqualTo(12));
    }
  }

  @Test
  void checksumMismatchInTheTailIsCutButInAnOlderSegmentIsReportedNotSkipped() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, 1024)) {
      for (int i = 0; i < 30; i++) {
        log.append(List.of(bytes("r" + i + "-" + "q".repeat(100)))).get();
      }
    }
    Path first = segmentFiles().getFirst();
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes("X")), 112 + 9 + 5); // a payload byte of the second record
    }
    try (FileEventLog log = FileEventLog.open(dir, 1024)) {
      assertThatThrownBy(() -> log.read(0, Integer.MAX_VALUE))
          .isInstanceOf(CorruptLogException.class)
          .hasMessageContaining(first.getFileName().toString())
          .hasMessageContaining("checksum mismatch");
      assertThat(log.read(0, 1)).hasSize(1);
    }
  }

  @Test
  void appendAfterCloseFailsAsUnavailable() {
    FileEventLog log = FileEventLog.open(dir, 1 << 20);
    log.close();
    assertThat(log.writable()).isFalse();
    assertThatThrownBy(() -> log.append(List.of(bytes("late"))).get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(LogUnavailableException.class);
  }

  @Test
  void awaitBeyondReturnsWhenDataArrives() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, 1 << 20)) {
      Thread writer = Thread.ofVirtual().start(() -> log.append(List.of(bytes("late"))).join());
      log.awaitBeyond(0, 10_000);
      writer.join();
      assertThat(log.end()).isPositive();
      assertThat(log.sizeBytes()).isEqualTo(log.end());
    }
  }

  @Test
  void scanValidPrefixStopsAtBadMagic() throws IOException {
    Path f = dir.resolve("x.log");
    Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      assertThat(FileEventLog.scanValidPrefix(ch)).isZero();
    }
  }

  @Test
  void rejectsTinySegments() {
    assertThatThrownBy(() -> FileEventLog.open(dir, 10)).hasMessageContaining("segmentBytes");
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
  }
}
