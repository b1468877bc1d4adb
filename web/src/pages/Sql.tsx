import * as React from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useNavigate, useSearch } from '@tanstack/react-router'
import { ChevronRight, Download, History, Play, Save, Table2 } from 'lucide-react'
import { get, post, qs } from '../lib/api'
import { useSession } from '../lib/session'
import type { HistoryEntry, SavedQuery, SqlResult } from '../lib/types'
import { download, formatNumber, toCsv } from '../lib/utils'
import { SqlEditor } from '../components/SqlEditor'
import { ResultTable } from '../components/charts'
import { SaveDialog } from '../components/SaveDialog'
import { Badge, Button, Card, CardHeader, Empty, ErrorState, Loading, PageHeader } from '../components/ui'

interface SchemaAnswer { tables: { name: string; columns: { name: string; type: string }[] }[] }

const DEFAULT_SQL = 'SELECT event, count(*) AS events\nFROM events\nGROUP BY event\nORDER BY events DESC'

export function Sql() {
  const { project, canEdit } = useSession()
  const search = useSearch({ strict: false }) as { saved?: string }
  const navigate = useNavigate()
  const qc = useQueryClient()
  const [text, setText] = React.useState(DEFAULT_SQL)
  const [saving, setSaving] = React.useState(false)
  const [tab, setTab] = React.useState<'saved' | 'history'>('saved')
  const schema = useQuery({ queryKey: ['schema'], queryFn: () => get<SchemaAnswer>('/api/schema'), staleTime: 300_000 })
  const saved = useQuery({ queryKey: ['saved-queries', project], queryFn: () => get<SavedQuery[]>(`/api/saved-queries${qs({ project })}`) })
  const history = useQuery({ queryKey: ['sql-history'], queryFn: () => get<HistoryEntry[]>('/api/sql/history') })
  const current = saved.data?.find((s) => s.id === search.saved && s.kind === 'sql') ?? null
  React.useEffect(() => {
    if (current) setText((current.query as { sql: string }).sql)
  }, [current])
  const run = useMutation({
    mutationFn: (sql: string) => post<SqlResult>('/api/sql', { sql, project }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['sql-history'] }),
  })
  const textRef = React.useRef(text)
  textRef.current = text
  const runNow = React.useCallback(() => run.mutate(textRef.current), [run])
  // Ctrl/⌘+S saves anywhere on the page, not only inside the editor.
  React.useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault()
        if (canEdit) setSaving(true)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [canEdit])
  const completion = React.useMemo(() => Object.fromEntries((schema.data?.tables ?? []).map((t) => [t.name, t.columns.map((c) => c.name)])), [schema.data])

  return (
    <div className="flex h-full flex-col">
      <PageHeader
        title={current ? current.name : 'SQL'}
        description={current?.description || 'Read-only SQL over events and dead_letters. Ctrl/⌘+Enter runs, Ctrl/⌘+S saves.'}
        actions={
          <>
            <Button onClick={runNow} disabled={run.isPending}><Play className="h-4 w-4" /> Run</Button>
            {canEdit && <Button variant="outline" onClick={() => setSaving(true)}><Save className="h-4 w-4" /> Save</Button>}
          </>
        }
      />
      <div className="grid min-h-0 flex-1 gap-4 lg:grid-cols-[15rem_1fr]">
        <Card className="max-h-[70vh] overflow-auto p-2 text-sm" aria-label="Schema">
          <div className="px-1 pb-1 text-xs font-semibold text-muted-foreground">Schema</div>
          {schema.isPending ? <Loading /> : schema.error ? <ErrorState error={schema.error} /> : schema.data.tables.map((t) => (
            <details key={t.name} open={t.name === 'events'}>
              <summary className="flex cursor-pointer items-center gap-1 rounded px-1 py-0.5 hover:bg-muted"><Table2 className="h-3.5 w-3.5" /> {t.name}</summary>
              <ul className="ml-5">
                {t.columns.map((c) => (
                  <li key={c.name}>
                    <button className="flex w-full justify-between gap-2 rounded px-1 text-left hover:bg-muted cursor-pointer" title="Insert" onClick={() => setText(`${text}${/\s$/.test(text) ? '' : ' '}${c.name}`)}>
                      <span className="truncate font-mono text-xs">{c.name}</span><span className="text-xs text-muted-foreground">{c.type.toLowerCase()}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </Card>
        <div className="flex min-w-0 flex-col gap-4">
          <div className="h-56"><SqlEditor value={text} onChange={setText} onRun={runNow} onSave={() => canEdit && setSaving(true)} schema={completion} /></div>
          <Card>
            <CardHeader
              title="Results"
              actions={run.data && (
                <>
                  <span className="text-xs text-muted-foreground" data-testid="result-meta">{formatNumber(run.data.rowCount)} rows · {run.data.elapsedMs} ms{run.data.truncated ? ' · truncated' : ''}</span>
                  {run.data.limitApplied && <Badge title={run.data.sql}>LIMIT 1000 added</Badge>}
                  <Button size="sm" variant="outline" onClick={() => download('result.csv', toCsv(run.data.columns.map((c) => c.name), run.data.rows))}><Download className="h-3.5 w-3.5" /> CSV</Button>
                </>
              )}
            />
            {run.isPending ? <Loading label="Running…" /> : run.error ? <ErrorState error={run.error} /> : run.data ? <ResultTable result={run.data} /> : <Empty title="Run a query to see results" />}
          </Card>
          <Card>
            <div className="flex gap-1 border-b border-border p-1">
              <Button size="sm" variant={tab === 'saved' ? 'secondary' : 'ghost'} onClick={() => setTab('saved')}><Save className="h-3.5 w-3.5" /> Saved</Button>
              <Button size="sm" variant={tab === 'history' ? 'secondary' : 'ghost'} onClick={() => setTab('history')}><History className="h-3.5 w-3.5" /> History</Button>
            </div>
            <div className="max-h-64 overflow-auto text-sm">
              {tab === 'saved' ? (
                saved.isPending ? <Loading /> : saved.error ? <ErrorState error={saved.error} /> : saved.data.filter((s) => s.kind === 'sql').length === 0 ? <Empty title="No saved queries yet" /> : (
                  <ul>{saved.data.filter((s) => s.kind === 'sql').map((s) => (
                    <li key={s.id}><button className="flex w-full items-center gap-2 px-3 py-1.5 text-left hover:bg-muted cursor-pointer" onClick={() => void navigate({ to: '/sql', search: { saved: s.id } })}><ChevronRight className="h-3.5 w-3.5" /><span className="font-medium">{s.name}</span><span className="truncate text-xs text-muted-foreground">{s.description} · {s.author}</span></button></li>
                  ))}</ul>
                )
              ) : history.isPending ? <Loading /> : history.error ? <ErrorState error={history.error} /> : history.data.length === 0 ? <Empty title="No queries run yet" /> : (
                <ul>{history.data.map((h) => (
                  <li key={h.id}><button className="flex w-full items-center gap-2 px-3 py-1.5 text-left hover:bg-muted cursor-pointer" onClick={() => setText(h.sql)}>
                    <span className="w-36 shrink-0 text-xs text-muted-foreground">{new Date(h.ranAt).toLocaleString()}</span>
                    <span className="truncate font-mono text-xs">{h.sql}</span>
                    {h.error ? <Badge className="text-destructive">error</Badge> : <Badge>{h.rowCount} rows</Badge>}
                  </button></li>
                ))}</ul>
              )}
            </div>
          </Card>
        </div>
      </div>
      <SaveDialog open={saving} onClose={() => setSaving(false)} kind="sql" project={project} query={{ sql: text }} existing={current} onSaved={(q) => void navigate({ to: '/sql', search: { saved: q.id } })} />
    </div>
  )
}
