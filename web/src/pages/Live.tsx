import * as React from 'react'
import { Pause, Play, Trash2 } from 'lucide-react'
import { follow } from '../lib/sse'
import { useSession } from '../lib/session'
import { Badge, Button, Card, Drawer, Empty, Input, PageHeader, Select, Table } from '../components/ui'

export interface LiveEvent { eventId: string; appId: string; type: string; event: string | null; userId: string | null; anonymousId: string | null; timestamp: number; [k: string]: unknown }

const MAX = 500

/** Events as they are accepted, over Server-Sent Events (GET /api/live). */
export function Live() {
  const { session, project: current } = useSession()
  const [project, setProject] = React.useState(current)
  const [events, setEvents] = React.useState<LiveEvent[]>([])
  const [paused, setPaused] = React.useState(false)
  const [status, setStatus] = React.useState<'connecting' | 'live' | 'reconnecting'>('connecting')
  const [name, setName] = React.useState('')
  const [selected, setSelected] = React.useState<LiveEvent | null>(null)
  const pausedRef = React.useRef(paused)
  pausedRef.current = paused
  const buffer = React.useRef<LiveEvent[]>([])

  React.useEffect(() => {
    setEvents([])
    setStatus('connecting')
    return follow(`/api/live?project=${encodeURIComponent(project)}`, {
      status: setStatus,
      message: (m) => {
        if (m.event !== 'event') return
        const e = JSON.parse(m.data) as LiveEvent
        if (pausedRef.current) buffer.current.push(e)
        else setEvents((xs) => [e, ...xs].slice(0, MAX))
      },
    })
  }, [project])

  function resume() {
    setPaused(false)
    const held = buffer.current.reverse()
    buffer.current = []
    setEvents((xs) => [...held, ...xs].slice(0, MAX))
  }

  const shown = name ? events.filter((e) => (e.event ?? e.type).toLowerCase().includes(name.toLowerCase())) : events
  return (
    <div>
      <PageHeader
        title="Live events"
        description="Events as the server accepts them."
        actions={
          <>
            <Badge className={status === 'live' ? 'bg-emerald-500/15 text-emerald-600' : ''} data-testid="live-status">{status}</Badge>
            <Select aria-label="Live project" value={project} onChange={(e) => setProject(e.target.value)}>{session.projects.map((p) => <option key={p.id} value={p.id}>{p.name || p.id}</option>)}</Select>
            <Input aria-label="Filter by event name" placeholder="Filter by event name" className="w-48" value={name} onChange={(e) => setName(e.target.value)} />
            {paused ? <Button onClick={resume}><Play className="h-4 w-4" /> Resume{buffer.current.length ? ` (${buffer.current.length})` : ''}</Button> : <Button variant="outline" onClick={() => setPaused(true)}><Pause className="h-4 w-4" /> Pause</Button>}
            <Button variant="ghost" onClick={() => setEvents([])} aria-label="Clear"><Trash2 className="h-4 w-4" /></Button>
          </>
        }
      />
      <Card>
        {shown.length === 0 ? (
          <Empty title={status === 'live' ? 'Waiting for events…' : 'Connecting…'}>Send an event to project {project} and it appears here.</Empty>
        ) : (
          <div className="overflow-auto">
            <Table data-testid="live-table">
              <thead><tr><th>Time</th><th>Event</th><th>Type</th><th>User</th><th className="hidden md:table-cell">Project</th></tr></thead>
              <tbody>
                {shown.map((e) => (
                  <tr key={e.eventId} className="cursor-pointer hover:bg-muted" onClick={() => setSelected(e)}>
                    <td className="whitespace-nowrap tabular-nums text-xs">{new Date(e.timestamp / 1000).toLocaleTimeString()}</td>
                    <td className="font-medium">{e.event ?? `$${e.type}`}</td>
                    <td><Badge>{e.type}</Badge></td>
                    <td className="truncate text-xs">{e.userId ?? e.anonymousId}</td>
                    <td className="hidden text-xs md:table-cell">{e.appId}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>
        )}
      </Card>
      <Drawer open={selected !== null} onClose={() => setSelected(null)} title={selected?.event ?? selected?.type ?? 'Event'}>
        <pre className="whitespace-pre-wrap break-all font-mono text-xs" data-testid="event-json">{selected && JSON.stringify(expand(selected), null, 2)}</pre>
      </Drawer>
    </div>
  )
}

function expand(e: LiveEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(e)) {
    if (v === null) continue
    if (typeof v === 'string' && (k === 'properties' || k === 'traits' || k === 'context')) {
      try { out[k] = JSON.parse(v) } catch { out[k] = v }
    } else out[k] = v
  }
  return out
}
