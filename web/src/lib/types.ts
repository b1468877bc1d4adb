export type Role = 'VIEWER' | 'EDITOR' | 'ADMIN'
export interface User { id: string; email: string; role: Role }
export interface ProjectRef { id: string; name: string }
export interface Session { user: User; projects: ProjectRef[] }

export interface Filter { field: string; op: string; value?: unknown }
export interface EventInfo { event: string; count: number; lastSeenMicros: number }
export interface PropertyInfo { key: string; types: Record<string, number>; count: number; highCardinality: boolean; topValues: unknown[] }

export interface Series { event: string; metric: string; property?: string; filters?: Filter[] }
export type DateRangeSpec = string | { last: number; unit: string } | { from: string; to: string }

export interface TrendQuery {
  series: Series[]
  filters: Filter[]
  breakdown: string[]
  granularity: string
  dateRange: DateRangeSpec
  compare: boolean
  chart: ChartKind
}
export type ChartKind = 'line' | 'bar' | 'area' | 'number' | 'table'

export interface TrendSeries { label: string; breakdown: string[]; compare: boolean; values: (number | null)[]; total: number | null }
export interface TrendResult { buckets: string[]; compareBuckets?: string[]; series: TrendSeries[] }

export interface SqlColumn { name: string; type: string }
export interface SqlResult { columns: SqlColumn[]; rows: unknown[][]; rowCount: number; truncated: boolean; limitApplied: boolean; sql: string; elapsedMs: number }

export type QueryKind = 'trends' | 'funnels' | 'retention' | 'sql'
export interface SavedQuery { id: string; project: string; kind: QueryKind; name: string; description: string; query: unknown; author: string; createdAt: string; updatedAt: string }
export interface HistoryEntry { id: number; sql: string; project: string; ranAt: string; rowCount: number; error: string | null; elapsedMs: number }

export interface Tile { id: string; savedQueryId: string; x: number; y: number; w: number; h: number }
export interface Dashboard { id: string; project: string; name: string; refreshSeconds: number; dateRange: DateRangeSpec | null; tiles: Tile[]; author: string; updatedAt: string }
