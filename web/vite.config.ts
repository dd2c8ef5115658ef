import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { API_CACHE } from './src/api/cache-name';

/** The tablet app, served by the service under /app from dist/app. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  build: { outDir: '../dist/app', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      manifest: {
        name: '三查 · 查房与整改',
        short_name: '三查',
        description: 'Triple-round inspections and rectification',
        lang: 'zh-CN',
        start_url: '/app/',
        scope: '/app/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1677ff',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,woff2}'],
        navigateFallback: '/app/index.html',
        navigateFallbackAllowlist: [/^\/app\//],
        // The last answer of every API read, so the app opens with its lists on a ward without Wi-Fi; the
        // app clears it when a session starts or ends (api/client.ts). Files, case files and audit trails
        // are never kept on a shared device: they are read from the service each time; nor is `/me`, which
        // answers whose a token is, whatever token asks. The pattern is copied
        // into the service worker as source, so it names nothing from this file.
        runtimeCaching: [
          {
            urlPattern: ({ url, request }) =>
              request.method === 'GET' &&
              url.origin === self.location.origin &&
              !/^\/(app\/|attachments\/|audit|me$|(findings|rounds)\/[^/]+\/(audit|case-file))/.test(url.pathname),
            handler: 'NetworkFirst',
            options: { cacheName: API_CACHE, networkTimeoutSeconds: 5 },
          },
        ],
      },
    }),
  ],
});
