package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.ingest.IngestLimits;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  @Test
  void theCommandLineWritesInTheCharsetOfTheStreamsItIsGiven() {
    // a stream whose charset is not the platform default (UTF-8): the CLI's writers used the
    // default one, so its text came out as UTF-8 bytes inside a UTF-16 stream
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_16LE);
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_16LE);

    assertThat(Main.run(out, err, "--version")).isZero();
    assertThat(outBytes.toString(StandardCharsets.UTF_16LE)).contains("causality 0.1.0");

    assertThat(Main.run(out, err, "--no-such-option")).isNotZero();
    assertThat(errBytes.toString(StandardCharsets.UTF_16LE)).contains("--no-such-option");
  }

  @Test
  void serveWithoutSettingsHasTheIngestionLimitsDefaults() {
    // the command line writes its defaults as text; they must not drift from IngestLimits
    Main.Serve serve = new Main.Serve();
    new CommandLine(serve).parseArgs();
    assertThat(serve.settings.config().limits()).isEqualTo(IngestLimits.DEFAULTS);
  }
}
