/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'

// `npm run dev` serves the app on :5173 and forwards /api and /v1 to a running server
// (CAUSALITY_URL, default http://localhost:8080). The proxy drops the browser's Origin header:
// the server refuses cross-origin API calls, and :5173 is another origin than the server's.
const target = process.env.CAUSALITY_URL ?? 'http://localhost:8080'
const proxy = {
  target,
  changeOrigin: true,
  configure: (p: { on: (event: 'proxyReq', f: (req: { removeHeader: (name: string) => void }) => void) => void }) =>
    p.on('proxyReq', (req) => req.removeHeader('origin')),
}

export default defineConfig({
  base: '/app/',
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      '/api': proxy,
      '/v1': proxy,
    },
  },
  build: { outDir: 'dist', chunkSizeWarningLimit: 2000 },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test-setup.ts'],
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
  },
})
