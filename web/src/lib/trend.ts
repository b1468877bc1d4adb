import type { DateRangeSpec, TrendQuery } from './types'

export const DEFAULT_TREND: TrendQuery = {
  series: [{ event: '$any', metric: 'count' }],
  filters: [],
  breakdown: [],
  granularity: 'day',
  dateRange: { last: 30, unit: 'days' },
  compare: false,
  chart: 'line',
}

/** Reads the trend query kept in the URL (`?q=` JSON); anything unreadable falls back to defaults. */
export function decodeTrend(q: string | undefined): TrendQuery {
  if (!q) return DEFAULT_TREND
  try {
    const v = JSON.parse(q) as Partial<TrendQuery>
    return { ...DEFAULT_TREND, ...v, series: v.series?.length ? v.series : DEFAULT_TREND.series }
  } catch {
    return DEFAULT_TREND
  }
}

export function encodeTrend(t: TrendQuery): string {
  return JSON.stringify(t)
}

/** The body of POST /api/query/trends for a trend query in a project, optionally over another range. */
export function trendBody(t: TrendQuery, project: string, range?: DateRangeSpec | null) {
  return {
    project,
    series: t.series.map((s) => ({ event: s.event, metric: s.metric, ...(s.property ? { property: s.property } : {}), ...(s.filters?.length ? { filters: s.filters } : {}) })),
    filters: t.filters.filter((f) => f.field),
    breakdown: t.breakdown.filter(Boolean),
    granularity: t.granularity,
    dateRange: range ?? t.dateRange,
    compare: t.compare,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  }
}

export const METRICS = [
  { value: 'count', label: 'Total events', property: false },
  { value: 'unique_users', label: 'Unique users', property: false },
  { value: 'sessions', label: 'Sessions', property: false },
  { value: 'events_per_user', label: 'Events per user', property: false },
  { value: 'sum', label: 'Sum of', property: true },
  { value: 'avg', label: 'Average of', property: true },
  { value: 'min', label: 'Min of', property: true },
  { value: 'max', label: 'Max of', property: true },
  { value: 'p50', label: 'Median of', property: true },
  { value: 'p90', label: 'p90 of', property: true },
  { value: 'p95', label: 'p95 of', property: true },
  { value: 'p99', label: 'p99 of', property: true },
]
