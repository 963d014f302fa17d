import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { IconRestore } from '../../components/icons';
import { SuccessNotice } from '../../components/SuccessNotice';

/**
 * The end of an editable Settings section: what the last save did, an optional "restore the
 * built-in values", and Discard / Save. Test ids are `${testId}-saved`, `-restore` and `-save`.
 */
export function SaveFooter({
  testId,
  notice,
  dirty,
  canSave,
  pending,
  saveLabel,
  onSave,
  onDiscard,
  restore,
}: {
  testId: string;
  /** Shown after a save or restore; null shows nothing. */
  notice: string | null;
  dirty: boolean;
  canSave: boolean;
  pending: boolean;
  saveLabel: string;
  onSave: () => void;
  onDiscard: () => void;
  restore?: { label: string; disabled: boolean; onRestore: () => void };
}) {
  const { t } = useTranslation();
  return (
    <>
      {notice && <SuccessNotice testId={`${testId}-saved`}>{notice}</SuccessNotice>}
      <Group justify={restore ? 'space-between' : 'flex-end'} gap="xs">
        {restore && (
          <Button
            variant="default"
            leftSection={<IconRestore size={16} />}
            onClick={restore.onRestore}
            disabled={restore.disabled || pending}
            data-testid={`${testId}-restore`}
          >
            {restore.label}
          </Button>
        )}
        <Group gap="xs">
          {dirty && (
            <Button variant="subtle" color="gray" onClick={onDiscard}>
              {t('settings.thresholds.discard')}
            </Button>
          )}
          <Button
            onClick={onSave}
            disabled={!dirty || !canSave}
            loading={pending}
            data-testid={`${testId}-save`}
          >
            {saveLabel}
          </Button>
        </Group>
      </Group>
    </>
  );
}
