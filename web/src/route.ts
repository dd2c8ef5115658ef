import { useEffect, useState } from 'react';

/** The screen is the URL's hash (`#/findings/ID`), so the service worker serves one page for all of them. */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function go(...parts: string[]): void {
  location.hash = `#/${parts.join('/')}`;
}
