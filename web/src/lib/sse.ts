import { raw } from './api'

export interface SseMessage { id: string | null; event: string; data: string }

/** Splits a Server-Sent Events text stream into messages; keeps the unfinished tail. */
export class SseParser {
  private buffer = ''
  push(chunk: string): SseMessage[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n')
    const out: SseMessage[] = []
    let end: number
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end)
      this.buffer = this.buffer.slice(end + 2)
      let id: string | null = null
      let event = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue
        const i = line.indexOf(':')
        const field = i < 0 ? line : line.slice(0, i)
        const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '')
        if (field === 'id') id = value
        else if (field === 'event') event = value
        else if (field === 'data') data.push(value)
      }
      if (data.length) out.push({ id, event, data: data.join('\n') })
    }
    return out
  }
}

/**
 * Follows an SSE endpoint with fetch (so the session cookie, an access token and silent refresh
 * all apply), reconnecting after 2 s with Last-Event-ID so the server resumes where it left off.
 * Returns a function that stops it.
 */
export function follow(path: string, on: { message: (m: SseMessage) => void; status: (s: 'live' | 'reconnecting') => void }): () => void {
  const abort = new AbortController()
  let lastId: string | null = null
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const r = await raw(path, { signal: abort.signal, headers: lastId ? { 'Last-Event-ID': lastId } : {} })
        if (!r.ok || !r.body) throw new Error(`HTTP ${r.status}`)
        on.status('live')
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader()
        const parser = new SseParser()
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          for (const m of parser.push(value)) {
            if (m.id) lastId = m.id
            on.message(m)
          }
        }
      } catch {
        if (abort.signal.aborted) return
      }
      on.status('reconnecting')
      await new Promise((res) => setTimeout(res, 2000))
    }
  }
  void run()
  return () => abort.abort()
}
