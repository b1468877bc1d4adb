import * as React from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { LayoutDashboard, Plus } from 'lucide-react'
import { get, post, qs } from '../lib/api'
import { useSession } from '../lib/session'
import type { Dashboard } from '../lib/types'
import { Button, Card, Dialog, Empty, ErrorState, Input, Label, Loading, PageHeader } from '../components/ui'

export function Dashboards() {
  const { project, canEdit } = useSession()
  const navigate = useNavigate()
  const qc = useQueryClient()
  const list = useQuery({ queryKey: ['dashboards', project], queryFn: () => get<Dashboard[]>(`/api/dashboards${qs({ project })}`) })
  const [creating, setCreating] = React.useState(false)
  const [name, setName] = React.useState('')
  const create = useMutation({
    mutationFn: () => post<Dashboard>('/api/dashboards', { project, name }),
    onSuccess: (d) => {
      void qc.invalidateQueries({ queryKey: ['dashboards'] })
      setCreating(false)
      setName('')
      void navigate({ to: '/dashboards/$id', params: { id: d.id } })
    },
  })
  return (
    <div>
      <PageHeader title="Dashboards" description="Saved charts and queries, side by side." actions={canEdit && <Button onClick={() => setCreating(true)}><Plus className="h-4 w-4" /> New dashboard</Button>} />
      {list.isPending ? <Loading /> : list.error ? <ErrorState error={list.error} retry={() => list.refetch()} /> : list.data.length === 0 ? (
        <Card><Empty title="No dashboards yet">{canEdit ? 'Create one, then add saved trends, funnels, retention tables or SQL as tiles.' : 'An editor can create one.'}</Empty></Card>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {list.data.map((d) => (
            <Link key={d.id} to="/dashboards/$id" params={{ id: d.id }}>
              <Card className="p-4 hover:border-primary">
                <div className="flex items-center gap-2 font-medium"><LayoutDashboard className="h-4 w-4 text-primary" /> {d.name}</div>
                <div className="mt-1 text-xs text-muted-foreground">{d.tiles.length} tiles · by {d.author} · {new Date(d.updatedAt).toLocaleDateString()}</div>
              </Card>
            </Link>
          ))}
        </div>
      )}
      <Dialog open={creating} onClose={() => setCreating(false)} title="New dashboard">
        <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); create.mutate() }}>
          <div className="space-y-1"><Label htmlFor="dashboard-name">Name</Label><Input id="dashboard-name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} /></div>
          {create.error && <p role="alert" className="text-sm text-destructive">{create.error.message}</p>}
          <div className="flex justify-end gap-2"><Button type="button" variant="outline" onClick={() => setCreating(false)}>Cancel</Button><Button type="submit" disabled={!name.trim() || create.isPending}>Create</Button></div>
        </form>
      </Dialog>
    </div>
  )
}
