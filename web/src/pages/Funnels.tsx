import * as React from 'react'
import { useQuery } from '@tanstack/react-query'
import { useNavigate, useSearch } from '@tanstack/react-router'
import { Plus, Save, X } from 'lucide-react'
import { post } from '../lib/api'
import { useSession } from '../lib/session'
import { fieldOptions, useEvents, useProperties, valueOptions } from '../lib/queries'
import type { DateRangeSpec, Filter } from '../lib/types'
import { DateRangePicker, EventSelect, FieldSelect, FilterEditor } from '../components/controls'
import { FunnelView, type FunnelResult } from '../components/charts'
import { SaveDialog } from '../components/SaveDialog'
import { SavedPicker } from '../components/SavedPicker'
import { Button, Card, ErrorState, Input, Label, Loading, PageHeader } from '../components/ui'

export interface FunnelQuery { steps: { event: string; filters?: Filter[] }[]; window: string; dateRange: DateRangeSpec; breakdown: string; filters: Filter[] }
const DEFAULT: FunnelQuery = { steps: [{ event: '$pageview' }, { event: '$any' }], window: '7d', dateRange: { last: 30, unit: 'days' }, breakdown: '', filters: [] }

export function funnelBody(f: FunnelQuery, project: string, range?: DateRangeSpec | null) {
  return { project, steps: f.steps.map((s) => ({ event: s.event, filters: [...(s.filters ?? []), ...f.filters.filter((x) => x.field)] })), window: f.window, dateRange: range ?? f.dateRange, ...(f.breakdown ? { breakdown: f.breakdown } : {}) }
}

function decode(q: string | undefined): FunnelQuery {
  try { return q ? { ...DEFAULT, ...(JSON.parse(q) as Partial<FunnelQuery>) } : DEFAULT } catch { return DEFAULT }
}

export function Funnels() {
  const { project, canEdit } = useSession()
  const search = useSearch({ strict: false }) as { q?: string }
  const navigate = useNavigate()
  const f = React.useMemo(() => decode(search.q), [search.q])
  const set = (patch: Partial<FunnelQuery>) => void navigate({ to: '/funnels', search: { q: JSON.stringify({ ...f, ...patch }) }, replace: true })
  const events = useEvents(project)
  const props = useProperties(project, f.steps[0]?.event)
  const fields = fieldOptions(props.data)
  const names = (events.data ?? []).map((e) => e.event)
  const body = funnelBody(f, project)
  const result = useQuery({ queryKey: ['funnel', body], queryFn: () => post<FunnelResult>('/api/query/funnels', body), placeholderData: (p) => p })
  const [saving, setSaving] = React.useState(false)
  return (
    <div>
      <PageHeader title="Funnels" description="How many users go through steps in order." actions={<><SavedPicker project={project} kind="funnels" onPick={(q) => void navigate({ to: '/funnels', search: { q: JSON.stringify(q) } })} />{canEdit && <Button variant="outline" onClick={() => setSaving(true)}><Save className="h-4 w-4" /> Save</Button>}</>} />
      <Card className="mb-4 space-y-4 p-4">
        <div className="space-y-2">
          <Label>Steps</Label>
          {f.steps.map((s, i) => (
            <div key={i} className="flex items-center gap-2">
              <span className="w-5 text-xs text-muted-foreground">{i + 1}.</span>
              <EventSelect label={`Step ${i + 1}`} value={s.event} events={names} onChange={(event) => set({ steps: f.steps.map((x, j) => (j === i ? { ...x, event } : x)) })} />
              {f.steps.length > 2 && <Button variant="ghost" size="icon" aria-label={`Remove step ${i + 1}`} onClick={() => set({ steps: f.steps.filter((_, j) => j !== i) })}><X className="h-4 w-4" /></Button>}
            </div>
          ))}
          {f.steps.length < 10 && <Button variant="outline" size="sm" onClick={() => set({ steps: [...f.steps, { event: names[0] ?? '$any' }] })}><Plus className="h-3.5 w-3.5" /> Step</Button>}
        </div>
        <div className="space-y-2"><Label>Filters (every step)</Label><FilterEditor values={valueOptions(props.data, f.steps[0]?.event)} filters={f.filters} fields={fields} onChange={(filters) => set({ filters })} /></div>
        <div className="flex flex-wrap items-end gap-4">
          <div className="space-y-1"><Label htmlFor="window">Conversion window</Label><Input id="window" className="w-24" value={f.window} onChange={(e) => set({ window: e.target.value })} /></div>
          <div className="space-y-1"><Label>Breakdown</Label><div><FieldSelect label="Breakdown" placeholder="none" value={f.breakdown} fields={fields} onChange={(breakdown) => set({ breakdown })} /></div></div>
        </div>
        <DateRangePicker value={f.dateRange} onChange={(dateRange) => set({ dateRange })} />
      </Card>
      <Card className="p-3">{result.isPending ? <Loading /> : result.error ? <ErrorState error={result.error} retry={() => result.refetch()} /> : <FunnelView result={result.data} steps={f.steps.map((s) => s.event)} />}</Card>
      <SaveDialog open={saving} onClose={() => setSaving(false)} kind="funnels" project={project} query={f} />
    </div>
  )
}
