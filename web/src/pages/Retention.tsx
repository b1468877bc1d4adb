import * as React from 'react'
import { useQuery } from '@tanstack/react-query'
import { useNavigate, useSearch } from '@tanstack/react-router'
import { Save } from 'lucide-react'
import { post } from '../lib/api'
import { useSession } from '../lib/session'
import { fieldOptions, useEvents, useProperties, valueOptions } from '../lib/queries'
import type { DateRangeSpec, Filter } from '../lib/types'
import { DateRangePicker, EventSelect, FilterEditor } from '../components/controls'
import { RetentionView, type RetentionResult } from '../components/charts'
import { SaveDialog } from '../components/SaveDialog'
import { SavedPicker } from '../components/SavedPicker'
import { Button, Card, ErrorState, Input, Label, Loading, PageHeader, Select } from '../components/ui'

export interface RetentionQuery { cohort: string; returning: string; period: string; periods: number; dateRange: DateRangeSpec; filters: Filter[] }
const DEFAULT: RetentionQuery = { cohort: '$any', returning: '$any', period: 'week', periods: 8, dateRange: { last: 8, unit: 'weeks' }, filters: [] }

export function retentionBody(r: RetentionQuery, project: string, range?: DateRangeSpec | null) {
  const filters = r.filters.filter((f) => f.field)
  return { project, cohort: { event: r.cohort, filters }, returning: { event: r.returning, filters }, period: r.period, periods: r.periods, dateRange: range ?? r.dateRange }
}

function decode(q: string | undefined): RetentionQuery {
  try { return q ? { ...DEFAULT, ...(JSON.parse(q) as Partial<RetentionQuery>) } : DEFAULT } catch { return DEFAULT }
}

export function Retention() {
  const { project, canEdit } = useSession()
  const search = useSearch({ strict: false }) as { q?: string }
  const navigate = useNavigate()
  const r = React.useMemo(() => decode(search.q), [search.q])
  const set = (patch: Partial<RetentionQuery>) => void navigate({ to: '/retention', search: { q: JSON.stringify({ ...r, ...patch }) }, replace: true })
  const events = useEvents(project)
  const props = useProperties(project, r.cohort)
  const names = (events.data ?? []).map((e) => e.event)
  const body = retentionBody(r, project)
  const result = useQuery({ queryKey: ['retention', body], queryFn: () => post<RetentionResult>('/api/query/retention', body), placeholderData: (p) => p })
  const [saving, setSaving] = React.useState(false)
  return (
    <div>
      <PageHeader title="Retention" description="Of the users who did something, how many came back." actions={<><SavedPicker project={project} kind="retention" onPick={(q) => void navigate({ to: '/retention', search: { q: JSON.stringify(q) } })} />{canEdit && <Button variant="outline" onClick={() => setSaving(true)}><Save className="h-4 w-4" /> Save</Button>}</>} />
      <Card className="mb-4 space-y-4 p-4">
        <div className="flex flex-wrap items-end gap-4">
          <div className="space-y-1"><Label>Cohort: first did</Label><div><EventSelect label="Cohort event" value={r.cohort} events={names} onChange={(cohort) => set({ cohort })} /></div></div>
          <div className="space-y-1"><Label>Came back and did</Label><div><EventSelect label="Returning event" value={r.returning} events={names} onChange={(returning) => set({ returning })} /></div></div>
          <div className="space-y-1"><Label htmlFor="period">Period</Label><Select id="period" value={r.period} onChange={(e) => set({ period: e.target.value })}>{['day', 'week', 'month'].map((p) => <option key={p}>{p}</option>)}</Select></div>
          <div className="space-y-1"><Label htmlFor="periods">Periods</Label><Input id="periods" type="number" min={1} max={52} className="w-20" value={r.periods} onChange={(e) => set({ periods: Number(e.target.value) || 1 })} /></div>
        </div>
        <div className="space-y-2"><Label>Filters</Label><FilterEditor values={valueOptions(props.data, r.cohort)} filters={r.filters} fields={fieldOptions(props.data)} onChange={(filters) => set({ filters })} /></div>
        <DateRangePicker value={r.dateRange} onChange={(dateRange) => set({ dateRange })} />
      </Card>
      <Card className="p-3">{result.isPending ? <Loading /> : result.error ? <ErrorState error={result.error} retry={() => result.refetch()} /> : <RetentionView result={result.data} />}</Card>
      <SaveDialog open={saving} onClose={() => setSaving(false)} kind="retention" project={project} query={r} />
    </div>
  )
}
