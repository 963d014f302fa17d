import {
  Button,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Subject } from '../../../../shared/watchlist-schemas';
import { useVigil } from '../../api/ClientProvider';
import { queryKeys, useSubjects } from '../../api/queries';
import { useDebouncedValue } from '@mantine/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { STATUS_COLOR, SUBJECT_STATUSES, type SubjectStatus } from '../../lib/labels';
import { useSingleFlightMutation } from '../../api/single-flight';

interface Fields {
  name: string;
  aliases: string[];
  notes: string;
  caseRef: string;
  status: SubjectStatus;
}

const EMPTY: Fields = { name: '', aliases: [], notes: '', caseRef: '', status: 'wanted' };

function fieldsOf(subject: Subject | undefined): Fields {
  if (!subject) return EMPTY;
  const { name, aliases, notes, caseRef, status } = subject;
  return { name, aliases, notes, caseRef, status };
}

/** Create a subject (no `subject`) or edit one; the form is the same, the channel differs. */
function SubjectFormBody({
  subject,
  onDone,
  onCancel,
  onDirtyChange,
}: {
  subject?: Subject;
  onDone: (saved: Subject) => void;
  onCancel: () => void;
  /** Whether the fields differ from what they started as. */
  onDirtyChange: (dirty: boolean) => void;
}) {
  const { t } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [initial] = useState<Fields>(() => fieldsOf(subject));
  const [fields, setFields] = useState<Fields>(initial);
  const [touched, setTouched] = useState(false);
  /** An alias typed but not yet turned into a tag (Enter, a comma or leaving the field does). */
  const [aliasDraft, setAliasDraft] = useState('');
  const dirty = JSON.stringify(fields) !== JSON.stringify(initial) || aliasDraft.trim() !== '';
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  const set = <K extends keyof Fields>(key: K, value: Fields[K]) =>
    setFields((f) => ({ ...f, [key]: value }));

  const save = useSingleFlightMutation({
    mutationFn: (input: Fields) => {
      const clean = {
        ...input,
        name: input.name.trim(),
        caseRef: input.caseRef.trim(),
        aliases: input.aliases.map((a) => a.trim()).filter(Boolean),
      };
      return subject
        ? client.invoke('watchlist.update', { id: subject.id, patch: clean })
        : client.invoke('watchlist.create', clean);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.subject(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: queryKeys.watchlist });
      onDone(saved);
    },
  });

  const nameError = touched && !fields.name.trim() ? t('watchlist.form.nameRequired') : undefined;
  // Two people can share a name, so it is said, not refused: the user may mean the one listed.
  const [typedName] = useDebouncedValue(fields.name.trim(), 250);
  const sameName = useSubjects(typedName).data?.subjects.find(
    (s) => s.id !== subject?.id && s.name.toLocaleLowerCase() === typedName.toLocaleLowerCase(),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!fields.name.trim()) return;
    save.mutate(fields);
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          label={t('watchlist.fields.name')}
          required
          data-autofocus
          value={fields.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          onBlur={() => setTouched(true)}
          error={nameError}
          description={
            sameName && !nameError ? (
              <Text span size="xs" c="orange" data-testid="subject-name-taken">
                {t('watchlist.form.nameTaken', { name: sameName.name })}
              </Text>
            ) : undefined
          }
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          maxLength={200}
          data-testid="subject-name-input"
        />
        <TagsInput
          label={t('watchlist.fields.aliases')}
          description={t('watchlist.form.aliasesHint')}
          value={fields.aliases}
          onChange={(value) => set('aliases', value)}
          searchValue={aliasDraft}
          onSearchChange={setAliasDraft}
          // No suggestions to show: kept closed, since an open (empty) dropdown would take the
          // first Escape for itself instead of the dialog.
          dropdownOpened={false}
          splitChars={[',', ';']}
          clearable
          maxTags={50}
          data-testid="subject-aliases-input"
        />
        <TextInput
          label={t('watchlist.fields.caseRef')}
          value={fields.caseRef}
          onChange={(e) => set('caseRef', e.currentTarget.value)}
          maxLength={200}
          data-testid="subject-case-input"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="subject-status-label">
            {t('watchlist.fields.status')}
          </Text>
          <SegmentedControl
            value={fields.status}
            onChange={(value) => set('status', value as SubjectStatus)}
            data={SUBJECT_STATUSES.map((s) => ({ value: s, label: t(`watchlist.status.${s}`) }))}
            color={STATUS_COLOR[fields.status]}
            aria-labelledby="subject-status-label"
            data-testid="subject-status"
            fullWidth
          />
        </Stack>
        <Textarea
          label={t('watchlist.fields.notes')}
          value={fields.notes}
          onChange={(e) => set('notes', e.currentTarget.value)}
          autosize
          minRows={3}
          maxRows={10}
          maxLength={20_000}
          data-testid="subject-notes-input"
        />
        {save.isError && <ErrorNotice error={save.error} />}
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} data-testid="subject-save">
            {subject ? t('watchlist.form.saveChanges') : t('watchlist.form.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function SubjectFormModal({
  opened,
  subject,
  onClose,
  onSaved,
}: {
  opened: boolean;
  subject?: Subject;
  onClose: () => void;
  onSaved?: (saved: Subject) => void;
}) {
  const { t } = useTranslation();
  // Typed fields are not thrown away by a stray click beside the dialog or an Escape meant for a
  // field: once something changed, only Cancel or the close button leave without saving.
  // Each opening's form reports its own state as it mounts.
  const [dirty, setDirty] = useState(false);
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      closeOnClickOutside={!dirty}
      closeOnEscape={!dirty}
      title={subject ? t('watchlist.form.editTitle', { name: subject.name }) : t('watchlist.form.newTitle')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
      data-testid="subject-form"
    >
      {/* Mounted only while open, so each opening starts from the subject's current fields. */}
      {opened && (
        <SubjectFormBody
          subject={subject}
          onCancel={onClose}
          onDirtyChange={setDirty}
          onDone={(saved) => {
            onSaved?.(saved);
            onClose();
          }}
        />
      )}
    </Modal>
  );
}
