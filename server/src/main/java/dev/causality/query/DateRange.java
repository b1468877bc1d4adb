package dev.causality.query;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/** The time range of a query, relative to now or absolute, in the query's time zone. */
public sealed interface DateRange {

  /** A half-open window [from, to) of local date-times. */
  record Window(LocalDateTime from, LocalDateTime to) {
    Window shiftedBack() {
      // the same length exactly, sub-second parts included
      return new Window(from.minus(java.time.Duration.between(from, to)), from);
    }
  }

  /** The last {@code n} days, weeks or months, the current one included. */
  record Last(int n, ChronoUnit unit) implements DateRange {}

  /** today, yesterday, this_week, last_week, this_month, last_month, this_year. */
  record Named(String name) implements DateRange {}

  /** From one local date-time to another (exclusive). */
  record Absolute(LocalDateTime from, LocalDateTime to) implements DateRange {}

  default Window resolve(ZonedDateTime now) {
    LocalDate today = now.toLocalDate();
    LocalDateTime tomorrow = today.plusDays(1).atStartOfDay();
    return switch (this) {
      case Last l ->
          switch (l.unit()) {
            case WEEKS ->
                new Window(
                    today
                        .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                        .minusWeeks(l.n() - 1L)
                        .atStartOfDay(),
                    tomorrow);
            case MONTHS ->
                new Window(
                    today.withDayOfMonth(1).minusMonths(l.n() - 1L).atStartOfDay(), tomorrow);
            case HOURS ->
                new Window(
                    now.toLocalDateTime().truncatedTo(ChronoUnit.HOURS).minusHours(l.n() - 1L),
                    now.toLocalDateTime().truncatedTo(ChronoUnit.HOURS).plusHours(1));
            default -> new Window(today.minusDays(l.n() - 1L).atStartOfDay(), tomorrow);
          };
      case Named n ->
          switch (n.name()) {
            case "today" -> new Window(today.atStartOfDay(), tomorrow);
            case "yesterday" -> new Window(today.minusDays(1).atStartOfDay(), today.atStartOfDay());
            case "this_week" ->
                new Window(
                    today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(),
                    tomorrow);
            case "last_week" -> {
              LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
              yield new Window(monday.minusWeeks(1).atStartOfDay(), monday.atStartOfDay());
            }
            case "this_month" -> new Window(today.withDayOfMonth(1).atStartOfDay(), tomorrow);
            case "last_month" ->
                new Window(
                    today.withDayOfMonth(1).minusMonths(1).atStartOfDay(),
                    today.withDayOfMonth(1).atStartOfDay());
            case "this_year" -> new Window(today.withDayOfYear(1).atStartOfDay(), tomorrow);
            default ->
                throw QueryException.invalid("dateRange", "unknown range '" + n.name() + "'");
          };
      case Absolute a -> new Window(a.from(), a.to());
    };
  }
}
