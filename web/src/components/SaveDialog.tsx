import * as React from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { post, put } from '../lib/api'
import type { QueryKind, SavedQuery } from '../lib/types'
import { Button, Dialog, Input, Label, Textarea } from './ui'

/** Saves a trend/funnel/retention/SQL query under a name (POST /api/saved-queries). */
export function SaveDialog({ open, onClose, kind, project, query, existing, onSaved }: { open: boolean; onClose: () => void; kind: QueryKind; project: string; query: unknown; existing?: SavedQuery | null; onSaved?: (q: SavedQuery) => void }) {
  const qc = useQueryClient()
  const [name, setName] = React.useState(existing?.name ?? '')
  const [description, setDescription] = React.useState(existing?.description ?? '')
  React.useEffect(() => {
    if (open) {
      setName(existing?.name ?? '')
      setDescription(existing?.description ?? '')
    }
  }, [open, existing])
  const save = useMutation({
    mutationFn: () => {
      const body = { project, kind, name, description, query }
      return existing ? put<SavedQuery>(`/api/saved-queries/${existing.id}`, body) : post<SavedQuery>('/api/saved-queries', body)
    },
    onSuccess: (q) => {
      void qc.invalidateQueries({ queryKey: ['saved-queries'] })
      onSaved?.(q)
      onClose()
    },
  })
  return (
    <Dialog open={open} onClose={onClose} title={existing ? 'Update saved query' : 'Save query'}>
      <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); save.mutate() }}>
        <div className="space-y-1"><Label htmlFor="save-name">Name</Label><Input id="save-name" required value={name} onChange={(e) => setName(e.target.value)} autoFocus /></div>
        <div className="space-y-1"><Label htmlFor="save-description">Description</Label><Textarea id="save-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} /></div>
        {save.error && <p role="alert" className="text-sm text-destructive">{save.error.message}</p>}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="outline" onClick={onClose}>Cancel</Button>
          <Button type="submit" disabled={save.isPending || !name.trim()}>Save</Button>
        </div>
      </form>
    </Dialog>
  )
}
