import { createRoot } from 'react-dom/client';
import { registerSW } from 'virtual:pwa-register';
import { takeEnrolmentLink } from './api/client';
import { App } from './App';
import { LangProvider } from './i18n';

// Before anything renders or registers: the enrolment link's token leaves the address at once.
const enrolmentLink = takeEnrolmentLink();
registerSW({ immediate: true });
createRoot(document.getElementById('root')!).render(
  <LangProvider>
    <App enrolmentLink={enrolmentLink} />
  </LangProvider>,
);
