import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// The bundle goes inside the Python package, so `journeys serve` finds it after an
// editable install and a wheel can carry it.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: '../src/journeys/web/dist',
    emptyOutDir: true,
  },
  server: {
    // `npm run dev` talks to a `journeys serve` on the default port.
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/auth': 'http://127.0.0.1:8000',
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
})
