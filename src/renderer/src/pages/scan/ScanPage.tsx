import {
  Alert,
  Button,
  Group,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { z } from 'zod';
import { worthReview } from '../../lib/labels';
import { local, useStored } from '../../lib/stored';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BatchProgressCard } from '../../components/BatchProgress';
import { DropNotice } from '../../components/DropNotice';
import { PageHeader } from '../../components/PageHeader';
import { IntakeActions, IntakeDropzone, usePhotoIntake } from '../../components/PhotoIntake';
import { shortcutLabel } from '../../platform';
import { identifyBoxes, inspectBoxes, PhotoCard } from './PhotoCard';
import { PhotoView } from './PhotoView';
import { useSettings } from '../../api/queries';
import { formatScore, scoreDigits } from '../../format';
import { SCAN_MODES, useScan, type ScanItem, type ScanMode } from './ScanProvider';

function Summary({ items }: { items: ScanItem[] }) {
  const { t } = useTranslation();
  const faces = items.reduce(
    (n, item) => n + (item.result?.faces.length ?? item.identified?.faces.length ?? 0),
    0,
  );
  const matches = items.reduce(
    (n, item) => n + (item.identified?.faces.filter((f) => f.verdict === 'match').length ?? 0),
    0,
  );
  const identified = items.some((item) => item.identified);
  const errors = items.filter((item) => item.status === 'error').length;
  const parts = [t('scan.summaryPhotos', { count: items.length }), t('scan.summaryFaces', { count: faces })];
  if (identified) parts.push(t('identify.summaryMatches', { count: matches }));
  if (errors > 0) parts.push(t('scan.summaryErrors', { count: errors }));
  return (
    <Text size="sm" c="dimmed" data-testid="scan-summary">
      {parts.join(' · ')}
    </Text>
  );
}

/** Find faces or identify them against the watchlist; applies to the photos added next. */
function ModeSwitch() {
  const { t } = useTranslation();
  const { mode, setMode } = useScan();
  return (
    <SegmentedControl
      value={mode}
      onChange={(value) => setMode(value as ScanMode)}
      data={SCAN_MODES.map((m) => ({ value: m, label: t(`scan.modes.${m}`) }))}
      aria-label={t('scan.modeLabel')}
      data-testid="scan-mode"
      data-mode={mode}
      size="sm"
      radius="sm"
    />
  );
}

/** Photos scanned in the other mode can be run again in this one. */
function OtherModeNotice({ items }: { items: ScanItem[] }) {
  const { t } = useTranslation();
  const { mode, rescanInMode, progress } = useScan();
  const other = items.filter((item) => item.mode !== mode && item.status !== 'queued').length;
  if (other === 0) return null;
  return (
    <Alert color="gray" variant="light" py="xs" data-testid="scan-other-mode">
      <Group justify="space-between" gap="sm">
        <Text size="sm">{t(`scan.otherMode.${mode}`, { count: other })}</Text>
        <Button
          size="xs"
          variant="default"
          onClick={rescanInMode}
          disabled={progress.stopping}
          data-testid="scan-rescan"
        >
          {t(`scan.rescan.${mode}`, { count: other })}
        </Button>
      </Group>
    </Alert>
  );
}

/**
 * Verdicts are judged at the thresholds in force when a photo was identified: after a change in
 * Settings, the photos judged before say so, with a button that identifies them again.
 */
function StaleThresholdsNotice({ items }: { items: ScanItem[] }) {
  const { t, i18n } = useTranslation();
  const { identifyAgain, progress } = useScan();
  const settings = useSettings();
  const now = settings.data?.thresholds;
  if (!now) return null;
  const judgedAt = (item: ScanItem) => item.identified?.faces[0]?.thresholds;
  const stale = items.filter((item) => {
    const at = judgedAt(item);
    return item.status === 'done' && at && (at.match !== now.match || at.possible !== now.possible);
  });
  if (stale.length === 0) return null;
  const then = judgedAt(stale[0]!)!;
  const score = (v: number) =>
    formatScore(i18n.language, v, scoreDigits(v, [now.match, now.possible, then.match, then.possible]));
  return (
    <Alert color="yellow" variant="light" py="xs" data-testid="scan-stale-thresholds">
      <Group justify="space-between" gap="sm" wrap="nowrap">
        <Text size="sm">
          {t('identify.staleThresholds', {
            count: stale.length,
            match: score(then.match),
            possible: score(then.possible),
            nowMatch: score(now.match),
            nowPossible: score(now.possible),
          })}
        </Text>
        <Button
          size="xs"
          variant="default"
          style={{ flexShrink: 0 }}
          onClick={() => identifyAgain(stale.map((item) => item.id))}
          disabled={progress.stopping}
          data-testid="scan-identify-again"
        >
          {t('identify.identifyAgain', { count: stale.length })}
        </Button>
      </Group>
    </Alert>
  );
}

