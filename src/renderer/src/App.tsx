import {
  Alert,
  AppShell,
  Box,
  Group,
  Indicator,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  Title,
  Tooltip,
  useMatches,
} from '@mantine/core';
import { useHotkeys, useWindowEvent, type HotkeyItem } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import classes from './App.module.css';
import { hasCode } from './api/errors';
import { useHealth } from './api/queries';
import { HeaderControls } from './components/HeaderControls';
import { IconAlert, IconScan } from './components/icons';
import { PAGES, type PageId } from './pages';
import { filesFromDataTransfer, toPicked } from './lib/files';
import { useNavigation } from './navigation';
import { BlurPage } from './pages/blur/BlurPage';
import { useBlur } from './pages/blur/BlurProvider';
import { ClassifyPage } from './pages/classify/ClassifyPage';
import { useClassify } from './pages/classify/ClassifyProvider';
import { DiagnosticsPage } from './pages/diagnostics/DiagnosticsPage';
import { HistoryPage } from './pages/history/HistoryPage';
import { ScanPage } from './pages/scan/ScanPage';
import { useScan } from './pages/scan/ScanProvider';
import { SettingsPage } from './pages/settings/SettingsPage';
import { useUnsavedSettings } from './pages/settings/SettingsDrafts';
import { WatchlistPage } from './pages/watchlist/WatchlistPage';
import { shortcutLabel } from './platform';
import { openPagePicker } from './lib/page-opener';

function Navigation({ page, onSelect }: { page: PageId; onSelect: (page: PageId) => void }) {
  const { t } = useTranslation();
  // Under 62em (a small window, or 200 % zoom) the bar keeps its icons; names show as tooltips.
  const wide = useMatches({ base: false, md: true });
  const unsavedSettings = useUnsavedSettings();
  return (
    <Stack gap={2} component="nav" aria-label={t('nav.label')}>
      {PAGES.map((def, index) => {
        const Icon = def.icon;
        const keys = shortcutLabel(String(index + 1));
        const unsaved = def.id === 'settings' && unsavedSettings;
        const name = unsaved ? t('nav.unsaved', { page: t(`nav.${def.id}`) }) : t(`nav.${def.id}`);
        const link = (
          <NavLink
            component="button"
            type="button"
            className={classes.navItem}
            label={wide ? t(`nav.${def.id}`) : undefined}
            description={wide && unsaved ? t('nav.unsavedShort') : undefined}
            aria-label={name}
            leftSection={
              <Indicator disabled={!unsaved} size={8} color="orange" offset={1}>
                <Icon size={18} />
              </Indicator>
            }
            rightSection={wide ? <span className={classes.navShortcut}>{keys}</span> : undefined}
            active={page === def.id}
            disabled={!def.available}
            aria-current={page === def.id ? 'page' : undefined}
            onClick={() => onSelect(def.id)}
            data-testid={`nav-${def.id}`}
          />
        );
        return def.available ? (
          wide ? (
            <Box key={def.id}>{link}</Box>
          ) : (
            <Tooltip key={def.id} label={`${name} · ${keys}`} position="right">
              <Box>{link}</Box>
            </Tooltip>
          )
        ) : (
          <Tooltip key={def.id} label={t('nav.notAvailable')} position="right">
            {/* A disabled button gets no pointer events; the wrapper still shows the tooltip. */}
            <Box data-testid={`nav-${def.id}-wrapper`}>{link}</Box>
          </Tooltip>
        );
      })}
    </Stack>
  );
}

/** Without the token nothing works; say so once, above every page, with what to do. */
function AuthBanner() {
  const { t } = useTranslation();
  const health = useHealth();
  if (!health.isError || !hasCode(health.error, 'UNAUTHORIZED')) return null;
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlert />}
      title={t('connection.unauthorized')}
      mb="md"
      data-testid="auth-banner"
    >
      {t('connection.unauthorizedDetail')}
    </Alert>
  );
}

export function App() {
  const { t, i18n } = useTranslation();
  const { page, go: select } = useNavigation();
  const scan = useScan();
  const blur = useBlur();
  const classify = useClassify();

  useEffect(() => {
    document.title = `${t(`nav.${page}`)} · ${t('app.name')}`;
  }, [page, t, i18n.language]);

  // After a page switch the keyboard continues in the new page, not on the nav item or shortcut.
  const main = useRef<HTMLElement>(null);
  const shownPage = useRef(page);
  useEffect(() => {
    if (shownPage.current === page) return;
    shownPage.current = page;
    main.current?.focus({ preventScroll: true });
  }, [page]);

  const hotkeys: HotkeyItem[] = [
    ...PAGES.map((def, index): HotkeyItem => [`mod+${index + 1}`, () => select(def.id)]),
    [
      'mod+o',
      () => {
        // The picker of the page in view; from a page without one, Scan's.
        if (openPagePicker(page)) return;
        select('scan');
        scan.requestPicker();
      },
    ],
  ];
  // Shortcuts with Ctrl/Cmd work from any field, the language select included.
  useHotkeys(hotkeys, []);

  // Photos dropped anywhere outside a drop zone still get scanned instead of the window navigating
  // to the file (on the Scan page too: its drop zone shrinks to a line once results show). Drop
  // zones handle drops on them (defaultPrevented). On the Watchlist page a drop that misses its
  // drop zones is ignored rather than taking the user to another page.
  useWindowEvent('dragover', (event) => {
    if (!event.defaultPrevented) event.preventDefault();
  });
  useWindowEvent('drop', (event) => {
    if (event.defaultPrevented) return;
    event.preventDefault();
    if (page === 'watchlist' || !event.dataTransfer) return;
    const pending = filesFromDataTransfer(event.dataTransfer);
    // On the Blur page a drop beside its drop zone still means "blur these".
    if (page === 'blur') {
      void pending.then((files) => {
        if (files.length > 0) blur.addFiles(files.map(toPicked));
      });
      return;
    }
    // Likewise on the Classify page: "classify these".
    if (page === 'classify') {
      void pending.then((files) => {
        if (files.length > 0) classify.addFiles(files.map(toPicked));
      });
      return;
    }
    select('scan');
    void pending.then((files) => {
      if (files.length > 0) scan.addFiles(files.map(toPicked));
    });
  });

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: { base: 64, md: 232 }, breakpoint: 0 }} padding="lg">
      <a href="#main" className={classes.skipLink}>
        {t('nav.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <div className={classes.brandMark}>
              <IconScan size={18} />
            </div>
            <Title order={1} size="h4" fw={700}>
              {t('app.name')}
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="sm">
              {t('app.tagline')}
            </Text>
          </Group>
          <HeaderControls />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs">
        <AppShell.Section grow component={ScrollArea}>
          <Navigation page={page} onSelect={select} />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main className={classes.main} id="main" tabIndex={-1} ref={main}>
        <Box maw={1680} mx="auto">
          <AuthBanner />
          {page === 'scan' && <ScanPage />}
          {page === 'watchlist' && <WatchlistPage />}
          {page === 'blur' && <BlurPage />}
          {page === 'classify' && <ClassifyPage />}
          {page === 'history' && <HistoryPage />}
          {page === 'diagnostics' && <DiagnosticsPage />}
          {page === 'settings' && <SettingsPage />}
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
