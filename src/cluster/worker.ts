import type { Registry } from 'prom-client';
import { FiguresAnswer, FiguresRequest, isMessage, ScrapeAnswer, ScrapeRequest, ShutDown } from './messages';

/** How long a worker waits for the primary's figures: longer than the primary waits for the workers'. */
const SCRAPE_TIMEOUT_MS = 10_000;

const pending = new Map<number, (answer: ScrapeAnswer) => void>();
let lastId = 0;
let listening = false;

/** In a worker: the figures of every worker, gathered and added up by the primary. */
export function askPrimaryForMetrics(): Promise<string> {
  if (!listening) {
    listening = true;
    process.on('message', (message) => {
      if (isMessage<ScrapeAnswer>(message, 'triple-round:scraped')) pending.get(message.id)?.(message);
    });
  }
  const id = ++lastId;
  return new Promise<string>((resolve, reject) => {
    let timeout: NodeJS.Timeout | undefined = undefined;
    const settle = (answer: ScrapeAnswer) => {
      clearTimeout(timeout);
      pending.delete(id);
      if (answer.text !== undefined) resolve(answer.text);
      else reject(new Error(`Gathering the workers' metrics failed: ${answer.error}`));
    };
    timeout = setTimeout(() => settle({ type: 'triple-round:scraped', id, error: 'the primary did not answer' }), SCRAPE_TIMEOUT_MS);
    pending.set(id, settle);
    process.send!({ type: 'triple-round:scrape', id } satisfies ScrapeRequest);
  });
}

/** In a worker: answers the primary's requests for this worker's figures from `registry`. */
export function answerFigureRequests(registry: Registry): void {
  process.on('message', (message) => {
    if (!isMessage<FiguresRequest>(message, 'triple-round:figures')) return;
    const answer = (fields: Partial<FiguresAnswer>) => process.send!({ type: 'triple-round:figures-answer', id: message.id, ...fields } satisfies FiguresAnswer);
    registry.getMetricsAsJSON().then(
      (figures) => answer({ figures }),
      (error: unknown) => answer({ error: String(error) }),
    );
  });
}

/** In a worker: calls `shutDown` when the primary says so (it was sent SIGTERM or SIGINT). */
export function onShutDownRequest(shutDown: () => void): void {
  process.on('message', (message) => {
    if (isMessage<ShutDown>(message, 'triple-round:shut-down')) shutDown();
  });
}
