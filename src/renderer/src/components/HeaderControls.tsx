import {
  ActionIcon,
  Badge,
  Group,
  Select,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useVigil } from '../api/ClientProvider';
import { hasCode, errorShapeOf } from '../api/errors';
import { useHealth } from '../api/queries';
import { currentLanguage, isLanguage, LANGUAGES, setLanguage } from '../i18n';
import { IconLanguage, IconMoon, IconSun } from './icons';

export function ThemeToggle() {
  const { t } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light', { getInitialValueInEffect: false });
  const next = scheme === 'dark' ? 'light' : 'dark';
  const label = next === 'light' ? t('header.themeLight') : t('header.themeDark');
  return (
    <Tooltip label={label}>
      <ActionIcon
        variant="default"
        size="md"
        aria-label={label}
        onClick={() => setColorScheme(next)}
        data-testid="theme-toggle"
      >
        {scheme === 'dark' ? <IconSun size={16} /> : <IconMoon size={16} />}
      </ActionIcon>
    </Tooltip>
  );
}

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  const value = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();
  return (
    <Select
      size="xs"
      w={172}
      aria-label={t('header.language')}
      leftSection={<IconLanguage size={14} />}
      data={LANGUAGES.map((l) => ({ value: l.code, label: l.autonym }))}
      value={value}
      allowDeselect={false}
      checkIconPosition="right"
      comboboxProps={{ withinPortal: true }}
      onChange={(v) => {
        if (isLanguage(v)) setLanguage(v);
      }}
      data-testid="language-select"
    />
  );
}

/** Whether the core answers: green when app.health is ok, red with the reason otherwise. */
export function ConnectionStatus() {
  const { t } = useTranslation();
  const { shell } = useVigil();
  const health = useHealth();
  const shellName = shell === 'desktop' ? t('connection.shellDesktop') : t('connection.shellBrowser');

  let color = 'gray';
  let label = t('connection.checking');
  let detail = '';
  // A failed check wins over the data an earlier one left behind.
  if (health.data && !health.isError) {
    color = 'teal';
    label = t('connection.connected');
    detail = t('connection.connectedDetail', { version: health.data.version, shell: shellName });
  } else if (health.isError) {
    color = 'red';
    if (hasCode(health.error, 'UNAUTHORIZED')) {
      label = t('connection.unauthorized');
      detail = t('connection.unauthorizedDetail');
    } else {
      label = t('connection.offline');
      detail = t('connection.offlineDetail', { message: errorShapeOf(health.error).message });
    }
  }

  return (
    <Tooltip label={detail || label} multiline maw={320} disabled={!detail}>
      <Badge variant="dot" color={color} size="md" radius="sm" tt="none" data-testid="connection-status">
        {label}
      </Badge>
    </Tooltip>
  );
}

export function HeaderControls() {
  return (
    <Group gap="xs" wrap="nowrap">
      <ConnectionStatus />
      <LanguageSelect />
      <ThemeToggle />
    </Group>
  );
}
