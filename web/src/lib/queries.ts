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
