import * as React from 'react'
import { EditorView, basicSetup } from 'codemirror'
import { keymap } from '@codemirror/view'
import { Prec } from '@codemirror/state'
import { sql, PostgreSQL } from '@codemirror/lang-sql'

/** CodeMirror 6 with SQL highlighting and completion; Mod-Enter runs, Mod-s saves. */
export function SqlEditor({ value, onChange, onRun, onSave, schema }: { value: string; onChange: (v: string) => void; onRun: () => void; onSave: () => void; schema?: Record<string, string[]> }) {
  const host = React.useRef<HTMLDivElement>(null)
  const view = React.useRef<EditorView | null>(null)
  const handlers = React.useRef({ onChange, onRun, onSave })
  handlers.current = { onChange, onRun, onSave }
  React.useEffect(() => {
    if (!host.current) return
    const v = new EditorView({
      doc: value,
      parent: host.current,
      extensions: [
        Prec.highest(
          keymap.of([
            { key: 'Mod-Enter', run: () => (handlers.current.onRun(), true) },
            { key: 'Mod-s', run: () => (handlers.current.onSave(), true), preventDefault: true },
          ]),
        ),
        basicSetup,
        sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true }),
        EditorView.updateListener.of((u) => u.docChanged && handlers.current.onChange(u.state.doc.toString())),
        EditorView.contentAttributes.of({ 'aria-label': 'SQL editor' }),
      ],
    })
    view.current = v
    return () => v.destroy()
    // The schema only changes completions; re-creating the editor for it would lose the cursor.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(schema)])
  React.useEffect(() => {
    const v = view.current
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } })
  }, [value])
  return <div ref={host} className="h-full min-h-48 overflow-auto rounded-md border border-border bg-card" data-testid="sql-editor" />
}
