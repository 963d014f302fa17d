import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/dropzone/styles.css';
import './i18n';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ClientProvider } from './api/ClientProvider';
import { LanguageDatesProvider } from './components/LanguageDatesProvider';
import { App } from './App';
import { NavigationProvider } from './navigation';
import { ScanProvider } from './pages/scan/ScanProvider';
import { CompareProvider } from './pages/watchlist/CompareProvider';
import { EnrollProvider } from './pages/watchlist/EnrollProvider';
import { BlurProvider } from './pages/blur/BlurProvider';
import { ClassifyProvider } from './pages/classify/ClassifyProvider';
import { SettingsDraftsProvider } from './pages/settings/SettingsDrafts';
import { colorSchemeManager, cssVariablesResolver, theme } from './theme';

const root = document.getElementById('root');
if (!root) throw new Error('Missing #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider
      theme={theme}
      defaultColorScheme="auto"
      colorSchemeManager={colorSchemeManager}
      cssVariablesResolver={cssVariablesResolver}
    >
      <LanguageDatesProvider>
        <ClientProvider>
          <NavigationProvider>
            <ScanProvider>
              <EnrollProvider>
                <CompareProvider>
                  <BlurProvider>
                    <ClassifyProvider>
                      <SettingsDraftsProvider>
                        <App />
                      </SettingsDraftsProvider>
                    </ClassifyProvider>
                  </BlurProvider>
                </CompareProvider>
              </EnrollProvider>
            </ScanProvider>
          </NavigationProvider>
        </ClientProvider>
      </LanguageDatesProvider>
    </MantineProvider>
  </StrictMode>,
);
