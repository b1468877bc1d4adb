package dev.causality.server;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the C heap's free pages back to the kernel once the server has gone quiet, so that idle RSS
 * stays low without trimming under load. The JVM's periodic trim ({@code TrimNativeHeapInterval},
 * every 5 s) did both: {@code malloc_trim} holds each arena's lock while it works, and the pages it
 * gave back faulted in again at once; at 30,000 events/s on a slow machine the ack p99 was 40–237
 * ms with it and 22–27 ms without (docs/benchmarks.md). Without any trim, idle RSS went past 300
 * MB. Here the JVM's own trim ({@code jcmd PID System.trim_native_heap}) runs only when {@code
 * activity} (log and loader positions) has not moved for one interval.
 */
final class IdleTrim implements AutoCloseable {
  static final Duration EVERY = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(IdleTrim.class);

  private final LongSupplier activity;
  private final Supplier<String> trim;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("idle-trim").daemon(true).unstarted(r));
  private long last = Long.MIN_VALUE;

  IdleTrim(LongSupplier activity, Supplier<String> trim) {
    this.activity = activity;
    this.trim = trim;
  }

  /** Looks every {@link #EVERY}, trimming with the JVM's own trim. */
  static IdleTrim start(LongSupplier activity) {
    IdleTrim t = new IdleTrim(activity, IdleTrim::trimNativeHeap);
    t.timer.scheduleWithFixedDelay(
        () -> {
          try {
            t.check().ifPresent(report -> LOG.debug("idle: {}", report.strip()));
          } catch (RuntimeException e) {
            LOG.warn("cannot trim the native heap; not trying again: {}", e.getMessage());
            t.timer.shutdown();
          }
        },
        EVERY.toMillis(),
        EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    return t;
  }

  /**
   * One look: trims when {@code activity} has not moved since the last look, and returns the trim's
   * report then, else empty. While the server stays quiet it trims at every look, which costs
   * nothing then and catches what is freed later (the JIT's arenas once it has compiled).
   */
  synchronized Optional<String> check() {
    long now = activity.getAsLong();
    if (now != last) {
      last = now;
      return Optional.empty();
    }
    return Optional.of(trim.get());
  }

  /** {@code jcmd PID System.trim_native_heap}, through the JVM's DiagnosticCommand MBean. */
  static String trimNativeHeap() {
    try {
      return String.valueOf(
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "systemTrimNativeHeap",
                  new Object[] {null},
                  new String[] {String[].class.getName()}));
    } catch (JMException e) {
      throw new IllegalStateException("the JVM cannot trim its native heap: " + e, e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
