import * as React from 'react'
import { EditorView, basicSetup } from 'codemirror'
import { keymap } from '@codemirror/view'
import { Compartment, Prec } from '@codemirror/state'
import { sql, PostgreSQL } from '@codemirror/lang-sql'

/** CodeMirror 6 with SQL highlighting and completion; Mod-Enter runs, Mod-s saves. */
export function SqlEditor({ value, onChange, onRun, onSave, schema }: { value: string; onChange: (v: string) => void; onRun: () => void; onSave: () => void; schema?: Record<string, string[]> }) {
  const host = React.useRef<HTMLDivElement>(null)
  const view = React.useRef<EditorView | null>(null)
  const language = React.useRef(new Compartment())
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
        language.current.of(sql({ dialect: PostgreSQL, upperCaseKeywords: true })),
        EditorView.updateListener.of((u) => u.docChanged && handlers.current.onChange(u.state.doc.toString())),
        EditorView.contentAttributes.of({ 'aria-label': 'SQL editor' }),
      ],
    })
    view.current = v
    return () => v.destroy()
    // Made once; the text and the schema are pushed in by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  const schemaKey = JSON.stringify(schema ?? {})
  React.useEffect(() => {
    // Completions follow the schema without re-creating the editor (which would lose focus).
    view.current?.dispatch({ effects: language.current.reconfigure(sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true })) })
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [schemaKey])
  React.useEffect(() => {
    const v = view.current
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } })
  }, [value])
  return <div ref={host} className="h-full min-h-48 overflow-auto rounded-md border border-border bg-card" data-testid="sql-editor" />
}
