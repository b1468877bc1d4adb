import { useQuery } from '@tanstack/react-query'
import { get, qs } from '../lib/api'
import type { QueryKind, SavedQuery } from '../lib/types'
import { Select } from './ui'

/** Opens a saved query of one kind in its page (the page keeps its query in the URL). */
export function SavedPicker({ project, kind, onPick }: { project: string; kind: QueryKind; onPick: (query: unknown) => void }) {
  const saved = useQuery({ queryKey: ['saved-queries', project], queryFn: () => get<SavedQuery[]>(`/api/saved-queries${qs({ project })}`) })
  const mine = (saved.data ?? []).filter((s) => s.kind === kind)
  if (!mine.length) return null
  return (
    <Select aria-label="Open a saved query" value="" onChange={(e) => { const s = mine.find((x) => x.id === e.target.value); if (s) onPick(s.query) }}>
      <option value="">Open saved…</option>
      {mine.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
    </Select>
  )
}