export function ScanPage() {
  const { t, i18n } = useTranslation();
  const scan = useScan();
  const { items, addFiles, clear, onPickerRequest, progress, mode } = scan;
  // Kept across pages and restarts, as the mode is.
  const [matchesOnly, setMatchesOnly] = useStored(local, 'vigil.scan-matches-only', z.boolean(), false);
  const intake = usePhotoIntake(addFiles);
  const [preview, setPreview] = useState<ScanItem | null>(null);
  const empty = items.length === 0;
  const openKeys = shortcutLabel('o');

  const { openFiles } = intake;
  useEffect(() => onPickerRequest(() => openFiles.current?.()), [onPickerRequest, openFiles]);

  const onOpen = useCallback((item: ScanItem) => setPreview(item), []);
  const previewLive = preview ? items.find((item) => item.id === preview.id) : undefined;
  const previewImage = previewLive?.result ?? previewLive?.identified;
  const filterMatches = mode === 'identify' && matchesOnly;
  const shown = filterMatches
    ? items.filter((item) => item.identified?.faces.some((f) => worthReview(f.verdict)))
    : items;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('scan.title')}
        description={mode === 'identify' ? t('identify.description') : t('scan.description')}
        actions={
          <IntakeActions
            {...intake}
            ns="scan"
            testIds={{ files: 'choose-files', folder: 'choose-folder', clear: 'scan-clear' }}
            onClear={clear}
            clearDisabled={empty && !progress.running}
            shortcut={openKeys}
          />
        }
      />

      <IntakeDropzone
        {...intake}
        ns="scan"
        empty={empty}
        testId="dropzone"
        folderTestId="folder-input"
        minHeight={180}
        formats
      />

      <Group justify="space-between" gap="sm">
        <ModeSwitch />
        {mode === 'identify' && (
          <Switch
            label={t('identify.matchesOnly')}
            checked={matchesOnly}
            onChange={(event) => setMatchesOnly(event.currentTarget.checked)}
            data-testid="scan-matches-only"
          />
        )}
      </Group>

      <BatchProgressCard
        ns="scan"
        progress={progress}
        onCancel={scan.cancel}
        testId="scan-progress"
        cancelTestId="scan-cancel"
      />
      <DropNotice notice={scan.notice} ns="scan" onClose={scan.dismissNotice} testId="scan-notice" />
      <OtherModeNotice items={items} />
      <StaleThresholdsNotice items={items} />

      {empty ? (
        <Stack gap={4} align="center" py="lg" data-testid="scan-empty">
          <Text fw={600}>{t('scan.emptyTitle')}</Text>
          <Text size="sm" c="dimmed" ta="center" maw={560}>
            {t('scan.emptyBody', { keys: openKeys })}
          </Text>
        </Stack>
      ) : (
        <>
          <Summary items={items} />
          {filterMatches && shown.length === 0 && (
            <Text size="sm" c="dimmed" ta="center" py="md" data-testid="scan-no-matches">
              {t('identify.noMatches')}
            </Text>
          )}
          <SimpleGrid
            type="container"
            cols={
              mode === 'identify'
                ? { base: 1, '560px': 2, '900px': 3, '1400px': 4 }
                : { base: 1, '440px': 2, '660px': 3, '880px': 4, '1100px': 5, '1380px': 6 }
            }
            spacing="sm"
            verticalSpacing="sm"
          >
            {shown.map((item) => (
              <PhotoCard key={item.id} item={item} onOpen={onOpen} matchesOnly={filterMatches} />
            ))}
          </SimpleGrid>
        </>
      )}

      <Modal
        opened={previewImage !== undefined}
        onClose={() => setPreview(null)}
        size="auto"
        centered
        title={
          previewImage && previewLive
            ? t('scan.previewTitle', {
                name: previewLive.name,
                width: previewImage.width,
                height: previewImage.height,
              })
            : ''
        }
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {previewImage && previewLive && (
          <PhotoView
            image={previewImage}
            boxes={
              previewLive.result
                ? inspectBoxes(previewLive.result, i18n.language, t)
                : previewLive.identified
                  ? identifyBoxes(previewLive.identified, i18n.language, t)
                  : []
            }
            large
            style={{
              width: `min(86vw, calc(76vh * ${previewImage.width / previewImage.height}))`,
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}
