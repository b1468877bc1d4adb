package dev.causality.live;

import dev.causality.auth.Principal;
import dev.causality.auth.Role;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /api/live?project=}: accepted events as Server-Sent Events ({@code event: event},
 * {@code id:} the sequence number, {@code data:} the event as JSON), only of projects the caller
 * may see. A reconnect sending {@code Last-Event-ID} (or {@code lastEventId=}) resumes after that
 * event while it is still held; a comment line every 15 s keeps the connection open. With {@code
 * follow=false} the answer ends after what is there now (a poll, for clients without streaming).
 */
public final class LiveRoutes {
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final LiveEvents live;

  private LiveRoutes(LiveEvents live) {
    this.live = live;
  }

  public static void register(JavalinDefaultRoutingApi routes, LiveEvents live) {
    routes.get("/api/live", new LiveRoutes(live)::stream, Role.VIEWER);
  }

  private static long lastEventId(Context ctx) {
    String v = ctx.header("Last-Event-ID");
    if (v == null) {
      v = ctx.queryParam("lastEventId");
    }
    try {
      return v == null ? -1 : Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void stream(Context ctx) throws IOException {
    Principal p = Principal.of(ctx);
    String requested = ctx.queryParam("project");
    String project = requested == null || requested.isEmpty() ? null : p.project(requested);
    long cursor = lastEventId(ctx);
    boolean follow = !"false".equals(ctx.queryParam("follow"));
    HttpServletResponse res = ctx.res();
    res.setStatus(200);
    res.setContentType("text/event-stream;charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    live.subscribe();
    try {
      if (cursor < 0) {
        cursor = live.lastSeq();
      }
      OutputStream out = res.getOutputStream();
      out.write(
          ("retry: 2000\n: connected, after event " + cursor + "\n\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (!live.closed()) {
        List<LiveEvents.Entry> entries = live.after(cursor, follow ? HEARTBEAT : Duration.ZERO);
        StringBuilder sb = new StringBuilder();
        for (LiveEvents.Entry e : entries) {
          cursor = e.seq();
          if (project == null ? p.canSee(e.project()) : project.equals(e.project())) {
            sb.append("id: ")
                .append(e.seq())
                .append("\nevent: event\ndata: ")
                .append(e.json())
                .append("\n\n");
          }
        }
        if (sb.isEmpty()) {
          sb.append(": ping\n\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (!follow) {
          break;
        }
      }
    } catch (IOException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      live.unsubscribe();
    }
  }
}
