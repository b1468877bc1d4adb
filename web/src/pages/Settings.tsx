import * as React from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Copy, Plus, Trash2 } from 'lucide-react'
import { ApiError, del, get, patch, post } from '../lib/api'
import { useSession } from '../lib/session'
import type { Role } from '../lib/types'
import { Badge, Button, Card, CardHeader, Empty, ErrorState, Input, Loading, PageHeader, Select, Table } from '../components/ui'

interface UserRow { id: string; email: string; role: Role; disabled?: boolean; projects?: string[] }
interface ProjectRow { id: string; name: string }
interface KeyRow { id: string; name: string; prefix?: string; rateLimit?: number | null; createdAt?: string; revokedAt?: string | null; secret?: string }
interface TokenRow { id: string; name: string; createdAt?: string; lastUsedAt?: string | null; revokedAt?: string | null; token?: string }
interface AuditRow { seq: number; at: string; actor: string; action: string; target: string; detail: string; ip: string }

function asList<T>(v: T[] | Record<string, T[]>): T[] {
  return Array.isArray(v) ? v : (Object.values(v).find(Array.isArray) ?? [])
}

/** A section over an endpoint that may not exist on this server yet (404 → a calm note). */
function Section<T>({ title, path, actions, children }: { title: string; path: string; actions?: React.ReactNode; children: (rows: T[]) => React.ReactNode }) {
  const q = useQuery({ queryKey: ['settings', path], queryFn: () => get<T[] | Record<string, T[]>>(path).then(asList), retry: false })
  return (
    <Card className="mb-4">
      <CardHeader title={title} actions={actions} />
      {q.isPending ? <Loading /> : q.error ? (
        q.error instanceof ApiError && q.error.status === 404 ? <Empty title="Not available on this server yet">{path} is not served by this version.</Empty> : <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : children(q.data)}
    </Card>
  )
}

function Secret({ label, value }: { label: string; value: string }) {
  return (
    <div role="status" className="m-3 rounded-md border border-emerald-500/40 bg-emerald-500/10 p-3 text-sm">
      <div className="mb-1 font-medium">{label} (shown once, copy it now)</div>
      <div className="flex items-center gap-2"><code className="break-all font-mono text-xs" data-testid="secret">{value}</code><Button size="icon" variant="ghost" aria-label="Copy" onClick={() => void navigator.clipboard?.writeText(value)}><Copy className="h-4 w-4" /></Button></div>
    </div>
  )
}

export function Settings() {
  const { isAdmin, project, session } = useSession()
  const qc = useQueryClient()
  const refresh = (path: string) => void qc.invalidateQueries({ queryKey: ['settings', path] })
  const [secret, setSecret] = React.useState<{ label: string; value: string } | null>(null)
  const [tokenName, setTokenName] = React.useState('')
  const [keyName, setKeyName] = React.useState('')
  const [newUser, setNewUser] = React.useState({ email: '', password: '', role: 'VIEWER' as Role })
  const [newProject, setNewProject] = React.useState({ id: '', name: '' })
  const act = useMutation({ mutationFn: (f: () => Promise<unknown>) => f() })
  const keysPath = `/api/projects/${encodeURIComponent(project)}/keys`
  const origin = window.location.origin

  return (
    <div>
      <PageHeader title="Settings" description={`Signed in as ${session.user.email}`} />
      {act.error && <p role="alert" className="mb-3 text-sm text-destructive">{act.error.message}</p>}
      {secret && <Secret label={secret.label} value={secret.value} />}
      <FirstEvent origin={origin} />
      <Section<TokenRow> title="Personal access tokens" path="/api/tokens" actions={
        <form className="flex gap-2" onSubmit={(e) => { e.preventDefault(); act.mutate(async () => { const t = await post<TokenRow>('/api/tokens', { name: tokenName }); setSecret({ label: `Token ${tokenName}`, value: t.token ?? '' }); setTokenName(''); refresh('/api/tokens') }) }}>
          <Input aria-label="Token name" placeholder="Token name" className="h-8 w-40" value={tokenName} onChange={(e) => setTokenName(e.target.value)} required />
          <Button size="sm" type="submit"><Plus className="h-3.5 w-3.5" /> Create</Button>
        </form>
      }>
        {(all) => { const rows = all.filter((t) => !t.revokedAt); return rows.length === 0 ? <Empty title="No tokens" /> : (
          <Table><thead><tr><th>Name</th><th>Created</th><th>Last used</th><th /></tr></thead><tbody>
            {rows.map((t) => <tr key={t.id}><td>{t.name}</td><td className="text-xs">{t.createdAt?.slice(0, 10)}</td><td className="text-xs">{t.lastUsedAt?.slice(0, 16) ?? 'never'}</td><td className="text-right"><Button size="icon" variant="ghost" aria-label={`Revoke ${t.name}`} onClick={() => act.mutate(async () => { await del(`/api/tokens/${t.id}`); refresh('/api/tokens') })}><Trash2 className="h-4 w-4" /></Button></td></tr>)}
          </tbody></Table>
        ) }}
      </Section>
      {isAdmin && <>
        <Section<KeyRow> title={`Ingestion keys of ${project}`} path={keysPath} actions={
          <form className="flex gap-2" onSubmit={(e) => { e.preventDefault(); act.mutate(async () => { const k = await post<KeyRow>(keysPath, { name: keyName }); setSecret({ label: `Key ${keyName}`, value: k.secret ?? '' }); setKeyName(''); refresh(keysPath) }) }}>
            <Input aria-label="Key name" placeholder="Key name" className="h-8 w-40" value={keyName} onChange={(e) => setKeyName(e.target.value)} required />
            <Button size="sm" type="submit"><Plus className="h-3.5 w-3.5" /> Create</Button>
          </form>
        }>
          {(rows) => rows.length === 0 ? <Empty title="No keys" /> : (
            <Table><thead><tr><th>Name</th><th>Prefix</th><th>Rate limit</th><th>Status</th><th /></tr></thead><tbody>
              {rows.map((k) => <tr key={k.id}><td>{k.name}</td><td className="font-mono text-xs">{k.prefix}</td><td>{k.rateLimit ?? 'default'}</td><td>{k.revokedAt ? <Badge>revoked</Badge> : <Badge className="text-emerald-600">active</Badge>}</td><td className="text-right">{!k.revokedAt && <Button size="icon" variant="ghost" aria-label={`Revoke ${k.name}`} onClick={() => act.mutate(async () => { await del(`/api/keys/${k.id}`); refresh(keysPath) })}><Trash2 className="h-4 w-4" /></Button>}</td></tr>)}
            </tbody></Table>
          )}
        </Section>
        <Section<UserRow> title="Users" path="/api/users" actions={
          <form className="flex flex-wrap gap-2" onSubmit={(e) => { e.preventDefault(); act.mutate(async () => { await post('/api/users', { ...newUser, role: newUser.role.toLowerCase(), projects: [project] }); setNewUser({ email: '', password: '', role: 'VIEWER' }); refresh('/api/users') }) }}>
            <Input aria-label="New user email" placeholder="email" type="email" className="h-8 w-44" value={newUser.email} onChange={(e) => setNewUser({ ...newUser, email: e.target.value })} required />
            <Input aria-label="New user password" placeholder="password" type="password" className="h-8 w-32" value={newUser.password} onChange={(e) => setNewUser({ ...newUser, password: e.target.value })} required />
            <Select aria-label="New user role" className="h-8" value={newUser.role} onChange={(e) => setNewUser({ ...newUser, role: e.target.value as Role })}>{['VIEWER', 'EDITOR', 'ADMIN'].map((r) => <option key={r}>{r}</option>)}</Select>
            <Button size="sm" type="submit"><Plus className="h-3.5 w-3.5" /> Add</Button>
          </form>
        }>
          {(rows) => (
            <Table><thead><tr><th>Email</th><th>Role</th><th>Projects</th><th>Status</th></tr></thead><tbody>
              {rows.map((u) => <tr key={u.id}><td>{u.email}</td><td><Select aria-label={`Role of ${u.email}`} className="h-7" value={String(u.role).toUpperCase()} onChange={(e) => act.mutate(async () => { await patch(`/api/users/${u.id}`, { role: e.target.value.toLowerCase() }); refresh('/api/users') })}>{['VIEWER', 'EDITOR', 'ADMIN'].map((r) => <option key={r}>{r}</option>)}</Select></td><td className="text-xs">{u.projects?.join(', ')}</td><td><Button size="sm" variant="ghost" onClick={() => act.mutate(async () => { await patch(`/api/users/${u.id}`, { disabled: !u.disabled }); refresh('/api/users') })}>{u.disabled ? 'Enable' : 'Disable'}</Button></td></tr>)}
            </tbody></Table>
          )}
        </Section>
        <Section<ProjectRow> title="Projects" path="/api/projects" actions={
          <form className="flex gap-2" onSubmit={(e) => { e.preventDefault(); act.mutate(async () => { await post('/api/projects', newProject); setNewProject({ id: '', name: '' }); refresh('/api/projects') }) }}>
            <Input aria-label="Project id" placeholder="id" className="h-8 w-28" value={newProject.id} onChange={(e) => setNewProject({ ...newProject, id: e.target.value })} required />
            <Input aria-label="Project name" placeholder="name" className="h-8 w-36" value={newProject.name} onChange={(e) => setNewProject({ ...newProject, name: e.target.value })} required />
            <Button size="sm" type="submit"><Plus className="h-3.5 w-3.5" /> Create</Button>
          </form>
        }>
          {(rows) => <Table><thead><tr><th>Id</th><th>Name</th></tr></thead><tbody>{rows.map((p) => <tr key={p.id}><td className="font-mono text-xs">{p.id}</td><td>{p.name}</td></tr>)}</tbody></Table>}
        </Section>
        <Section<AuditRow> title="Audit log (last 50)" path="/api/audit?limit=50">
          {(rows) => rows.length === 0 ? <Empty title="Nothing recorded yet" /> : (
            <div className="max-h-80 overflow-auto"><Table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Target</th><th>IP</th></tr></thead><tbody>
              {rows.map((a) => <tr key={a.seq}><td className="whitespace-nowrap text-xs">{new Date(a.at).toLocaleString()}</td><td className="text-xs">{a.actor}</td><td className="font-mono text-xs">{a.action}</td><td className="text-xs">{a.target} {a.detail}</td><td className="text-xs">{a.ip}</td></tr>)}
            </tbody></Table></div>
          )}
        </Section>
      </>}
    </div>
  )
}

export function FirstEvent({ origin }: { origin: string }) {
  const curl = `curl -X POST ${origin}/v1/track \\
  -u YOUR_WRITE_KEY: \\
  -H 'Content-Type: application/json' \\
  -d '{"event":"Signed Up","userId":"u1","properties":{"plan":"pro"}}'`
  const java = `// dev.causality:causality-sdk-java
try (AnalyticsClient client = Causality.builder(writeKey).endpoint("${origin}").build()) {
  client.track("u1", "Signed Up", Map.of("plan", "pro"));
}`
  return (
    <Card className="mb-4">
      <CardHeader title="Send your first event" />
      <div className="grid gap-3 p-3 md:grid-cols-2">
        <div><div className="mb-1 text-xs font-medium text-muted-foreground">curl</div><pre className="overflow-auto rounded bg-muted p-2 font-mono text-xs">{curl}</pre></div>
        <div><div className="mb-1 text-xs font-medium text-muted-foreground">Java SDK</div><pre className="overflow-auto rounded bg-muted p-2 font-mono text-xs">{java}</pre></div>
      </div>
    </Card>
  )
}
