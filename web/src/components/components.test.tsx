import { describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/react'
import { ResultTable, TrendChart, RetentionView } from './charts'
import { FilterEditor } from './controls'
import type { SqlResult, TrendResult } from '../lib/types'

const sql = (n: number): SqlResult => ({
  columns: [{ name: 'event', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }],
  rows: Array.from({ length: n }, (_, i) => [`e${i}`, (i * 7) % 13]),
  rowCount: n, truncated: false, limitApplied: true, sql: 'SELECT … LIMIT 1000', elapsedMs: 3,
})

describe('ResultTable', () => {
  it('pages rows and sorts by a column', () => {
    render(<ResultTable result={sql(120)} />)
    expect(screen.getByText('Page 1 of 3')).toBeInTheDocument()
    fireEvent.click(screen.getByRole('button', { name: 'Sort by n' }))
    fireEvent.click(screen.getByRole('button', { name: 'Sort by n' }))
    const first = within(screen.getByTestId('result-table')).getAllByRole('row')[1]
    expect(first).toHaveTextContent('12')
    fireEvent.click(screen.getByRole('button', { name: 'Next' }))
    expect(screen.getByText('Page 2 of 3')).toBeInTheDocument()
  })
  it('says when there are no rows', () => {
    render(<ResultTable result={sql(0)} />)
    expect(screen.getByText('No rows')).toBeInTheDocument()
  })
})

const trend: TrendResult = {
  buckets: ['2026-11-01T00:00:00', '2026-11-02T00:00:00'],
  series: [
    { label: 'Signed Up · Total events · DE', breakdown: ['DE'], compare: false, values: [3, 5], total: 8 },
    { label: 'Signed Up · Total events · DE (previous period)', breakdown: ['DE'], compare: true, values: [2, 2], total: 4 },
  ],
}

describe('TrendChart', () => {
  it('shows totals with the change against the previous period', () => {
    render(<TrendChart result={trend} kind="number" />)
    expect(screen.getByTestId('trend-number')).toHaveTextContent('Signed Up · Total events · DE8+100.0% vs previous')
  })
  it('shows a table of buckets', () => {
    render(<TrendChart result={trend} kind="table" />)
    expect(screen.getByTestId('trend-table')).toHaveTextContent('Signed Up · Total events · DE (previous period)')
  })
  it('has an empty state', () => {
    render(<TrendChart result={{ buckets: [], series: [] }} kind="line" />)
    expect(screen.getByText('No events in this range')).toBeInTheDocument()
  })
})

describe('FilterEditor', () => {
  it('adds a filter and reads "is one of" values as a list', () => {
    const onChange = vi.fn()
    const { rerender } = render(<FilterEditor filters={[]} fields={['country']} onChange={onChange} />)
    fireEvent.click(screen.getByRole('button', { name: /Filter/ }))
    expect(onChange).toHaveBeenLastCalledWith([{ field: 'country', op: 'eq', value: '' }])
    rerender(<FilterEditor filters={[{ field: 'country', op: 'in', value: [] }]} fields={['country']} onChange={onChange} />)
    fireEvent.change(screen.getByLabelText('Filter 1 value'), { target: { value: 'DE, FR' } })
    expect(onChange).toHaveBeenLastCalledWith([{ field: 'country', op: 'in', value: ['DE', 'FR'] }])
  })
})

describe('RetentionView', () => {
  it('leaves periods that have not begun blank', () => {
    render(<RetentionView result={{ cohorts: [{ start: '2026-11-02', size: 10, returned: [10, 4, null], rates: [1, 0.4, null] }] }} />)
    const cells = within(screen.getByTestId('retention-table')).getAllByRole('cell')
    expect(cells.map((c) => c.textContent)).toEqual(['2026-11-02', '10', '100.0%', '40.0%', ''])
  })
})
