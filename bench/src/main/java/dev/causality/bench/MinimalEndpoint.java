package dev.causality.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The baseline for the ingestion benchmark: the least a durable Segment batch endpoint can do on
 * the server's HTTP stack (Javalin 7 on Jetty 12, virtual threads). It checks the write key, parses
 * the body with Jackson, appends it to one file as a checksummed record, and answers {@code
 * {"success":true}} only after the record is fsynced, with the server's group commit: one writer
 * thread takes every append that is waiting, writes them with one write and one {@code
 * force(false)}, then releases them all.
 *
 * <p>Usage: {@code MinimalEndpoint --port 8090 --file /tmp/minimal.log --key KEY}.
 */
public final class MinimalEndpoint {
  private static final byte[] OK =
      "{\"success\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private record Pending(byte[] payload, CompletableFuture<Void> done) {}

  private final ObjectMapper mapper = new ObjectMapper();
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final FileChannel file;
  private final String key;
  private long end;

  private MinimalEndpoint(FileChannel file, String key) {
    this.file = file;
    this.key = key;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int port = Integer.parseInt(a.getOrDefault("port", "8090"));
    Path path = Path.of(a.getOrDefault("file", "minimal.log"));
    Files.createDirectories(path.toAbsolutePath().getParent());
    FileChannel ch =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    MinimalEndpoint endpoint =
        new MinimalEndpoint(ch, a.getOrDefault("key", "bench-key-0123456789"));
    Thread.ofPlatform().name("log-writer").daemon(true).start(endpoint::writeLoop);
    Javalin app =
        Javalin.create(cfg -> {
          cfg.concurrency.useVirtualThreads = true;
          cfg.startup.showJavalinBanner = false;
          cfg.jetty.port = port;
          cfg.routes.post("/v1/batch", endpoint::batch);
          cfg.routes.get("/health", ctx -> ctx.result("ok"));
        });
    app.start();
    System.out.println("minimal endpoint listening on " + app.port() + ", appending to " + path);
    Runtime.getRuntime().addShutdownHook(new Thread(app::stop));
    Thread.currentThread().join();
  }

  private void batch(Context ctx) throws Exception {
    if (!key.equals(ctx.header("X-Write-Key"))) {
      ctx.status(401).contentType("application/json").result("{\"success\":false}");
      return;
    }
    byte[] body = ctx.req().getInputStream().readAllBytes();
    JsonNode tree;
    try {
      tree = mapper.readTree(body);
    } catch (IOException e) {
      ctx.status(400).contentType("application/json").result("{\"success\":false}");
      return;
    }
    if (tree == null || !tree.path("batch").isArray()) {
      ctx.status(400).contentType("application/json").result("{\"success\":false}");
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Pending(body, done));
    done.get(30, TimeUnit.SECONDS);
    ctx.status(200).contentType("application/json").result(OK);
  }

  private void writeLoop() {
    List<Pending> group = new ArrayList<>();
    CRC32C crc = new CRC32C();
    while (true) {
      try {
        group.add(queue.take());
        queue.drainTo(group);
        int bytes = 0;
        for (Pending p : group) {
          bytes += 9 + p.payload().length;
        }
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        for (Pending p : group) {
          crc.reset();
          crc.update(p.payload());
          buf.put((byte) 0xCA)
              .putInt(p.payload().length)
              .putInt((int) crc.getValue())
              .put(p.payload());
        }
        buf.flip();
        while (buf.hasRemaining()) {
          end += file.write(buf, end);
        }
        file.force(false);
        for (Pending p : group) {
          p.done().complete(null);
        }
      } catch (IOException e) {
        for (Pending p : group) {
          p.done().completeExceptionally(e);
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        group.clear();
      }
    }
  }
}
