import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** What the primary and its workers tell each other over the cluster's IPC channel. */

/** Primary → worker: shut down gracefully, as on SIGTERM. */
export interface ShutDown {
  type: 'triple-round:shut-down';
}

/** Worker → primary: every worker's figures, please (a worker was asked GET /metrics). */
export interface ScrapeRequest {
  type: 'triple-round:scrape';
  id: number;
}

/** Primary → worker: the figures of every worker, added up, or why not. */
export interface ScrapeAnswer {
  type: 'triple-round:scraped';
  id: number;
  text?: string;
  error?: string;
}

/** Primary → worker: your own figures, please. */
export interface FiguresRequest {
  type: 'triple-round:figures';
  id: number;
}

/** Worker → primary: its figures (prom-client's getMetricsAsJSON), or why not. */
export interface FiguresAnswer {
  type: 'triple-round:figures-answer';
  id: number;
  figures?: MetricObjectWithValues<MetricValue<string>>[];
  error?: string;
}

export const SHUT_DOWN: ShutDown = { type: 'triple-round:shut-down' };

export const isMessage = <M extends { type: string }>(message: unknown, type: M['type']): message is M =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
