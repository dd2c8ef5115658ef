import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The office console, served by the service under /console from dist/console. A build of its own, so
 * the tablet app (web/, /app) never downloads it; each page is a chunk of its own (lazy routes).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // The libraries every page shares change less often than the pages: cached apart from them.
        manualChunks: (id) => (/node_modules\/(react|react-dom|react-router|react-router-dom|scheduler)\//.test(id) ? 'react' : undefined),
      },
    },
  },
  plugins: [react()],
});
