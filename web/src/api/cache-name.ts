/** The service worker's cache of API answers: named by web/vite.config.ts, cleared by the app. */
export const API_CACHE = 'api';
