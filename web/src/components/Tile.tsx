import { useQuery } from '@tanstack/react-query'
import { post } from '../lib/api'
import { trendBody } from '../lib/trend'
import type { DateRangeSpec, SavedQuery, SqlResult, TrendQuery, TrendResult } from '../lib/types'
import { funnelBody, type FunnelQuery } from '../pages/Funnels'
import { retentionBody, type RetentionQuery } from '../pages/Retention'
import { FunnelView, ResultTable, RetentionView, TrendChart, type FunnelResult, type RetentionResult } from './charts'
import { ErrorState, Loading } from './ui'

type Answer =
  | { kind: 'trends'; q: TrendQuery; r: TrendResult }
  | { kind: 'funnels'; q: FunnelQuery; r: FunnelResult }
  | { kind: 'retention'; r: RetentionResult }
  | { kind: 'sql'; r: SqlResult }

async function runSaved(s: SavedQuery, range: DateRangeSpec | null): Promise<Answer> {
  switch (s.kind) {
    case 'trends': {
      const q = s.query as TrendQuery
      return { kind: 'trends', q, r: await post<TrendResult>('/api/query/trends', trendBody(q, s.project, range)) }
    }
    case 'funnels': {
      const q = s.query as FunnelQuery
      return { kind: 'funnels', q, r: await post<FunnelResult>('/api/query/funnels', funnelBody(q, s.project, range)) }
    }
    case 'retention':
      return { kind: 'retention', r: await post<RetentionResult>('/api/query/retention', retentionBody(s.query as RetentionQuery, s.project, range)) }
    case 'sql':
      return { kind: 'sql', r: await post<SqlResult>('/api/sql', { sql: (s.query as { sql: string }).sql, project: s.project }) }
  }
}

/** One dashboard tile: runs its saved query over the dashboard's date range. */
export function TileBody({ saved, range, refreshSeconds }: { saved: SavedQuery; range: DateRangeSpec | null; refreshSeconds: number }) {
  const q = useQuery({
    queryKey: ['tile', saved.id, saved.updatedAt, range],
    queryFn: () => runSaved(saved, range),
    refetchInterval: refreshSeconds > 0 ? refreshSeconds * 1000 : false,
    placeholderData: (p) => p,
  })
  if (q.isPending) return <Loading />
  if (q.error) return <ErrorState error={q.error} retry={() => q.refetch()} />
  const a = q.data
  switch (a.kind) {
    case 'trends':
      return <TrendChart result={a.r} kind={a.q.chart} height="100%" />
    case 'funnels':
      return <FunnelView result={a.r} steps={a.q.steps.map((s) => s.event)} height={180} />
    case 'retention':
      return <RetentionView result={a.r} />
    case 'sql':
      return <ResultTable result={a.r} pageSize={20} />
  }
}
