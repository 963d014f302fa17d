import {
  Alert,
  Anchor,
  Avatar,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { z } from 'zod';
import { worthReview } from '../../lib/labels';
import { local, useStored } from '../../lib/stored';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BatchProgressCard } from '../../components/BatchProgress';
import { DropNotice } from '../../components/DropNotice';
import { PageHeader } from '../../components/PageHeader';
import { IntakeActions, IntakeDropzone, usePhotoIntake } from '../../components/PhotoIntake';
import { shortcutLabel } from '../../platform';
import { PhotoCard, scanBoxes } from './PhotoCard';
import { PhotoView } from './PhotoView';
import { useSettings, useSubjects } from '../../api/queries';
import { IconUser } from '../../components/icons';
import { useNavigation } from '../../navigation';
import { differsFrom, targetForNew } from './scan-target';
import { scanWording } from './scan-wording';
import { StaleThresholdsNotice } from '../../components/StaleThresholdsNotice';
import { thresholdsChanged } from '../../lib/stale-thresholds';
import { SCAN_MODES, useScan, type ScanItem, type ScanMode } from './ScanProvider';

function Summary({ items }: { items: ScanItem[] }) {
  const { t } = useTranslation();
  const faces = items.reduce(
    (n, item) =>
      n + (item.result?.faces.length ?? item.identified?.faces.length ?? item.verified?.facesInPhoto ?? 0),
    0,
  );
  const matches = items.reduce(
    (n, item) =>
      n +
      (item.identified?.faces.filter((f) => f.verdict === 'match').length ??
        (item.verified?.verdict === 'match' ? 1 : 0)),
    0,
  );
  const identified = items.some((item) => item.identified ?? item.verified);
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

/** Photos asked another question (another mode, or another subject) can be asked this one. */
function OtherModeNotice({ items }: { items: ScanItem[] }) {
  const { t } = useTranslation();
  const { mode, subject, rescanInMode, progress } = useScan();
  const now = targetForNew(mode, subject?.id ?? null);
  if (!now) return null;
  const counts = new Map<ScanMode | 'otherSubject', number>();
  for (const item of items) {
    const why = item.status === 'queued' ? null : differsFrom(item, now);
    if (!why) continue;
    const key = why === 'subject' ? 'otherSubject' : item.mode;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const other = [...counts.values()].reduce((a, b) => a + b, 0);
  if (other === 0) return null;
  return (
    <Alert color="gray" variant="light" py="xs" data-testid="scan-other-mode">
      <Group justify="space-between" gap="sm">
        <Text size="sm">
          {[...counts].map(([key, count]) => t(`scan.scannedAs.${key}`, { count })).join(' ')}
        </Text>
        <Button
          size="xs"
          variant="default"
          onClick={rescanInMode}
          disabled={progress.stopping}
          data-testid="scan-rescan"
        >
          {t(`scan.rescan.${mode}`, { count: other, name: subject?.name ?? '' })}
        </Button>
      </Group>
    </Alert>
  );
}

/** Verify mode: the subject the photos added next are checked for, from the watchlist. */
function SubjectPicker() {
  const { t } = useTranslation();
  const { subject, setSubject, refusedForNoSubject } = useScan();
  const subjects = useSubjects('').data?.subjects;
  const byId = useMemo(() => new Map(subjects?.map((s) => [s.id, s])), [subjects]);
  // A subject deleted since it was picked is no longer offered; one renamed keeps its new name.
  useEffect(() => {
    if (!subject || !subjects) return;
    const now = byId.get(subject.id);
    if (!now) setSubject(null);
    else if (now.name !== subject.name) setSubject({ id: now.id, name: now.name });
  }, [subject, subjects, byId, setSubject]);
  const picked = subject ? byId.get(subject.id) : undefined;
  return (
    <Select
      aria-label={t('scan.verify.subjectLabel')}
      placeholder={t('scan.verify.subjectPlaceholder')}
      searchable
      nothingFoundMessage={t('scan.verify.nothingFound')}
      data={(subjects ?? []).map((s) => ({ value: s.id, label: s.name, disabled: s.faceCount === 0 }))}
      value={picked ? picked.id : null}
      onChange={(id) => {
        const s = id ? byId.get(id) : undefined;
        setSubject(s ? { id: s.id, name: s.name } : null);
      }}
      allowDeselect={false}
      leftSection={
        <Avatar src={picked?.thumbnailUrl ?? undefined} size={22} radius="sm" alt="">
          <IconUser size={14} />
        </Avatar>
      }
      renderOption={({ option }) => {
        const s = byId.get(option.value);
        return (
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Avatar src={s?.thumbnailUrl ?? undefined} size={28} radius="sm" alt="">
              <IconUser size={16} />
            </Avatar>
            <Stack gap={0} style={{ minWidth: 0 }}>
              <Text size="sm" truncate="end">
                {option.label}
              </Text>
              {s?.faceCount === 0 && (
                <Text size="xs" c="dimmed">
                  {t('scan.verify.noFaces')}
                </Text>
              )}
            </Stack>
          </Group>
        );
      }}
      error={refusedForNoSubject > 0}
      w={280}
      size="sm"
      radius="sm"
      data-testid="verify-subject"
      data-subject-id={picked?.id ?? ''}
    />
  );
}

/** Verify mode: nobody to look for, or photos dropped before a subject was picked. */
function VerifyNotices() {
  const { t } = useTranslation();
  const { go } = useNavigation();
  const { subject, refusedForNoSubject } = useScan();
  const subjects = useSubjects('').data?.subjects;
  const nobody = subjects !== undefined && !subjects.some((s) => s.faceCount > 0);
  return (
    <>
      {nobody && (
        <Alert color="yellow" variant="light" py="xs" data-testid="verify-empty-watchlist">
          <Group justify="space-between" gap="sm">
            <Text size="sm">{t('scan.verify.emptyWatchlist')}</Text>
            <Anchor component="button" type="button" size="sm" onClick={() => go('watchlist')}>
              {t('scan.verify.openWatchlist')}
            </Anchor>
          </Group>
        </Alert>
      )}
      {refusedForNoSubject > 0 && (
        <Alert color="yellow" variant="light" py="xs" data-testid="verify-pick-first">
          <Text size="sm">{t('scan.verify.pickFirst', { count: refusedForNoSubject })}</Text>
        </Alert>
      )}
      {!nobody && !subject && refusedForNoSubject === 0 && (
        <Text size="sm" c="dimmed" data-testid="verify-pick-hint">
          {t('scan.verify.pickHint')}
        </Text>
      )}
    </>
  );
}

/**
 * Verdicts are judged at the thresholds in force when a photo was identified: after a change in
 * Settings, the photos judged before say so, with a button that identifies them again.
 */
function StaleScanNotice({ items }: { items: ScanItem[] }) {
  const { t } = useTranslation();
  const { judgeAgain, progress } = useScan();
  const now = useSettings().data?.thresholds;
  const judgedAt = (item: ScanItem) => item.identified?.faces[0]?.thresholds ?? item.verified?.thresholds;
  const stale = items.filter((item) => item.status === 'done' && thresholdsChanged(judgedAt(item), now));
  const first = stale[0];
  if (!first) return null;
  return (
    <StaleThresholdsNotice
      judgedAt={judgedAt(first)}
      message={(values) => t('identify.staleThresholds', { count: stale.length, ...values })}
      action={
        stale.some((item) => item.identified)
          ? t('identify.identifyAgain', { count: stale.length })
          : t('scan.verify.checkAgain', { count: stale.length })
      }
      onAction={() => judgeAgain(stale.map((item) => item.id))}
      disabled={progress.stopping}
      testId="scan-stale-thresholds"
      actionTestId="scan-identify-again"
    />
  );
}

export function ScanPage() {
  const { t, i18n } = useTranslation();
  const scan = useScan();
  const { items, addFiles, clear, onPickerRequest, progress, mode } = scan;
  const { openHistory } = useNavigation();
  // Kept across pages and restarts, as the mode is.
  const [matchesOnly, setMatchesOnly] = useStored(local, 'vigil.scan-matches-only', z.boolean(), false);
  const intake = usePhotoIntake(addFiles);
  const [preview, setPreview] = useState<ScanItem | null>(null);
  const empty = items.length === 0;
  const openKeys = shortcutLabel('o');
  const wording = scanWording(t, mode, scan.subject, openKeys);

  const { openFiles } = intake;
  useEffect(() => onPickerRequest(() => openFiles.current?.()), [onPickerRequest, openFiles]);

  const onOpen = useCallback((item: ScanItem) => setPreview(item), []);
  const previewLive = preview ? items.find((item) => item.id === preview.id) : undefined;
  const previewImage = previewLive?.result ?? previewLive?.identified ?? previewLive?.verified;
  const filterMatches = mode === 'identify' && matchesOnly;
  const shown = filterMatches
    ? items.filter((item) => item.identified?.faces.some((f) => worthReview(f.verdict)))
    : items;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('scan.title')}
        description={wording.description}
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

      <Group justify="space-between" gap="sm" align="flex-start">
        <Group gap="sm" align="flex-start">
          <ModeSwitch />
          {mode === 'verify' && <SubjectPicker />}
        </Group>
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
        label={wording.progress}
        testId="scan-progress"
        cancelTestId="scan-cancel"
      />
      {mode === 'verify' && <VerifyNotices />}
      <DropNotice notice={scan.notice} ns="scan" onClose={scan.dismissNotice} testId="scan-notice" />
      <OtherModeNotice items={items} />
      <StaleScanNotice items={items} />

      {empty ? (
        <Stack gap={4} align="center" py="lg" data-testid="scan-empty">
          <Text fw={600}>{t('scan.emptyTitle')}</Text>
          <Text size="sm" c="dimmed" ta="center" maw={560} data-mode={mode}>
            {wording.emptyBody}
          </Text>
          {/* A reload empties the page (its mode and subject stay): where the earlier scans are. */}
          <Text size="sm" c="dimmed" ta="center" maw={560} mt="xs" data-testid="scan-history-note">
            {t('scan.historyNote')}{' '}
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => openHistory(mode)}
              data-testid="scan-open-history"
            >
              {t('scan.historyLink', { kind: t(`history.kinds.${mode}`) })}
            </Anchor>
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
              mode !== 'inspect'
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
            boxes={scanBoxes(previewLive, i18n.language, t)}
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
