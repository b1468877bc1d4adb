import * as React from 'react'
import { Plus, X } from 'lucide-react'
import type { DateRangeSpec, Filter } from '../lib/types'
import { Button, Input, Select } from './ui'

export const OPERATORS: { value: string; label: string; needsValue: boolean }[] = [
  { value: 'eq', label: 'equals', needsValue: true },
  { value: 'neq', label: 'does not equal', needsValue: true },
  { value: 'in', label: 'is one of', needsValue: true },
  { value: 'not_in', label: 'is not one of', needsValue: true },
  { value: 'contains', label: 'contains', needsValue: true },
  { value: 'not_contains', label: 'does not contain', needsValue: true },
  { value: 'regex', label: 'matches regex', needsValue: true },
  { value: 'gt', label: '>', needsValue: true },
  { value: 'gte', label: '≥', needsValue: true },
  { value: 'lt', label: '<', needsValue: true },
  { value: 'lte', label: '≤', needsValue: true },
  { value: 'is_set', label: 'is set', needsValue: false },
  { value: 'is_not_set', label: 'is not set', needsValue: false },
]

export function EventSelect({ value, events, onChange, label = 'Event', allowAny = true }: { value: string; events: string[]; onChange: (v: string) => void; label?: string; allowAny?: boolean }) {
  const options = Array.from(new Set([...(allowAny ? ['$any', '$pageview'] : []), ...events, value].filter(Boolean)))
  return (
    <Select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} className="min-w-40">
      {options.map((e) => <option key={e} value={e}>{e === '$any' ? 'Any event' : e === '$pageview' ? 'Page view' : e}</option>)}
    </Select>
  )
}

export function FieldSelect({ value, fields, onChange, label, placeholder }: { value: string; fields: string[]; onChange: (v: string) => void; label: string; placeholder?: string }) {
  const id = React.useId()
  return (
    <>
      <Input aria-label={label} list={id} value={value} placeholder={placeholder ?? 'property or column'} onChange={(e) => onChange(e.target.value)} className="w-52" />
      <datalist id={id}>{fields.map((f) => <option key={f} value={f} />)}</datalist>
    </>
  )
}

function parseValue(op: string, text: string): unknown {
  if (op === 'in' || op === 'not_in') return text.split(',').map((s) => s.trim()).filter(Boolean)
  if (['gt', 'gte', 'lt', 'lte'].includes(op)) return text === '' || Number.isNaN(Number(text)) ? text : Number(text)
  return text
}

function valueText(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : v === undefined || v === null ? '' : String(v)
}

/** A list of property filters: field, operator, value. */
export function FilterEditor({ filters, fields, onChange, values = {} }: { filters: Filter[]; fields: string[]; onChange: (f: Filter[]) => void; values?: Record<string, string[]> }) {
  const listId = React.useId()
  const set = (i: number, f: Filter) => onChange(filters.map((x, j) => (j === i ? f : x)))
  return (
    <div className="space-y-2">
      {filters.map((f, i) => {
        const op = OPERATORS.find((o) => o.value === f.op)
        return (
          <div key={i} className="flex flex-wrap items-center gap-2" data-testid="filter-row">
            <FieldSelect label={`Filter ${i + 1} field`} value={f.field} fields={fields} onChange={(field) => set(i, { ...f, field })} />
            <Select aria-label={`Filter ${i + 1} operator`} value={f.op} onChange={(e) => set(i, { ...f, op: e.target.value, value: OPERATORS.find((o) => o.value === e.target.value)?.needsValue ? f.value : undefined })}>
              {OPERATORS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </Select>
            {op?.needsValue !== false && (
              <>
                <Input aria-label={`Filter ${i + 1} value`} list={`${listId}-${i}`} className="w-44" value={valueText(f.value)} onChange={(e) => set(i, { ...f, value: parseValue(f.op, e.target.value) })} />
                <datalist id={`${listId}-${i}`}>{(values[f.field] ?? []).map((v) => <option key={v} value={v} />)}</datalist>
              </>
            )}
            <Button variant="ghost" size="icon" aria-label={`Remove filter ${i + 1}`} onClick={() => onChange(filters.filter((_, j) => j !== i))}><X className="h-4 w-4" /></Button>
          </div>
        )
      })}
      <Button variant="outline" size="sm" onClick={() => onChange([...filters, { field: fields[0] ?? 'country', op: 'eq', value: '' }])}><Plus className="h-3.5 w-3.5" /> Filter</Button>
    </div>
  )
}

export const PRESETS: { label: string; value: DateRangeSpec }[] = [
  { label: 'Today', value: 'today' },
  { label: '7 days', value: { last: 7, unit: 'days' } },
  { label: '14 days', value: { last: 14, unit: 'days' } },
  { label: '30 days', value: { last: 30, unit: 'days' } },
  { label: '90 days', value: { last: 90, unit: 'days' } },
]

export function rangeLabel(r: DateRangeSpec | null | undefined): string {
  if (!r) return 'Last 30 days'
  if (typeof r === 'string') return r.replace(/_/g, ' ')
  if ('last' in r) return `Last ${r.last} ${r.unit}`
  return `${r.from} → ${r.to}`
}

/** Presets (last 7/14/30/90 days) and a calendar range of whole days. */
export function DateRangePicker({ value, onChange }: { value: DateRangeSpec; onChange: (r: DateRangeSpec) => void }) {
  const key = JSON.stringify(value)
  const custom = typeof value === 'object' && 'from' in value
  const today = new Date().toISOString().slice(0, 10)
  return (
    <div className="flex flex-wrap items-center gap-1" role="group" aria-label="Date range">
      {PRESETS.map((p) => (
        <Button key={p.label} size="sm" variant={JSON.stringify(p.value) === key ? 'default' : 'outline'} onClick={() => onChange(p.value)}>{p.label}</Button>
      ))}
      <Input type="date" aria-label="From date" className="h-8 w-36" max={today} value={custom ? value.from : ''} onChange={(e) => e.target.value && onChange({ from: e.target.value, to: custom ? value.to : today })} />
      <span className="text-xs text-muted-foreground">to</span>
      <Input type="date" aria-label="To date" className="h-8 w-36" value={custom ? value.to : ''} onChange={(e) => e.target.value && onChange({ from: custom ? value.from : e.target.value, to: e.target.value })} />
    </div>
  )
}
