import * as React from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useNavigate, useParams } from '@tanstack/react-router'
import ReactGridLayout, { useContainerWidth, verticalCompactor, type Layout } from 'react-grid-layout'
import { Link2, Pencil, Plus, RefreshCw, Trash2, X } from 'lucide-react'
import { del, get, patch, qs } from '../lib/api'
import { useSession } from '../lib/session'
import type { Dashboard, DateRangeSpec, SavedQuery, Tile } from '../lib/types'
import { DateRangePicker, rangeLabel } from '../components/controls'
import { TileBody } from '../components/Tile'
import { Badge, Button, Card, Dialog, Empty, ErrorState, Input, Label, Loading, PageHeader, Select } from '../components/ui'

export function DashboardPage() {
  const { id } = useParams({ strict: false }) as { id: string }
  const { canEdit } = useSession()
  const qc = useQueryClient()
  const navigate = useNavigate()
  const d = useQuery({ queryKey: ['dashboard', id], queryFn: () => get<Dashboard>(`/api/dashboards/${id}`) })
  const saved = useQuery({ queryKey: ['saved-queries', d.data?.project], queryFn: () => get<SavedQuery[]>(`/api/saved-queries${qs({ project: d.data?.project })}`), enabled: !!d.data })
  const update = useMutation({
    mutationFn: (body: Partial<Pick<Dashboard, 'name' | 'tiles' | 'refreshSeconds' | 'dateRange'>>) => patch<Dashboard>(`/api/dashboards/${id}`, body),
    onSuccess: (next) => {
      qc.setQueryData(['dashboard', id], next)
      void qc.invalidateQueries({ queryKey: ['dashboards'] })
    },
  })
  const remove = useMutation({ mutationFn: () => del(`/api/dashboards/${id}`), onSuccess: () => { void qc.invalidateQueries({ queryKey: ['dashboards'] }); void navigate({ to: '/dashboards' }) } })
  const [adding, setAdding] = React.useState(false)
  const [renaming, setRenaming] = React.useState(false)
  const [copied, setCopied] = React.useState(false)
  const { width, containerRef, mounted } = useContainerWidth()

  if (d.isPending) return <Loading />
  if (d.error) return <ErrorState error={d.error} retry={() => d.refetch()} />
  const dash = d.data
  const byId = new Map((saved.data ?? []).map((s) => [s.id, s]))
  const layout: Layout = dash.tiles.map((t) => ({ i: t.id, x: t.x, y: t.y, w: t.w, h: t.h, minW: 2, minH: 2 }))
  const onLayout = (l: Layout) => {
    if (!canEdit) return
    const tiles = dash.tiles.map((t) => {
      const p = l.find((x) => x.i === t.id)
      return p ? { ...t, x: p.x, y: p.y, w: p.w, h: p.h } : t
    })
    if (JSON.stringify(tiles) !== JSON.stringify(dash.tiles)) update.mutate({ tiles })
  }
  const addTile = (savedQueryId: string) => {
    const y = Math.max(0, ...dash.tiles.map((t) => t.y + t.h))
    const tile: Tile = { id: crypto.randomUUID().slice(0, 8), savedQueryId, x: 0, y, w: 6, h: 4 }
    update.mutate({ tiles: [...dash.tiles, tile] })
    setAdding(false)
  }
  return (
    <div>
      <PageHeader
        title={dash.name}
        description={`${rangeLabel(dash.dateRange)} · ${dash.tiles.length} tiles`}
        actions={
          <>
            <Button variant="outline" size="sm" onClick={() => { void navigator.clipboard?.writeText(window.location.href).catch(() => {}); setCopied(true); setTimeout(() => setCopied(false), 1500) }}><Link2 className="h-4 w-4" /> {copied ? 'Link copied' : 'Share'}</Button>
            <Select aria-label="Auto-refresh" value={dash.refreshSeconds} onChange={(e) => update.mutate({ refreshSeconds: Number(e.target.value) })} disabled={!canEdit}>
              {[0, 30, 60, 300, 900].map((s) => <option key={s} value={s}>{s === 0 ? 'No auto-refresh' : `Refresh every ${s < 60 ? `${s} s` : `${s / 60} min`}`}</option>)}
            </Select>
            <Button variant="ghost" size="icon" aria-label="Refresh now" onClick={() => void qc.invalidateQueries({ queryKey: ['tile'] })}><RefreshCw className="h-4 w-4" /></Button>
            {canEdit && <>
              <Button size="sm" onClick={() => setAdding(true)}><Plus className="h-4 w-4" /> Add tile</Button>
              <Button variant="ghost" size="icon" aria-label="Rename dashboard" onClick={() => setRenaming(true)}><Pencil className="h-4 w-4" /></Button>
              <Button variant="ghost" size="icon" aria-label="Delete dashboard" onClick={() => confirm(`Delete dashboard "${dash.name}"?`) && remove.mutate()}><Trash2 className="h-4 w-4" /></Button>
            </>}
          </>
        }
      />
      <div className="mb-3"><DateRangePicker value={dash.dateRange ?? { last: 30, unit: 'days' }} onChange={(dateRange: DateRangeSpec) => canEdit ? update.mutate({ dateRange }) : qc.setQueryData(['dashboard', id], { ...dash, dateRange })} /></div>
      {update.error && <p role="alert" className="mb-2 text-sm text-destructive">{update.error.message}</p>}
      <div ref={containerRef}>
        {dash.tiles.length === 0 ? (
          <Card><Empty title="This dashboard has no tiles">{canEdit ? 'Save a trend, funnel, retention table or SQL query, then add it here.' : ''}</Empty></Card>
        ) : mounted && (
          <ReactGridLayout width={width} layout={layout} gridConfig={{ cols: 12, rowHeight: 70 }} dragConfig={{ enabled: canEdit, handle: '.tile-handle' }} resizeConfig={{ enabled: canEdit }} compactor={verticalCompactor} onLayoutChange={onLayout}>
            {dash.tiles.map((t) => {
              const s = byId.get(t.savedQueryId)
              return (
                <div key={t.id} data-testid="dashboard-tile">
                  <Card className="flex h-full flex-col overflow-hidden">
                    <div className="tile-handle flex cursor-move items-center justify-between gap-2 border-b border-border px-3 py-1.5">
                      <span className="truncate text-sm font-medium">{s?.name ?? 'Missing query'}</span>
                      <span className="flex items-center gap-1">{s && <Badge>{s.kind}</Badge>}{canEdit && <button aria-label="Remove tile" className="cursor-pointer rounded p-0.5 hover:bg-muted" onMouseDown={(e) => e.stopPropagation()} onClick={() => update.mutate({ tiles: dash.tiles.filter((x) => x.id !== t.id) })}><X className="h-3.5 w-3.5" /></button>}</span>
                    </div>
                    <div className="min-h-0 flex-1 overflow-auto p-2">
                      {saved.isPending ? <Loading /> : s ? <TileBody saved={s} range={dash.dateRange} refreshSeconds={dash.refreshSeconds} /> : <Empty title="The saved query was deleted" />}
                    </div>
                  </Card>
                </div>
              )
            })}
          </ReactGridLayout>
        )}
      </div>
      <Dialog open={adding} onClose={() => setAdding(false)} title="Add a tile">
        {saved.isPending ? <Loading /> : saved.error ? <ErrorState error={saved.error} /> : saved.data.length === 0 ? <Empty title="No saved queries in this project" /> : (
          <ul className="max-h-80 space-y-1 overflow-auto">
            {saved.data.map((s) => (
              <li key={s.id}><button className="flex w-full items-center justify-between gap-2 rounded px-2 py-1.5 text-left text-sm hover:bg-muted cursor-pointer" onClick={() => addTile(s.id)}><span>{s.name}</span><Badge>{s.kind}</Badge></button></li>
            ))}
          </ul>
        )}
      </Dialog>
      <RenameDialog open={renaming} name={dash.name} onClose={() => setRenaming(false)} onSave={(name) => { update.mutate({ name }); setRenaming(false) }} />
    </div>
  )
}

function RenameDialog({ open, name, onClose, onSave }: { open: boolean; name: string; onClose: () => void; onSave: (n: string) => void }) {
  const [value, setValue] = React.useState(name)
  React.useEffect(() => setValue(name), [name, open])
  return (
    <Dialog open={open} onClose={onClose} title="Rename dashboard">
      <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); onSave(value) }}>
        <div className="space-y-1"><Label htmlFor="rename">Name</Label><Input id="rename" required autoFocus value={value} onChange={(e) => setValue(e.target.value)} /></div>
        <div className="flex justify-end gap-2"><Button type="button" variant="outline" onClick={onClose}>Cancel</Button><Button type="submit" disabled={!value.trim()}>Rename</Button></div>
      </form>
    </Dialog>
  )
}
