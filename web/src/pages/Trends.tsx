import * as React from 'react'
import { useQuery } from '@tanstack/react-query'
import { useNavigate, useSearch } from '@tanstack/react-router'
import { Plus, Save, X } from 'lucide-react'
import { post } from '../lib/api'
import { useSession } from '../lib/session'
import { fieldOptions, useEvents, useProperties, valueOptions } from '../lib/queries'
import { METRICS, decodeTrend, encodeTrend, trendBody } from '../lib/trend'
import type { ChartKind, TrendQuery, TrendResult } from '../lib/types'
import { DateRangePicker, EventSelect, FieldSelect, FilterEditor } from '../components/controls'
import { TrendChart } from '../components/charts'
import { SaveDialog } from '../components/SaveDialog'
import { SavedPicker } from '../components/SavedPicker'
import { Button, Card, CardHeader, ErrorState, Label, Loading, PageHeader, Segmented, Select } from '../components/ui'

export function Trends() {
  const { project, canEdit } = useSession()
  const search = useSearch({ strict: false }) as { q?: string }
  const navigate = useNavigate()
  const t = React.useMemo(() => decodeTrend(search.q), [search.q])
  const set = (patch: Partial<TrendQuery>) => void navigate({ to: '/trends', search: { q: encodeTrend({ ...t, ...patch }) }, replace: true })
  const events = useEvents(project)
  const props = useProperties(project, t.series[0]?.event)
  const fields = fieldOptions(props.data, t.series[0]?.event)
  const eventNames = (events.data ?? []).map((e) => e.event)
  const body = trendBody(t, project)
  const result = useQuery({ queryKey: ['trends', body], queryFn: () => post<TrendResult>('/api/query/trends', body), placeholderData: (p) => p })
  const [saving, setSaving] = React.useState(false)

  return (
    <div>
      <PageHeader title="Trends" description="How often events happen over time, by any property." actions={<><SavedPicker project={project} kind="trends" onPick={(q) => void navigate({ to: '/trends', search: { q: JSON.stringify(q) } })} />{canEdit && <Button variant="outline" onClick={() => setSaving(true)}><Save className="h-4 w-4" /> Save</Button>}</>} />
      <Card className="mb-4 space-y-4 p-4">
        <div className="space-y-2">
          <Label>Series</Label>
          {t.series.map((s, i) => {
            const metric = METRICS.find((m) => m.value === s.metric)
            const setSeries = (patch: Partial<typeof s>) => set({ series: t.series.map((x, j) => (j === i ? { ...x, ...patch } : x)) })
            return (
              <div key={i} className="flex flex-wrap items-center gap-2" data-testid="series-row">
                <span className="flex h-6 w-6 items-center justify-center rounded bg-primary text-xs font-semibold text-primary-foreground">{String.fromCharCode(65 + i)}</span>
                <EventSelect label={`Series ${i + 1} event`} value={s.event} events={eventNames} onChange={(event) => setSeries({ event })} />
                <Select aria-label={`Series ${i + 1} metric`} value={s.metric} onChange={(e) => setSeries({ metric: e.target.value })}>
                  {METRICS.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
                </Select>
                {metric?.property && <FieldSelect label={`Series ${i + 1} property`} value={s.property ?? ''} fields={fields.filter((f) => f.startsWith('properties.'))} onChange={(property) => setSeries({ property })} />}
                {t.series.length > 1 && <Button variant="ghost" size="icon" aria-label={`Remove series ${i + 1}`} onClick={() => set({ series: t.series.filter((_, j) => j !== i) })}><X className="h-4 w-4" /></Button>}
              </div>
            )
          })}
          {t.series.length < 5 && <Button variant="outline" size="sm" onClick={() => set({ series: [...t.series, { event: eventNames[0] ?? '$any', metric: 'count' }] })}><Plus className="h-3.5 w-3.5" /> Series</Button>}
        </div>
        <div className="space-y-2">
          <Label>Filters</Label>
          <FilterEditor values={valueOptions(props.data, t.series[0]?.event)} filters={t.filters} fields={fields} onChange={(filters) => set({ filters })} />
        </div>
        <div className="flex flex-wrap items-end gap-4">
          <div className="space-y-1">
            <Label>Breakdown</Label>
            <div className="flex gap-2">
              <FieldSelect label="Breakdown" placeholder="none" value={t.breakdown[0] ?? ''} fields={fields} onChange={(b) => set({ breakdown: b ? [b, ...t.breakdown.slice(1)] : [] })} />
              {t.breakdown[0] && <FieldSelect label="Second breakdown" placeholder="and by…" value={t.breakdown[1] ?? ''} fields={fields} onChange={(b) => set({ breakdown: b ? [t.breakdown[0], b] : [t.breakdown[0]] })} />}
            </div>
          </div>
          <div className="space-y-1">
            <Label htmlFor="granularity">Granularity</Label>
            <Select id="granularity" value={t.granularity} onChange={(e) => set({ granularity: e.target.value })}>
              {['minute', 'hour', 'day', 'week', 'month'].map((g) => <option key={g} value={g}>{g}</option>)}
            </Select>
          </div>
          <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={t.compare} onChange={(e) => set({ compare: e.target.checked })} /> Compare to previous period</label>
        </div>
        <DateRangePicker value={t.dateRange} onChange={(dateRange) => set({ dateRange })} />
      </Card>
      <Card>
        <CardHeader
          title={result.isFetching ? 'Updating…' : 'Result'}
          actions={<Segmented<ChartKind> label="Chart type" value={t.chart} onChange={(chart) => set({ chart })} options={(['line', 'bar', 'area', 'number', 'table'] as const).map((k) => ({ value: k, label: k }))} />}
        />
        <div className="p-3">
          {result.isPending ? <Loading /> : result.error ? <ErrorState error={result.error} retry={() => result.refetch()} /> : <TrendChart result={result.data} kind={t.chart} />}
        </div>
      </Card>
      <SaveDialog open={saving} onClose={() => setSaving(false)} kind="trends" project={project} query={t} />
    </div>
  )
}
