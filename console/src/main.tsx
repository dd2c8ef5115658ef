import { App as AntApp } from 'antd';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { Console } from './Console';
import { LangProvider } from './i18n';

createRoot(document.getElementById('root')!).render(
  <LangProvider>
    <AntApp>
      <BrowserRouter basename="/console">
        <Console />
      </BrowserRouter>
    </AntApp>
  </LangProvider>,
);
