import * as React from 'react'

export function useTheme(): [boolean, () => void] {
  const [dark, setDark] = React.useState(() => document.documentElement.classList.contains('dark'))
  const toggle = React.useCallback(() => {
    setDark((d) => {
      const next = !d
      document.documentElement.classList.toggle('dark', next)
      localStorage.setItem('causality.theme', next ? 'dark' : 'light')
      return next
    })
  }, [])
  return [dark, toggle]
}
