import { useQuery } from '@tanstack/react-query'
import { get, qs } from './api'
import type { EventInfo, PropertyInfo } from './types'

export function useEvents(project: string) {
  return useQuery({ queryKey: ['events', project], queryFn: () => get<EventInfo[]>(`/api/events${qs({ project })}`), staleTime: 30_000 })
}

export interface PropertiesAnswer { properties: PropertyInfo[]; columns: string[] }

export function useProperties(project: string, event: string | undefined) {
  return useQuery({
    queryKey: ['properties', project, event ?? '$any'],
    queryFn: () => get<PropertiesAnswer>(`/api/properties${qs({ project, event: event ?? '$any' })}`),
    staleTime: 30_000,
  })
}

/** The field names a filter or breakdown may use: promoted columns, then property paths. */
export function fieldOptions(a: PropertiesAnswer | undefined, event?: string): string[] {
  if (!a) return ['country', 'browser', 'os', 'device_type', 'utm_source']
  const prefix = event === '$identify' ? 'traits.' : 'properties.'
  return [...a.properties.map((p) => prefix + p.key), ...a.columns]
}

/** The most frequent values of each property path, for filter value suggestions. */
export function valueOptions(a: PropertiesAnswer | undefined, event?: string): Record<string, string[]> {
  const prefix = event === '$identify' ? 'traits.' : 'properties.'
  const out: Record<string, string[]> = {}
  for (const p of a?.properties ?? []) {
    out[prefix + p.key] = (p.topValues ?? []).map((v) => (v && typeof v === 'object' ? Object.keys(v as object)[0] : String(v))).filter((v): v is string => v !== undefined)
  }
  return out
}
